"""The documents API: receipts and forms as PDFs, result downloads, verification."""

import hashlib

from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.access import is_applicant
from cases.api.throttles import VerifyThrottle
from cases.api.views import public_case_or_404
from cases.selectors import visible_case_or_404
from documents import selectors, services
from documents.forms_pdf import form_by_alias
from documents.uploads import limit_upload
from onestop.http import pdf_response

from . import serializers as s

PDF = {(200, "application/pdf"): OpenApiTypes.BINARY}
NOT_FOUND = OpenApiResponse(description="No such case (or one the caller may not see).")
CONFLICT = OpenApiResponse(description='{"error": "invalid_transition", "detail": ...}')


def _filename(case, what: str) -> str:
    return f"{(case.code or case.reference).replace('.', '')}-{what}.pdf"


class ReceiptView(generics.GenericAPIView):
    """Print form 01 (counter staff): as issued with its PIN, or reprinted with a new PIN."""

    serializer_class = s.ReceiptPrintSerializer

    @extend_schema(
        request=s.ReceiptPrintSerializer,
        responses={
            **PDF,
            400: OpenApiResponse(description="Not the case's current PIN."),
            403: OpenApiResponse(description="Not the receiving counter."),
            404: NOT_FOUND,
            409: CONFLICT,
        },
        tags=["documents"],
    )
    def post(self, request, code):
        case = visible_case_or_404(request.user, code)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = services.receipt_print(
            case=case, by=request.user, pin=serializer.validated_data.get("pin", "")
        )
        return pdf_response(data, _filename(case, "01-tiep-nhan"))


class FormView(APIView):
    """Forms 02–05 of a case as issued (staff of the case, or its applicant)."""

    @extend_schema(
        responses={
            **PDF,
            400: OpenApiResponse(description="Form 01"),
            404: NOT_FOUND,
            409: CONFLICT,
        },  # fmt: skip
        tags=["documents"],
    )
    def get(self, request, code, form):
        case = visible_case_or_404(request.user, code)
        found = form_by_alias(form)
        if found is None:
            raise Http404
        data = services.form_pdf(case=case, form=found)
        return pdf_response(data, _filename(case, f"{found.code}-{found.slug}"))


class CaseResultView(APIView):
    """The signed result (staff of the case, or the applicant's account). The applicant's
    first download records the return online."""

    @extend_schema(responses={**PDF, 404: NOT_FOUND, 409: CONFLICT}, tags=["documents"])
    def get(self, request, code):
        case = visible_case_or_404(request.user, code)
        document = services.result_download(case=case, applicant=is_applicant(request.user, case))
        return result_file_response(case, document)


def result_file_response(case, document) -> FileResponse:
    """The stored signed file, streamed as it is: the bytes the signature covers."""
    response = FileResponse(
        document.signed.open("rb"),
        as_attachment=True,
        filename=_filename(case, "ket-qua"),
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


class PublicResultView(APIView):
    """The signed result for the applicant, by case code and receipt PIN. The first download
    records the return online. A wrong PIN and an unknown code both answer 404."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    error_statuses = {429}

    @extend_schema(
        parameters=[OpenApiParameter("pin", OpenApiTypes.STR, required=True)],
        responses={**PDF, 404: NOT_FOUND, 409: CONFLICT, 429: OpenApiResponse()},
        tags=["public"],
    )
    def get(self, request, code):
        case = public_case_or_404(request, code)
        document = services.result_download(case=case, applicant=True)
        return result_file_response(case, document)


def _verification(verification, document, data: bytes | None) -> dict:
    return s.VerificationSerializer(
        {
            "verdict": verification.verdict,
            "authentic": verification.authentic,
            "signer": verification.signer,
            "signed_at": verification.signed_at,
            "document_id": document.pk if document else None,
            "case_code": document.case.code if document else None,
            "sha256": hashlib.sha256(data).hexdigest() if data is not None else "",
        }
    ).data


class PublicVerifyDocumentView(APIView):
    """Whether a signed result we issued is authentic and intact: who signed it, when, for
    which case."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [VerifyThrottle]
    error_statuses = {429}

    @extend_schema(
        responses={200: s.VerificationSerializer, 404: OpenApiResponse()}, tags=["public"]
    )
    def get(self, request, document_id):
        document = selectors.signed_document(document_id)
        if document is None:
            raise Http404
        verification, document = services.verify_stored(document=document)
        answer = _verification(verification, document, None)
        answer["sha256"] = document.signed_sha256
        return Response(answer)


class PublicVerifyUploadView(generics.GenericAPIView):
    """Check an uploaded PDF: authentic and intact, modified after signing, or signed with a
    certificate that is untrusted, expired or revoked. A body larger than the limit
    (RESULT_MAX_BYTES) is refused with 413 before it is read."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [VerifyThrottle]
    error_statuses = {413, 429}
    parser_classes = [MultiPartParser]
    serializer_class = s.VerifyUploadSerializer

    def initial(self, request, *args, **kwargs):
        limit_upload(request._request)  # before the throttle and the parser read anything
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request=s.VerifyUploadSerializer,
        responses={200: s.VerificationSerializer, 400: OpenApiResponse()},
        tags=["public"],
    )
    def post(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data["file"].read()
        verification, document = services.verify_upload(data=data)
        return Response(_verification(verification, document, data))
