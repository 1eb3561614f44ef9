"""Thin views: validate with a serializer, call one service or selector, render."""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, permissions, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import Throttled
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from cases import selectors, services
from cases.actions import perform_action
from cases.models import Agency, Procedure

from . import serializers as s
from .filters import AgencyFilter, CaseFilter, ProcedureFilter


class MeView(APIView):
    """Who is logged in: username, roles, agency, and the page they work from.

    401 without credentials (session or token).
    """

    # Token first: an anonymous caller gets 401 with `WWW-Authenticate: Token`.
    authentication_classes = [TokenAuthentication, SessionAuthentication]

    @extend_schema(
        responses={200: s.MeSerializer, 401: OpenApiResponse(description="Not logged in.")}
    )
    def get(self, request):
        return Response(s.MeSerializer(request.user).data)


class ProcedureViewSet(viewsets.ReadOnlyModelViewSet):
    """The catalogue of procedures (thủ tục hành chính). Public."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.ProcedureSerializer
    filterset_class = ProcedureFilter
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    queryset = (
        Procedure.objects.filter(is_active=True)
        .select_related("agency")
        .prefetch_related("fees")
        .order_by("code")
    )


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Agencies (cơ quan, đơn vị). Public."""

    permission_classes = [permissions.AllowAny]
    serializer_class = s.AgencySerializer
    filterset_class = AgencyFilter
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    queryset = Agency.objects.select_related("parent").order_by("code")


def visible_case_or_404(user, code: str, *, with_timeline: bool = False):
    """By case code, or by submission reference before the case has a code.

    404 also for a case the user may not see: never reveal that it exists.
    """
    case = selectors.case_get_for_user(
        user=user, code_or_reference=code, with_timeline=with_timeline
    )
    if case is None:
        raise Http404
    return case


class CaseViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Cases (hồ sơ). Staff list and read the cases of their agency; citizens their own."""

    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filterset_class = CaseFilter

    def get_permissions(self):
        if self.action == "create":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_queryset(self):
        return selectors.cases_visible_to(self.request.user).order_by("appointment_at", "id")

    def get_serializer_class(self):
        return {"list": s.CaseListSerializer, "create": s.CaseCreateSerializer}.get(
            self.action, s.CaseSerializer
        )

    def get_object(self):
        return visible_case_or_404(self.request.user, self.kwargs["code"], with_timeline=True)

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

    Answers 200 with the updated case, 409 when the case's state does not allow it,
    403 when the caller may see the case but not take this action.
    """

    action_name = ""

    def post(self, request, code):
        case = visible_case_or_404(request.user, code)
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


class CaseDocumentUploadView(generics.GenericAPIView):
    """Attach a scanned document to an open case (counter staff or the officer)."""

    serializer_class = s.DocumentUploadSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(request=s.DocumentUploadSerializer, responses={201: s.CaseDocumentSerializer})
    def post(self, request, code):
        case = visible_case_or_404(request.user, code)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = services.case_document_add(
            case=case, by=request.user, **serializer.validated_data
        )
        return Response(s.CaseDocumentSerializer(document).data, status=status.HTTP_201_CREATED)


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


class PublicLookupThrottle(AnonRateThrottle):
    """Every public lookup counts, found or not; failures have a tighter limit of their own."""

    scope = "public_lookup"


class PublicCaseView(APIView):
    """Case status for the applicant, by code (or submission reference) and receipt PIN.

    A wrong PIN and an unknown code both answer 404; failed lookups are limited per client
    and per case.
    """

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [PublicLookupThrottle]

    @extend_schema(
        parameters=[OpenApiParameter("pin", OpenApiTypes.STR, required=True)],
        responses={200: s.PublicCaseSerializer},
    )
    def get(self, request, code):
        try:
            case = services.case_public_lookup(
                code=code, pin=request.query_params.get("pin", ""), client=self.client(request)
            )
        except services.LookupThrottled:
            raise Throttled(detail=_("Too many failed lookups; try again later.")) from None
        if case is None:
            raise Http404(_("No case with this code and PIN (or too many attempts on it)."))
        return Response(s.PublicCaseSerializer(case).data)

    def client(self, request) -> str:
        return PublicLookupThrottle().get_ident(request)
