"""KPIs (chỉ số đánh giá, Decision 766/QĐ-TTg) computed from the cases' facts.

Every figure is a count of cases under a filter (`KPI.numerator`, `KPI.denominator`), so the
drill-down lists exactly the cases behind it. All fact-based counts of a report come from
one aggregate query over `CaseFact`; the rules are in the README's KPI section.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from cases.models import Agency, Case, Channel, OnlineLevel, Procedure, ReturnChannel
from cases.working_time import VN_TZ

from .aggregates import Percentile, cached_report, is_postgres, python_percentile
from .models import CaseFact, Rating, RatingValue
from .routers import reports_db


@dataclass(frozen=True)
class Scope:
    """What a report covers: the days from `first` to `last` (Vietnam time, both included),
    the agencies (an agency with its sub-agencies; None for all), a level, a procedure."""

    first: date
    last: date
    agency_ids: frozenset[int] | None = None
    level: str = ""
    procedure_id: int | None = None

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, VN_TZ)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), time.min, VN_TZ)

    def previous(self) -> "Scope":
        """The period of the same length just before this one (for trends)."""
        days = (self.last - self.first).days + 1
        return Scope(
            self.first - timedelta(days=days),
            self.first - timedelta(days=1),
            self.agency_ids,
            self.level,
            self.procedure_id,
        )

    def key(self) -> tuple:
        ids = tuple(sorted(self.agency_ids)) if self.agency_ids is not None else None
        return (self.first, self.last, ids, self.level, self.procedure_id)

    def facts_filter(self, prefix: str = "") -> Q:
        q = Q()
        if self.agency_ids is not None:
            q &= Q(**{f"{prefix}deciding_agency_id__in": self.agency_ids})
        if self.level:
            q &= Q(**{f"{prefix}level": self.level})
        if self.procedure_id:
            q &= Q(**{f"{prefix}procedure_id": self.procedure_id})
        return q

    def facts(self) -> QuerySet[CaseFact]:
        return CaseFact.objects.using(reports_db()).filter(self.facts_filter())


def _in(field_name: str, s: Scope) -> Q:
    return Q(**{f"{field_name}__gte": s.start, f"{field_name}__lt": s.end})


def _open_at_end(s: Scope) -> Q:
    return Q(received_at__lt=s.end) & (Q(ended_at=None) | Q(ended_at__gte=s.end))


def _received(s: Scope) -> Q:
    return _in("received_at", s)


def _finished_or_open(s: Scope) -> Q:
    return Q(received_at__isnull=False) & (_in("finished_at", s) | _open_at_end(s))


def _on_time(s: Scope) -> Q:
    finished_on_time = _in("finished_at", s) & Q(on_time=True)
    open_not_late = _open_at_end(s) & Q(due_at__gte=s.end, supplements__lte=1)
    return Q(received_at__isnull=False) & (finished_on_time | open_not_late)


@dataclass(frozen=True)
class KPI:
    id: str
    name: str
    indicator: str = ""  # the Decision 766 indicator, e.g. "2.1"
    threshold: float | None = None  # percent
    max_points: float | None = None
    numerator: Callable[[Scope], Q] | None = field(default=None, repr=False)
    denominator: Callable[[Scope], Q] | None = field(default=None, repr=False)


KPIS = [
    KPI(
        "online_receipt",
        _("Cases received online"),
        "3.3",
        50,
        12,
        numerator=lambda s: _received(s) & Q(channel=Channel.ONLINE),
        denominator=_received,
    ),
    KPI(
        "online_resolution_signed",
        _("Resolved online with a digital signature"),
        numerator=lambda s: (
            _in("resolved_at", s) & Q(channel=Channel.ONLINE, signed_digitally=True)
        ),
        denominator=lambda s: _in("resolved_at", s),
    ),
    KPI(
        "online_return",
        _("Results returned online"),
        "4.1",
        100,
        6,
        numerator=lambda s: _in("returned_at", s) & Q(return_channel=ReturnChannel.ONLINE),
        denominator=lambda s: _in("returned_at", s),
    ),
    KPI(
        "full_online",
        _("Full-online cases (received and returned online)"),
        numerator=lambda s: (
            _received(s)
            & Q(online_level=OnlineLevel.FULL, channel=Channel.ONLINE)
            & Q(return_channel=ReturnChannel.ONLINE)
        ),
        denominator=lambda s: _received(s) & Q(online_level=OnlineLevel.FULL),
    ),
    KPI(
        "on_time",
        _("Cases on time"),
        "2.1",
        100,
        20,
        numerator=_on_time,
        denominator=_finished_or_open,
    ),
    KPI(
        "online_payment",
        _("Fees paid online"),
        "3.6",
        100,
        6,
        numerator=lambda s: _received(s) & Q(fee_bearing=True, fee_exempt=False, paid_online=True),
        denominator=lambda s: _received(s) & Q(fee_bearing=True, fee_exempt=False),
    ),
    KPI(
        "digitised",
        _("Cases digitised"),
        "4.2",
        80,
        4,
        numerator=lambda s: _received(s) & Q(digitised=True),
        denominator=_received,
    ),
    KPI("satisfaction", _("Satisfaction"), "5.4", 90, 6),
    KPI("procedures_online", _("Procedures offered online"), "3.1", 80),
    KPI("processing_time", _("Processing time (working days)"), "2.2"),
]
KPI_BY_ID = {kpi.id: kpi for kpi in KPIS}
COUNTED = [kpi for kpi in KPIS if kpi.numerator]


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def _score(kpi: KPI, rate: float | None) -> float | None:
    if rate is None or kpi.max_points is None:
        return None
    return round(min(rate / kpi.threshold, 1) * kpi.max_points, 2)


def _item(kpi: KPI, numerator, denominator, rate, **extra) -> dict:
    return {
        "id": kpi.id,
        "indicator": kpi.indicator,
        "numerator": numerator,
        "denominator": denominator,
        "rate": rate,
        "threshold": kpi.threshold,
        "max_points": kpi.max_points,
        "score": _score(kpi, rate),
        "unit": "percent",
        **extra,
    }


def procedures_in(scope: Scope) -> QuerySet[Procedure]:
    procedures = Procedure.objects.using(reports_db()).filter(is_active=True)
    if scope.agency_ids is not None:
        procedures = procedures.filter(agency_id__in=scope.agency_ids)
    if scope.level:
        procedures = procedures.filter(level=scope.level)
    if scope.procedure_id:
        procedures = procedures.filter(pk=scope.procedure_id)
    return procedures


def ratings_in(scope: Scope) -> QuerySet[Rating]:
    return Rating.objects.using(reports_db()).filter(
        _in("created_at", scope), scope.facts_filter("case__fact__")
    )


def _compute(scope: Scope) -> dict[str, dict]:
    db = reports_db()
    resolved = _in("resolved_at", scope)
    aggregates = {}
    for kpi in COUNTED:
        aggregates[f"{kpi.id}_n"] = Count("pk", filter=kpi.numerator(scope))
        aggregates[f"{kpi.id}_d"] = Count("pk", filter=kpi.denominator(scope))
    aggregates["days_avg"] = Avg("processing_days", filter=resolved)
    if is_postgres(db):
        aggregates["days_median"] = Percentile("processing_days", 0.5, filter=resolved)
    # Only cases that can count in the period: received before its end, and not finished
    # (nor returned) before its start. Rejected submissions were never received.
    relevant = Q(received_at__lt=scope.end) & (
        Q(ended_at=None) | Q(ended_at__gte=scope.start) | Q(returned_at__gte=scope.start)
    )
    row = scope.facts().filter(relevant).aggregate(**aggregates)
    if "days_median" not in row:
        days = scope.facts().filter(resolved).values_list("processing_days", flat=True)
        row["days_median"] = python_percentile(list(days), 0.5)

    items = {}
    for kpi in COUNTED:
        n, d = row[f"{kpi.id}_n"], row[f"{kpi.id}_d"]
        items[kpi.id] = _item(kpi, n, d, _rate(n, d))

    ratings = ratings_in(scope).aggregate(
        rated=Count("pk"), not_satisfied=Count("pk", filter=Q(value=RatingValue.NOT_SATISFIED))
    )
    on_time = items["on_time"]
    late = on_time["denominator"] - on_time["numerator"]
    overdue_pct = 100 * late / on_time["denominator"] if on_time["denominator"] else 0
    complaint_pct = 100 * ratings["not_satisfied"] / ratings["rated"] if ratings["rated"] else 0
    satisfaction = None
    if on_time["denominator"] or ratings["rated"]:
        satisfaction = round(max(100 - overdue_pct - complaint_pct, 0), 2)
    items["satisfaction"] = _item(
        KPI_BY_ID["satisfaction"],
        ratings["not_satisfied"],
        ratings["rated"],
        satisfaction,
        parts={
            "late": late,
            "finished_or_open": on_time["denominator"],
            "not_satisfied": ratings["not_satisfied"],
            "rated": ratings["rated"],
        },
    )

    items["processing_time"] = _item(
        KPI_BY_ID["processing_time"],
        None,
        items["online_resolution_signed"]["denominator"],  # the cases resolved in the period
        round(row["days_avg"], 2) if row["days_avg"] is not None else None,
        unit="working_days",
        median=round(row["days_median"], 2) if row["days_median"] is not None else None,
    )
    return items


def _procedures_online(scope: Scope) -> dict:
    """Read afresh each time: the catalogue is small, and its edits move no ReportStamp."""
    procedures = procedures_in(scope).aggregate(
        total=Count("pk"), online=Count("pk", filter=~Q(online_level=OnlineLevel.NONE))
    )
    return _item(
        KPI_BY_ID["procedures_online"],
        procedures["online"],
        procedures["total"],
        _rate(procedures["online"], procedures["total"]),
    )


def kpi_report(scope: Scope) -> list[dict]:
    """Every KPI of the scope: numerator, denominator, rate, threshold, max points, score."""
    items = cached_report(reports_db(), "kpis", scope.key(), lambda: _compute(scope))
    items = {**items, "procedures_online": _procedures_online(scope)}
    return [{**items[kpi.id], "name": str(KPI_BY_ID[kpi.id].name)} for kpi in KPIS]


# --- drill-down ------------------------------------------------------------------------

PARTS = ("numerator", "denominator")


def kpi_case_ids(scope: Scope, kpi_id: str, part: str) -> QuerySet:
    """The facts (case ids) behind one figure of the report, newest received first.

    `part` is "numerator" or "denominator"; for satisfaction, the rated cases (denominator)
    and the "not satisfied" ones (numerator); for procedures_online there are no cases.
    """
    kpi = KPI_BY_ID[kpi_id]
    if kpi.id == "satisfaction":
        ratings = ratings_in(scope)
        if part == "numerator":
            ratings = ratings.filter(value=RatingValue.NOT_SATISFIED)
        return scope.facts().filter(case_id__in=ratings.values("case_id"))
    if kpi.id == "processing_time":
        return scope.facts().filter(_in("resolved_at", scope))
    if kpi.numerator is None:
        raise KeyError(kpi_id)
    condition = kpi.numerator(scope) if part == "numerator" else kpi.denominator(scope)
    return scope.facts().filter(condition)


def kpi_drill_down(scope: Scope, kpi_id: str, part: str) -> tuple[QuerySet, int | None]:
    """The facts behind one figure, newest received first, and how many (the figure)."""
    figure = next(item for item in kpi_report(scope) if item["id"] == kpi_id)[part]
    facts = kpi_case_ids(scope, kpi_id, part).order_by("-received_at", "-case_id")
    return facts, figure


def with_cases(facts) -> list[CaseFact]:
    """Attach each fact's case (code, procedure, agency), read in one query."""
    facts = list(facts)
    cases = Case.objects.using(reports_db()).select_related("procedure", "deciding_agency")
    by_id = cases.in_bulk([fact.case_id for fact in facts])
    for fact in facts:
        fact.case = by_id[fact.case_id]
    return facts


def on_time_by_agency(scope: Scope, agencies: list) -> list[tuple]:
    """(agency, on time, finished or open) for each of `agencies`, with its sub-agencies."""
    parents = dict(
        Agency.objects.using(reports_db()).values_list("pk", "parent_id")
    )  # a few hundred rows: the tree walk is cheaper in Python than per agency in SQL
    wanted = {agency.pk for agency in agencies}

    def top(agency_id):
        while agency_id is not None and agency_id not in wanted:
            agency_id = parents.get(agency_id)
        return agency_id

    counts = {agency.pk: [0, 0] for agency in agencies}
    rows = cached_report(
        reports_db(),
        "on_time_by_agency",
        scope.key(),
        lambda: list(
            scope.facts()
            .filter(_finished_or_open(scope))
            .values("deciding_agency_id")
            .annotate(n=Count("pk", filter=_on_time(scope)), d=Count("pk"))
        ),
    )
    for row in rows:
        if (agency_id := top(row["deciding_agency_id"])) is not None:
            counts[agency_id][0] += row["n"]
            counts[agency_id][1] += row["d"]
    return [(agency, *counts[agency.pk]) for agency in agencies]


def channel_mix(scope: Scope) -> dict[str, int]:
    """Cases received in the period, per channel."""

    def compute():
        rows = scope.facts().filter(_received(scope)).values("channel").annotate(n=Count("pk"))
        return {row["channel"]: row["n"] for row in rows}

    return cached_report(reports_db(), "channel_mix", scope.key(), compute)
