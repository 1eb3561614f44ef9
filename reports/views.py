"""The supervisor's pages: the dashboard, the cases behind a figure, the ratings."""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cases.exceptions import InvalidTransition
from cases.models import Agency, Channel, Level
from cases.public_lookup import session_case
from cases.selectors import user_agency_ids

from . import charts
from .access import may_read_reports, scope_for
from .api.views import KnownCountPaginator
from .drilldown import (
    channel_mix,
    kpi_drill_down,
    kpi_figure,
    kpi_procedures,
    kpi_rows,
    on_time_by_agency,
    with_cases,
)
from .kpis import DECISION_766, KPI_BY_ID, PARTS, kpi_report, scorecard
from .models import Rating, RatingValue
from .routers import reports_db
from .services import rating_submit
from .throughput import throughput

# With no period asked for, the pages show the last 30 days: their trends then compare with
# the 30 days before, where the year so far compared with last year, which a new
# installation does not have (every card but one showed no trend).
DEFAULT_DAYS = 30


class DayMonthYearInput(forms.DateInput):
    """A date typed and shown as dd/mm/yyyy, as Vietnamese write it, whatever the browser's
    locale (a native date input follows the browser's, not the page's). A date given in ISO
    (a link, the API's form) is shown the same way."""

    def __init__(self):
        super().__init__(
            format="%d/%m/%Y",
            attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
        )

    def format_value(self, value):
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                return value
        return super().format_value(value)


def period_day(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=DayMonthYearInput(),
    )


class ReportFilterForm(forms.Form):
    """Period, agency and level: the same parameters as the reports API."""

    to = period_day(_("To"))
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", _("All levels")), *Level.choices]
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # `from` is the API's name for it; a Python keyword, so it is added here.
        self.fields = {
            "from": period_day(_("From")),
            **self.fields,
        }
        agencies = Agency.objects.order_by("level", "code")
        if not (user.is_superuser and user.agency_id is None):
            agencies = agencies.filter(pk__in=user_agency_ids(user))
        self.fields["agency"].choices = [("", _("All my agencies"))] + [
            (a.code, f"{a.code} {a.name}") for a in agencies
        ]

    def clean(self):
        data = super().clean()
        last = data.get("to") or timezone.localdate()
        first = data.get("from") or last - timedelta(days=DEFAULT_DAYS - 1)
        if first > last:
            self.add_error("from", _("The period starts after it ends."))
        elif (last - first).days >= 3 * 366:
            self.add_error("from", _("Ask for at most three years."))
        data["first"], data["last"] = first, last
        return data


def _reader(request):
    if not may_read_reports(request.user):
        raise PermissionDenied
    # Always bound: every field is optional, so no parameters at all is the last 30 days.
    form = ReportFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    # The page's links (exports, drill-down, pages) carry the period in ISO, as the API reads
    # it, however it was typed.
    query = request.GET.copy()
    for name in ("from", "to"):
        if data.get(name):
            query[name] = data[name].isoformat()
    request.GET = query
    scope = scope_for(
        request.user,
        first=data["first"],
        last=data["last"],
        agency=data.get("agency", ""),
        level=data.get("level", ""),
    )
    return form, scope


def _bucket_for(first: date, last: date) -> str:
    days = (last - first).days + 1
    return "day" if days <= 31 else "week" if days <= 120 else "month"


def _bucket_label(bucket: str):
    return {
        "day": lambda d: d.strftime("%d/%m"),
        "week": lambda d: d.strftime("%d/%m"),
        "month": lambda d: d.strftime("%m/%Y"),
    }[bucket]


@login_required
def dashboard(request):
    """Bảng điều khiển: the KPIs with their trend, throughput, on time by agency, channels."""
    form, scope = _reader(request)
    context = {"form": form, "query": request.GET.urlencode()}
    if scope is None:
        return render(request, "reports/dashboard.html", context, status=400)

    previous = {item["id"]: item for item in kpi_report(scope.previous())}
    report = kpi_report(scope)
    cards = []
    for item in report:
        # A count (feedback received) moves by its number, neither better nor worse.
        figure = "numerator" if item["unit"] == "count" else "rate"
        now, before = item[figure], previous[item["id"]][figure]
        trend = None
        if now is not None and before is not None:
            trend = round(now - before, 2)
        # Less time is better; a higher rate is better.
        better = trend is not None and (trend < 0 if item["id"] == "processing_time" else trend > 0)
        better = better and figure == "rate"
        worse = trend is not None and trend != 0 and not better and figure == "rate"
        digits = 0 if figure == "numerator" else 2
        cards.append({**item, "trend": trend, "better": better, "worse": worse, "digits": digits})
    card = scorecard(scope, report)
    groups = [
        {**group, "cards": [c for c in cards if c["group"] == group["group"]]}
        for group in card["groups"]
    ]

    bucket = _bucket_for(scope.first, scope.last)
    rows = throughput(scope, bucket=bucket)
    root_code = form.cleaned_data.get("agency")
    root = (
        Agency.objects.get(code=root_code)
        if root_code
        else request.user.agency or Agency.objects.filter(parent=None).first()
    )
    children = list(Agency.objects.filter(parent=root).order_by("code")) or [root]
    on_time = [
        (agency.name, round(100 * n / d, 1))
        for agency, n, d in on_time_by_agency(scope, children)
        if d
    ]
    channels = channel_mix(scope)
    context.update(
        scope=scope,
        total=card["total"],
        groups=groups,
        province_cards=[c for c in cards if c["family"] != DECISION_766],
        names={item["id"]: item["name"] for item in report},
        bucket=bucket,
        throughput=rows,
        throughput_svg=charts.throughput_chart(rows, _bucket_label(bucket)) if rows else "",
        on_time_svg=charts.on_time_chart(on_time) if on_time else "",
        channel_svg=charts.channel_chart(
            [(str(Channel(c).label), n) for c, n in sorted(channels.items()) if c in Channel.values]
        )
        if channels
        else "",
    )
    return render(request, "reports/dashboard.html", context)


@login_required
def kpi_cases(request, kpi):
    """What is behind one figure of the dashboard, 50 a page: its cases, its procedures, or
    a feature's rows (the feedback behind 5.1–5.3)."""
    form, scope = _reader(request)
    item = KPI_BY_ID.get(kpi)
    part = request.GET.get("part", "denominator")
    if item is None or not item.drill_down or part not in PARTS or scope is None:
        return render(
            request,
            "reports/kpi_cases.html",
            {"form": form, "kpi": item, "error": True},
            status=404 if scope is not None else 400,
        )
    name = next(i["name"] for i in kpi_report(scope) if i["id"] == kpi)
    context = {"form": form, "kpi": item, "name": name, "part": part, "scope": scope}
    try:
        if item.drill_down == "cases":
            rows, count = kpi_drill_down(scope, kpi, part)
        elif item.drill_down == "procedures":
            rows, count = kpi_procedures(scope, kpi, part), kpi_figure(scope, kpi, part)
        else:
            rows, context["columns"] = kpi_rows(scope, kpi, part)
            count = kpi_figure(scope, kpi, part)
    except KeyError:  # its data are not held here
        return render(request, "reports/kpi_cases.html", {**context, "error": True}, status=404)
    paginator = KnownCountPaginator(rows, 50, known_count=count)
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    if item.drill_down == "cases":
        rows = with_cases(rows)
    elif item.drill_down == "rows":
        rows = [[row[key] for key, _label in context["columns"]] for row in rows]
    context.update(page=page, rows=rows, count=paginator.count)
    return render(request, "reports/kpi_cases.html", context)


@login_required
def ratings(request):
    """Đánh giá: the citizens' ratings of the cases in scope, newest first."""
    form, scope = _reader(request)
    if scope is None:
        return render(request, "reports/ratings.html", {"form": form}, status=400)
    ratings = (
        Rating.objects.using(reports_db())
        .filter(created_at__gte=scope.start, created_at__lt=scope.end)
        .filter(scope.facts_filter("case__fact__"))
        .select_related("case", "case__procedure")
        .order_by("-created_at", "-case_id")
    )
    page = Paginator(ratings, 50).get_page(request.GET.get("page"))
    return render(request, "reports/ratings.html", {"form": form, "page": page, "scope": scope})


class RatingForm(forms.Form):
    """The applicant's rating, on the public case page once the result is returned."""

    rating = forms.ChoiceField(
        label=_("How satisfied are you?"), choices=RatingValue.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, max_length=2000, widget=forms.Textarea
    )


@require_POST
def rate(request):
    """Đánh giá: the applicant rates the case they looked up on the home page (the session
    holds the case whose PIN they proved), then sees it again with a message."""
    case = session_case(request)
    if case is None:
        messages.error(request, _("Look your case up again to rate it."))
        return redirect("home")
    form = RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the three ratings."))
        return redirect("home")
    try:
        rating_submit(
            case=case, value=form.cleaned_data["rating"], comment=form.cleaned_data["comment"]
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you: your rating has been recorded."))
    return redirect("home")
