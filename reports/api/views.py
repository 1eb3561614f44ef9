"""Reports API (supervisors and admins) and the public rating. Thin: validate, select, render."""

from itertools import islice

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.functional import cached_property
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import BrowsableAPIRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.views import public_case_or_404
from cases.models import Procedure

from .. import services
from ..access import may_read_reports, scope_for
from ..drilldown import kpi_drill_down, kpi_figure, kpi_procedures, with_cases
from ..kpis import DECISION_766, KPI_BY_ID, kpi_report, scorecard
from ..models import CaseFact, Rating
from ..routers import reports_db
from ..throughput import throughput
from . import serializers as s
from .renderers import CSVRenderer, XLSXRenderer, stream_csv, write_xlsx

FILE_FORMATS = [
    OpenApiParameter(
        "format",
        OpenApiTypes.STR,
        enum=["json", "csv", "xlsx"],
        description="Answer as a CSV or XLSX file instead of JSON.",
    )
]


class CanReadReports(permissions.BasePermission):
    message = "Reports are for supervisors and administrators."

    def has_permission(self, request, view):
        return may_read_reports(request.user)


# What every report answers besides its rows (404s differ by what can be unknown).
REPORT_ERRORS = {
    400: OpenApiResponse(description="Bad query parameters."),
    403: OpenApiResponse(description="Not a supervisor or an administrator."),
}


class ReportView(APIView):
    permission_classes = [CanReadReports]
    renderer_classes = [JSONRenderer, BrowsableAPIRenderer, CSVRenderer, XLSXRenderer]
    query_serializer = s.ReportQuerySerializer
    filename = "report"

    def scope(self, request):
        query = self.query_serializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        scope = scope_for(
            request.user,
            first=data["first"],
            last=data["last"],
            agency=data.get("agency", ""),
            level=data.get("level", ""),
            procedure=data.get("procedure", ""),
        )
        return scope, data

    def whole_file(self, request, rows, serializer_class, prepare=list):
        """A paged list asked for as a file: every row, not one page, read in chunks and
        written as it is read; None when JSON was asked for."""
        kind = request.accepted_renderer.format
        if kind not in ("csv", "xlsx"):
            return None
        columns = list(serializer_class().fields)
        serialized = _serialized(rows, serializer_class, prepare)
        if kind == "csv":
            return StreamingHttpResponse(
                stream_csv(columns, serialized), content_type="text/csv; charset=utf-8"
            )
        return FileResponse(write_xlsx(columns, serialized), content_type=XLSXRenderer.media_type)

    def finalize_response(self, request, response, *args, **kwargs):
        if getattr(response, "exception", False):
            # An error is JSON whatever file was asked for: a spreadsheet cannot say why.
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        renderer = getattr(request, "accepted_renderer", None)
        failed = getattr(response, "exception", False)
        if not failed and renderer is not None and renderer.format in ("csv", "xlsx"):
            response["Content-Disposition"] = (
                f'attachment; filename="{self.filename}.{renderer.format}"'
            )
        return response


EXPORT_CHUNK = 1000  # rows read, and serialized, at a time


def _serialized(rows, serializer_class, prepare):
    rows = rows.iterator(chunk_size=EXPORT_CHUNK)
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        yield from serializer_class(prepare(chunk), many=True).data


class KPIReportView(ReportView):
    """The KPIs of a period, an agency with its sub-agencies, a level, a procedure."""

    filename = "kpis"

    @extend_schema(
        parameters=[s.ReportQuerySerializer, *FILE_FORMATS],
        responses={
            200: s.KPISerializer(many=True),
            **REPORT_ERRORS,
            404: OpenApiResponse(description="Unknown agency or procedure, or outside yours."),
        },
    )
    def get(self, request):
        scope, _ = self.scope(request)
        return Response(kpi_report(scope))


class ScorecardView(ReportView):
    """The national scorecard (Decision 766/QĐ-TTg): the total out of 100 and each group's,
    with the indicators not measurable here or without anything to count named; the seed's
    province figures beside it. As a file: one row per indicator, group and total."""

    filename = "scorecard"

    @extend_schema(
        parameters=[s.ReportQuerySerializer, *FILE_FORMATS],
        responses={
            200: s.ScorecardSerializer,
            **REPORT_ERRORS,
            404: OpenApiResponse(description="Unknown agency or procedure, or outside yours."),
        },
    )
    def get(self, request):
        scope, _ = self.scope(request)
        report = kpi_report(scope)
        card = {
            **scorecard(scope, report),
            "indicators": [i for i in report if i["family"] == DECISION_766],
            "province_figures": [i for i in report if i["family"] != DECISION_766],
        }
        if request.accepted_renderer.format in ("csv", "xlsx"):
            return Response(scorecard_rows(card))
        return Response(card)


def scorecard_rows(card: dict) -> list[dict]:
    """The scorecard as rows of one table: each group's indicators and its subtotal, the
    total, then the province figures under their own section."""
    rows = []
    for group in card["groups"]:
        rows += [
            {"section": "decision_766", **item}
            for item in card["indicators"]
            if item["group"] == group["group"]
        ]
        rows.append({"section": "group", "id": f"group_{group['group']}", **group})
    rows.append({"section": "total", "id": "total", "name": "Total", **card["total"]})
    rows += [{"section": "province", **item} for item in card["province_figures"]]
    return rows


class ThroughputView(ReportView):
    """Received, resolved, returned, backlog, overdue and due soon per day, week or month."""

    query_serializer = s.ThroughputQuerySerializer
    filename = "throughput"

    @extend_schema(
        parameters=[s.ThroughputQuerySerializer, *FILE_FORMATS],
        responses={
            200: s.ThroughputRowSerializer(many=True),
            **REPORT_ERRORS,
            404: OpenApiResponse(description="Unknown agency or procedure, or outside yours."),
        },
    )
    def get(self, request):
        scope, data = self.scope(request)
        rows = throughput(scope, bucket=data["bucket"], group_by=data.get("group_by", ""))
        return Response(s.ThroughputRowSerializer(rows, many=True).data)


class KnownCountPaginator(Paginator):
    """A paginator told its count: the drill-down's count is the report's own figure."""

    def __init__(self, *args, known_count=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self):
        return self.known_count if self.known_count is not None else super().count


class DrillDownPagination(PageNumberPagination):
    page_size = 50

    def django_paginator_class(self, *args, **kwargs):
        return KnownCountPaginator(*args, known_count=self.known_count, **kwargs)


class KPICasesView(ReportView, GenericAPIView):
    """The cases behind one KPI figure (its numerator or its denominator), 50 a page; as a
    file, all of them."""

    query_serializer = s.DrillDownQuerySerializer
    serializer_class = s.DrillDownCaseSerializer
    pagination_class = DrillDownPagination
    queryset = CaseFact.objects.none()  # for the schema: the rows come from kpi_drill_down
    filename = "cases"

    @extend_schema(
        parameters=[s.DrillDownQuerySerializer, *FILE_FORMATS],
        responses={
            200: s.DrillDownCaseSerializer(many=True),
            **REPORT_ERRORS,
            404: OpenApiResponse(description="Unknown KPI, agency or procedure."),
        },
    )
    def get(self, request, kpi):
        if kpi not in KPI_BY_ID or KPI_BY_ID[kpi].drill_down != "cases":
            raise Http404
        if not KPI_BY_ID[kpi].available():
            raise Http404
        scope, data = self.scope(request)
        facts, count = kpi_drill_down(scope, kpi, data["part"])
        if file := self.whole_file(request, facts, self.serializer_class, with_cases):
            return file
        self.paginator.known_count = count
        rows = with_cases(self.paginate_queryset(facts))
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)


class KPIProceduresView(ReportView, GenericAPIView):
    """The procedures behind one figure of an indicator over the catalogue (1.1–1.3, 3.1,
    3.2, 3.5), by code, 50 a page; as a file, all of them."""

    query_serializer = s.DrillDownQuerySerializer
    serializer_class = s.DrillDownProcedureSerializer
    pagination_class = DrillDownPagination
    queryset = Procedure.objects.none()  # for the schema: the rows come from kpi_procedures
    filename = "procedures"

    @extend_schema(
        parameters=[s.DrillDownQuerySerializer, *FILE_FORMATS],
        responses={
            200: s.DrillDownProcedureSerializer(many=True),
            **REPORT_ERRORS,
            404: OpenApiResponse(
                description="Unknown KPI (or not over procedures), agency or procedure."
            ),
        },
    )
    def get(self, request, kpi):
        if kpi not in KPI_BY_ID or KPI_BY_ID[kpi].drill_down != "procedures":
            raise Http404
        scope, data = self.scope(request)
        procedures = kpi_procedures(scope, kpi, data["part"])
        if file := self.whole_file(request, procedures, self.serializer_class):
            return file
        self.paginator.known_count = kpi_figure(scope, kpi, data["part"])
        page = self.paginate_queryset(procedures)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RatingListView(ReportView, GenericAPIView):
    """The citizens' ratings of the cases in scope, newest first (as a file, all of them)."""

    serializer_class = s.RatingSerializer
    queryset = Rating.objects.none()  # for the schema: the rows are the scope's ratings
    filename = "ratings"

    @extend_schema(
        parameters=[s.ReportQuerySerializer, *FILE_FORMATS],
        responses={
            200: s.RatingSerializer(many=True),
            **REPORT_ERRORS,
            404: OpenApiResponse(description="Unknown agency or procedure."),
        },
    )
    def get(self, request):
        scope, _ = self.scope(request)
        ratings = (
            Rating.objects.using(reports_db())
            .filter(created_at__gte=scope.start, created_at__lt=scope.end)
            .filter(scope.facts_filter("case__fact__"))
            .select_related("case")
            .order_by("-created_at", "-case_id")
        )
        if file := self.whole_file(request, ratings, self.serializer_class):
            return file
        page = self.paginate_queryset(ratings)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PublicRatingView(APIView):
    """The applicant rates a returned case, once, with the receipt's PIN."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    error_statuses = {429}

    @extend_schema(
        parameters=[OpenApiParameter("pin", OpenApiTypes.STR, required=True)],
        request=s.RatingInSerializer,
        responses={
            201: s.RatingSerializer,
            400: OpenApiResponse(description="Not one of the three ratings."),
            404: OpenApiResponse(description="No case with this code and PIN."),
            409: OpenApiResponse(description="Not returned yet, or already rated."),
            429: OpenApiResponse(description="Too many failed lookups."),
        },
    )
    def post(self, request, code):
        body = s.RatingInSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        case = public_case_or_404(request, code)
        rating = services.rating_submit(
            case=case,
            value=body.validated_data["rating"],
            comment=body.validated_data.get("comment", ""),
        )
        return Response(s.RatingSerializer(rating).data, status=status.HTTP_201_CREATED)
