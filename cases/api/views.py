"""Thin views: validate with a serializer, call one service or selector, render."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler
from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors, services
from cases.actions import perform_action
from cases.public_lookup import LookupThrottled, case_public_lookup
from onestop.auth import login_wait
from onestop.clients import client_ip
from onestop.safejson import JSONParser

from . import serializers as s
from .errors import TooLarge
from .filters import AgencyFilter, CaseFilter, ProcedureFilter
from .throttles import OnlineFilingThrottle, TokenThrottle

# A code, a reference or a username in a URL: no NUL (PostgreSQL cannot store it) and no
# longer than any code we issue, so a bad one is a 404 before it reaches the database.
CODE_IN_URL = r"[^/\x00]{1,64}"


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of procedures (thủ tục hành chính). Public."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.ProcedureSerializer
    filterset_class = ProcedureFilter
    lookup_field = "code"
    lookup_value_regex = CODE_IN_URL
    queryset = selectors.procedure_rows()


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Agencies (cơ quan, đơn vị). Public."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.AgencySerializer
    filterset_class = AgencyFilter
    lookup_field = "code"
    lookup_value_regex = CODE_IN_URL
    queryset = selectors.agency_rows()


class CaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases (hồ sơ). Staff list and read the cases of their agency; citizens their own."""

    lookup_field = "code"
    lookup_value_regex = CODE_IN_URL
    filterset_class = CaseFilter

    @property
    def error_statuses(self):
        # Online filing (by anyone but staff) is limited per client, and answers 404 for a
        # procedure not offered online, as the portal's page does.
        return {404, 429} if self.action == "create" else set()

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_throttles(self):
        # Counter staff file all day long; anyone else files online, a few cases at most.
        user = self.request.user
        if self.action == "create" and not (user.is_authenticated and user.is_staff_member):
            return [OnlineFilingThrottle()]
        return []

    def get_queryset(self):
        if self.action == "list":
            return selectors.case_queue(self.request.user)
        return selectors.cases_visible_to(self.request.user).order_by("appointment_at", "id")

    def get_serializer_class(self):
        return {"list": s.CaseListSerializer, "create": s.CaseCreateSerializer}.get(
            self.action, s.CaseSerializer
        )

    def get_object(self):
        return selectors.visible_case_or_404(
            self.request.user, self.kwargs["code"], with_timeline=True
        )

    @extend_schema(request=s.CaseCreateSerializer, responses={201: s.CaseCreatedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = s.CaseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.case_file(
            procedure=data["procedure"],
            applicant=data["applicant"],
            channel=data["channel"],
            documents=data.get("documents", []),
            by=request.user,
        )
        return Response(
            s.CaseCreatedSerializer(case, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CaseActionView(generics.GenericAPIView):
    """Apply one action to a case; the body carries what the action needs.

    Answers 200 with the updated case, 409 when the case's state does not allow it (or it
    changed meanwhile: reload and retry), 403 when the caller may see the case but not take
    this action. An action that would change nothing (assigning the officer already
    assigned) is a no-op: 200 with the case as it is, no new event. A caller who loses a
    race to a step that takes the case out of their sight (a transfer) gets 404.
    """

    action_name = ""
    error_statuses = {409}

    def post(self, request, code):
        case = selectors.visible_case_or_404(request.user, code)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        perform_action(
            case=case, action=self.action_name, by=request.user, **serializer.validated_data
        )
        # A transfer can take the case out of the actor's sight: show them what they did.
        case = (
            selectors.case_get_for_user(
                user=request.user, code_or_reference=code, with_timeline=True
            )
            or case
        )
        return Response(s.CaseSerializer(case, context={"request": request}).data)


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops a multipart upload as soon as a file grows past the limit (no Content-Length
    needed: a chunked body is counted as it streams in)."""

    def __init__(self, request=None, *, limit: int):
        super().__init__(request)
        self.limit = limit

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            raise _too_large(self.limit)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large(limit: int) -> TooLarge:
    return TooLarge(_("The file is larger than the limit of %d MB.") % (limit // (1024 * 1024)))


# Room for the form fields and multipart boundaries around the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


class CaseDocumentUploadView(generics.GenericAPIView):
    """Attach a scanned document to an open case (counter staff or the officer).

    A body larger than the limit is refused with 413 before it is read.
    """

    serializer_class = s.DocumentUploadSerializer
    parser_classes = [MultiPartParser]
    error_statuses = {409, 413}

    def initial(self, request, *args, **kwargs):
        # Before authentication: a session login's CSRF check already reads the body.
        limit = settings.DOCUMENT_MAX_BYTES
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit + MULTIPART_OVERHEAD_BYTES:
            raise _too_large(limit)
        request._request.upload_handlers.insert(0, SizeLimitUploadHandler(limit=limit))
        super().initial(request, *args, **kwargs)

    @extend_schema(request=s.DocumentUploadSerializer, responses={201: s.CaseDocumentSerializer})
    def post(self, request, code):
        case = selectors.visible_case_or_404(request.user, code)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.case_document_add(
            case=case, by=request.user, **serializer.validated_data
        )
        return Response(
            s.CaseDocumentSerializer(document, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CaseDocumentFileView(APIView):
    """Download a scanned document: staff who may see the case, and its applicant.

    Files are never served from a public URL.
    """

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, code, document_id):
        case = selectors.visible_case_or_404(request.user, code)
        document = case.documents.filter(pk=document_id).exclude(file="").first()
        if document is None:
            raise Http404
        extension = document.file.name.rsplit(".", 1)[-1]
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=f"{slugify(document.name) or 'document'}-{document.pk}.{extension}",
            content_type={v: k for k, v in services.SCAN_TYPES.items()}.get(extension),
        )


def action_views():
    """One view class per action, so the schema shows each action's own body."""
    views = {}
    for action, body in s.ACTION_SERIALIZERS.items():
        name = "".join(part.title() for part in action.split("-")) + "ActionView"
        view = type(name, (CaseActionView,), {"action_name": action, "serializer_class": body})
        views[action] = extend_schema_view(
            post=extend_schema(
                operation_id=f"cases_action_{action.replace('-', '_')}",
                request=body,
                responses={200: s.CaseSerializer},
                tags=["case actions"],
            )
        )(view)
    return views


class PublicCaseView(APIView):
    """Case status for the applicant, by code (or submission reference) and receipt PIN.

    A wrong PIN and an unknown code both answer 404. A client that failed too many lookups
    (in all, or on this case) gets 429 with `Retry-After`, whatever the PIN.
    """

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    error_statuses = {429}

    @extend_schema(
        parameters=[OpenApiParameter("pin", OpenApiTypes.STR, required=True)],
        responses={200: s.PublicCaseSerializer},
    )
    def get(self, request, code):
        return Response(s.PublicCaseSerializer(public_case_or_404(request, code)).data)


def public_case_or_404(request, code: str):
    """The case by code and `?pin=`, under the public lookup's limits: 404 for a wrong PIN
    or an unknown code alike, 429 with `Retry-After` for a client held back."""
    try:
        case = case_public_lookup(
            code=code, pin=request.query_params.get("pin", ""), client=client_ip(request)
        )
    except LookupThrottled as throttled:
        raise Throttled(
            wait=throttled.wait, detail=_("Too many failed lookups; try again later.")
        ) from None
    if case is None:
        raise Http404(_("No case with this code and PIN."))
    return case


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token.

    Limited per client (TOKEN_RATE), and failed logins per client and per (client,
    username) (django-axes, onestop/auth.py): past the limit, 429 with `Retry-After`.
    """

    throttle_classes = [TokenThrottle]
    # ObtainAuthToken's own list, in its order, with the JSON nesting bound.
    parser_classes = [FormParser, MultiPartParser, JSONParser]
    error_statuses = {429}

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # django-axes flags the DRF request it was given when the login is locked out.
            if getattr(request, "axes_locked_out", False):
                raise Throttled(
                    wait=login_wait(request),
                    detail=_("Too many failed logins; try again later."),
                )
            raise ValidationError(serializer.errors)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
