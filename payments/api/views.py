"""Thin views of the payments API."""

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import ParseError, PermissionDenied, Throttled
from rest_framework.parsers import FormParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.errors import TooLarge
from cases.api.serializers import FeesDueSerializer
from cases.selectors import visible_case_or_404
from onestop.clients import address_in, client_address, client_ip
from onestop.http import pdf_response
from onestop.safejson import JSONParser
from payments import receipt_pdf, selectors, services
from payments.fee_gate import fees_due_data

from . import serializers as s

ERROR = inline_serializer(
    "PaymentError", {"error": serializers.CharField(), "detail": serializers.CharField()}
)


class CasePaymentsView(APIView):
    """The payment requests of a case (staff of the case, or the applicant)."""

    @extend_schema(
        responses={
            200: s.PaymentRequestSerializer(many=True),
            401: OpenApiResponse(description="Not logged in."),
            404: OpenApiResponse(description="No such case, or not visible to the caller."),
        }
    )
    def get(self, request, code):
        case = visible_case_or_404(request.user, code)
        payments = case.payment_requests.select_related("receipt__agency")
        return Response(s.PaymentRequestSerializer(payments, many=True).data)

    @extend_schema(
        request=s.PaymentCreateSerializer,
        responses={
            201: s.PaymentRequestSerializer,
            400: OpenApiResponse(description="Bad input."),
            401: OpenApiResponse(description="Not logged in."),
            403: OpenApiResponse(ERROR, description="Cash and transfers: counter staff only."),
            404: OpenApiResponse(description="No such case, or not visible to the caller."),
            409: OpenApiResponse(ERROR, description="Nothing is due on this case now."),
            503: OpenApiResponse(ERROR, description="The payment gateway is not answering."),
        },
    )
    def post(self, request, code):
        """Create a payment request for the unpaid fees.

        `online` answers the gateway's `payment_url` (a pending request for the same amount
        is answered again); `cash` and `transfer` are recorded as paid at once, with a receipt.
        """
        case = visible_case_or_404(request.user, code)
        body = s.PaymentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            payment = services.payment_request_create(
                case=case,
                by=request.user,
                return_base=request.build_absolute_uri("/"),
                **body.validated_data,
            )
        except services.GatewayUnavailable as exc:
            return Response(
                {"error": "gateway_unavailable", "detail": str(exc)},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        return Response(s.PaymentRequestSerializer(payment).data, status=status.HTTP_201_CREATED)


class PaymentRefundView(APIView):
    """Record that a paid request was refunded (hoàn tiền): the receiving counter, with a reason."""

    @extend_schema(
        request=s.RefundSerializer,
        responses={
            200: s.PaymentRequestSerializer,
            400: OpenApiResponse(description="No reason given."),
            401: OpenApiResponse(description="Not logged in."),
            403: OpenApiResponse(ERROR, description="Only the receiving counter."),
            404: OpenApiResponse(description="No such case or request, or not visible."),
            409: OpenApiResponse(ERROR, description="The request is not paid."),
        },
    )
    def post(self, request, code, reference):
        case = visible_case_or_404(request.user, code)
        payment = get_object_or_404(case.payment_requests, reference=reference)
        body = s.RefundSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        payment = services.payment_refund(
            payment=payment, reason=body.validated_data["reason"], by=request.user
        )
        return Response(s.PaymentRequestSerializer(payment).data)


class PaymentReceiptView(APIView):
    """The receipt (biên lai thu phí, lệ phí) of a paid request, as a PDF."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(description="The receipt, A5."),
            401: OpenApiResponse(description="Not logged in."),
            404: OpenApiResponse(
                description="No such case or request, not visible to the caller, or not paid."
            ),
        }
    )
    def get(self, request, code, reference):
        case = visible_case_or_404(request.user, code)
        payment = selectors.paid_request_or_404(case, reference)
        return pdf_response(receipt_pdf.receipt_pdf(payment), receipt_pdf.filename(payment))


class CaseExemptionsView(APIView):
    """Record a fee exemption (miễn phí) on a case: the receiving counter, with a reason."""

    @extend_schema(
        request=s.ExemptionCreateSerializer,
        responses={
            201: FeesDueSerializer,
            400: OpenApiResponse(description="Bad input, or not a fee the case owes."),
            401: OpenApiResponse(description="Not logged in."),
            403: OpenApiResponse(ERROR, description="Only the receiving counter."),
            404: OpenApiResponse(description="No such case, or not visible to the caller."),
            409: OpenApiResponse(ERROR, description="The case is closed."),
        },
    )
    def post(self, request, code):
        case = visible_case_or_404(request.user, code)
        body = s.ExemptionCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.fee_exemption_grant(
            case=case,
            fee_codes=body.validated_data.get("fees"),
            reason=body.validated_data["reason"],
            by=request.user,
        )
        case.refresh_from_db()
        return Response(fees_due_data(case), status=status.HTTP_201_CREATED)


PAYGOV_REPLY = inline_serializer(
    "PayGovReply",
    {
        "MaLoi": serializers.CharField(help_text="00: received; 07: bad checksum."),
        "MaDoiTac": serializers.CharField(),
        "ThoiGianGD": serializers.CharField(),
        "MaXacThuc": serializers.CharField(),
    },
)


class PayGovCallbackView(APIView):
    """The national payment platform's callback (IPN).

    Kept in the inbox whatever it says and answered at once in PayGov's reply format; a
    valid one is applied by a background task, exactly once.
    """

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = []
    parser_classes = [JSONParser, FormParser]
    # 403: not from the gateway's addresses (PAYGOV_CALLBACK_ALLOWED_IPS); 413: a body over
    # PAYGOV_CALLBACK_MAX_BYTES; 429: over the client's limits (services.callback_receive).
    error_statuses = {403, 413, 429}

    @extend_schema(
        request=inline_serializer(
            "PayGovCallback",
            {
                name: serializers.CharField()
                for name in (
                    "LoaiBanTin",
                    "MaLoi",
                    "MaDoiTac",
                    "MaThamChieu",
                    "SoTien",
                    "MaTienTe",
                    "MaGiaoDich",
                    "MaNganHang",
                    "ThoiGianGD",
                    "ThongTinGiaoDich",
                    "MaXacThuc",
                )  # fmt: skip
            },
        ),
        responses={200: OpenApiResponse(PAYGOV_REPLY, description="Also for a bad checksum.")},
        auth=[],
        tags=["payments"],
    )
    def post(self, request):
        allowed = settings.PAYGOV_CALLBACK_ALLOWED_IPS
        if allowed and not address_in(client_address(request), allowed):
            raise PermissionDenied(_("Only the payment platform may call back."))
        if _declared_length(request) > settings.PAYGOV_CALLBACK_MAX_BYTES:
            raise TooLarge  # refused unread
        try:
            payload = request.data.dict() if hasattr(request.data, "dict") else request.data
        except ParseError:
            payload = request.body.decode(errors="replace")
        try:
            _callback, reply = services.callback_receive(
                gateway_name="paygov", payload=payload, client=client_ip(request)
            )
        except services.CallbackThrottled as throttled:
            raise Throttled(wait=throttled.wait) from None
        return Response(reply)


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: no body
