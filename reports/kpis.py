"""KPIs computed from the cases' facts: the national scorecard (Decision 766/QĐ-TTg) and
the seed's province figures, kept apart.

Every figure is a count under a filter, so the drill-down lists exactly what is behind it:
cases (a filter over `CaseFact`), procedures (a filter over the catalogue), or a feature's
own rows (`sources.Tally`: the feedback behind 5.1–5.3). Each formula below returns
(numerator, denominator) and has its rule in its docstring; thresholds and points are data
(`Indicator`), so an administrator follows the portal's guidance without a release.

All case counts of a report come from one aggregate query over `CaseFact` (and two for 2.2,
3.2 and 3.5b), the catalogue's from one over the procedures; they are cached while no step
was committed since (`aggregates.cached_report`), nor a feature's filter nor the catalogue
changed (their stamps are in the key). A feature's tallies and the indicator table are read
afresh (they are small).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.catalogue import CATALOGUE_KEY
from cases.kept import current_stamps
from cases.models import (
    Agency,
    Case,
    Channel,
    CollectionMode,
    FeeItem,
    OnlineLevel,
    Procedure,
    ReturnChannel,
)
from cases.working_time import VN_TZ, Unit

from . import sources
from .aggregates import Percentile, cached_report, is_postgres, python_percentile
from .indicators import default_rows
from .models import CaseFact, FactHolding, Indicator, Rating, RatingValue, ScorecardGroup
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
            # A case counts under the agency that held it at the period's end: the one
            # deciding it now unless a reorganisation moved it since (FactHolding).
            held_now = Q(**{f"{prefix}deciding_agency_id__in": self.agency_ids}) & (
                Q(**{f"{prefix}reorganised_at": None})
                | Q(**{f"{prefix}reorganised_at__lt": self.end})
            )
            held_before = FactHolding.objects.filter(
                Q(since=None) | Q(since__lt=self.end),
                agency_id__in=self.agency_ids,
                until__gte=self.end,
            ).values("case_id")
            q &= held_now | Q(**{f"{prefix}pk__in": held_before})
        if self.level:
            q &= Q(**{f"{prefix}level": self.level})
        if self.procedure_id:
            q &= Q(**{f"{prefix}procedure_id": self.procedure_id})
        return q

    def facts(self) -> QuerySet[CaseFact]:
        return CaseFact.objects.using(reports_db()).filter(self.facts_filter())


def _in(field_name: str, s: Scope) -> Q:
    return Q(**{f"{field_name}__gte": s.start, f"{field_name}__lt": s.end})


def _received(s: Scope) -> Q:
    return _in("received_at", s)


def _open_at_end(s: Scope) -> Q:
    """Received before the period's end and not finished (as 2.1 reads it) before it."""
    return Q(received_at__lt=s.end) & (Q(finished_at=None) | Q(finished_at__gte=s.end))


def _finished_or_open(s: Scope) -> Q:
    return Q(received_at__isnull=False) & (_in("finished_at", s) | _open_at_end(s))


def _electronic_where_paper() -> Q:
    """An electronic (digitally signed) result wherever the procedure's result is a paper."""
    return Q(written_result=False) | Q(signed_digitally=True)


# --- the formulas over cases: (numerator, denominator) as filters of the facts ------------


def on_time(s: Scope) -> tuple[Q, Q]:
    """2.1 On time (đúng hạn): cases finished in the period by the appointment in force,
    plus cases open at its end and not past it, over the cases finished in the period or
    open at its end. Finished: resolved, else returned, else stopped, rejected or withdrawn;
    a case waiting for a supplement finished at the request (the wait is not counted). More
    than one supplement request makes a case late; an apology letter's new date is ignored
    (the appointment before the first apology counts). A case without an appointment (its
    clock waits for an upfront fee) is not late. Never-received cases count nowhere."""
    finished_on_time = _in("finished_at", s) & Q(on_time=True)
    not_due = Q(due_at__gte=s.end) | Q(due_at=None)  # no appointment yet: the clock waits
    open_not_late = _open_at_end(s) & not_due & Q(supplements__lte=1)
    return Q(received_at__isnull=False) & (finished_on_time | open_not_late), _finished_or_open(s)


def online_receipt(s: Scope) -> tuple[Q, Q]:
    """3.3 Online receipt: cases received online in the period and, where the procedure's
    result is a written paper, issued with an electronic result, over the cases received in
    the period. An online case whose paper result has no electronic copy (yet) is not
    counted."""
    return _received(s) & Q(channel=Channel.ONLINE) & _electronic_where_paper(), _received(s)


def online_payment(s: Scope) -> tuple[Q, Q]:
    """3.6 Online payment: cases received in the period and paid online (the national
    platform or the province's gateway), over the cases received in the period of
    fee-bearing procedures, less those whose fees were all waived."""
    bearing = _received(s) & Q(fee_bearing=True, fee_exempt=False)
    return bearing & Q(paid_online=True), bearing


def electronic_results(s: Scope) -> tuple[Q, Q]:
    """4.1 Electronic results: cases resolved in the period with an electronic (digitally
    signed) result, over the cases resolved in the period of procedures whose result is a
    written paper."""
    paper = _in("resolved_at", s) & Q(written_result=True)
    return paper & Q(signed_digitally=True), paper


def digitised(s: Scope) -> tuple[Q, Q]:
    """4.2 Digitised: cases received in the period with digitised documents and, wherever
    the procedure's result is a written paper, an electronic result (the fact `digitised`),
    over the cases received in the period."""
    return _received(s) & Q(digitised=True), _received(s)


def data_reused(s: Scope) -> tuple[Q, Q]:
    """4.3 Reuse of digitised data: cases received in the period with a document reused
    from the citizen's data store (not filed again), over the cases received in the
    period."""
    return _received(s) & Q(reused=True), _received(s)


def portal_synced(s: Scope) -> tuple[Q, Q]:
    """1.4 Cases synchronised to the national portal: cases received in the period that
    the portal acknowledged (the feature behind `sources.case_filter("portal_synced")`
    says which), over the cases received in the period."""
    synced = sources.case_filter("portal_synced")(Case.objects.values("pk"))
    return _received(s) & Q(case_id__in=synced), _received(s)


def online_receipt_rate(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases received online in the period over the cases received in it
    (what the seed's 83.92% measures; not Decision 766's 3.3)."""
    return _received(s) & Q(channel=Channel.ONLINE), _received(s)


def online_resolution_signed(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases resolved in the period, received online, with a digitally
    signed result, over the cases resolved in the period."""
    resolved = _in("resolved_at", s)
    return resolved & Q(channel=Channel.ONLINE, signed_digitally=True), resolved


def online_return(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases returned in the period through the online channel, over the
    cases returned in the period (not Decision 766's 4.1)."""
    returned = _in("returned_at", s)
    return returned & Q(return_channel=ReturnChannel.ONLINE), returned


def full_online(s: Scope) -> tuple[Q, Q]:
    """Province figure: cases of fully online procedures received in the period that were
    received and returned online, over the cases of those procedures received in it."""
    full = _received(s) & Q(online_level=OnlineLevel.FULL)
    return full & Q(channel=Channel.ONLINE, return_channel=ReturnChannel.ONLINE), full


def processing_time(s: Scope) -> Q:
    """2.2 Processing time: the resolved cases whose processing started in the period
    (at acceptance, or once an upfront fee was settled); their time from that start to the
    resolution, the waits for the applicant left out, in the procedure's own unit: mean and
    median, per unit. No points."""
    return _in("started_at", s) & Q(resolved_at__isnull=False)


def satisfaction(s: Scope) -> tuple[Q, Q]:
    """5.4 Satisfaction: 100% − (rate of cases late + rate of cases rated "not satisfied"
    or complained about), both over the agency's cases of the on-time indicator (finished in
    the period or open at its end), not over the ratings given; whenever the rating or
    complaint came. The numerator: those rated "not satisfied" or complained about."""
    denominator = _finished_or_open(s)
    unhappy = _not_satisfied()
    if complained := sources.case_filter("complained"):
        unhappy |= Q(case_id__in=complained(Case.objects.values("pk")))
    return denominator & unhappy, denominator


def _not_satisfied() -> Q:
    """Rated "not satisfied": a few percent of the cases, read once as a hashed set (a
    correlated subquery per case cost a province-year report half a second)."""
    rated = Rating.objects.filter(value=RatingValue.NOT_SATISFIED).values("case_id")
    return Q(case_id__in=rated)


# --- the formulas over the catalogue: (numerator, denominator) of `procedures_in` -------


def _fee_bearing() -> Q:
    """Over `procedures_in`, which reads whether each procedure bears a fee once."""
    return Q(fee_bearing=True)


def _decided_in(s: Scope) -> Q:
    return Q(decision_effective_on__gte=s.first, decision_effective_on__lte=s.last)


def published_on_time(s: Scope) -> tuple[Q, Q]:
    """1.1 Published on time: of the active procedures whose publishing decision took
    effect in the period and that were never amended, those published in the catalogue no
    later than the day it took effect."""
    new = _decided_in(s) & Q(updated_on=None)
    return new & Q(published_on__lte=F("decision_effective_on")), new


def updated_on_time(s: Scope) -> tuple[Q, Q]:
    """1.2 Updated on time: of the active procedures whose amending decision took effect in
    the period, those whose catalogue entry followed it no later than the day it took
    effect."""
    amended = _decided_in(s) & Q(updated_on__isnull=False)
    return amended & Q(updated_on__lte=F("decision_effective_on")), amended


def procedures_complete(s: Scope) -> tuple[Q, Q]:
    """1.3 Published in full: active procedures with a publishing decision and the day it
    took effect, a processing time, their required documents, and fee items that agree with
    the collection mode (a fee to collect if and only if a mode is set), over the active
    procedures."""
    fees_agree = (Q(collection=CollectionMode.NONE) & ~_fee_bearing()) | (
        ~Q(collection=CollectionMode.NONE) & _fee_bearing()
    )
    complete = (
        ~Q(decision_ref="")
        & Q(decision_effective_on__isnull=False, processing_time_value__gt=0)
        & ~Q(required_documents=[])
        & fees_agree
    )
    return complete, Q()


def procedures_online(s: Scope) -> tuple[Q, Q]:
    """3.1 Procedures online: active procedures with a partial or full online service, over
    the active procedures."""
    return ~Q(online_level=OnlineLevel.NONE), Q()


def online_services_used(s: Scope) -> tuple[Q, Q]:
    """3.2 Online services used: active online procedures (partial or full) that received at
    least one online case in the period, over the active online procedures."""
    online = ~Q(online_level=OnlineLevel.NONE)
    return online & Q(used_online=True), online


def payment_offered_online(s: Scope) -> tuple[Q, Q]:
    """3.5a Payment offered online: active fee-bearing procedures whose fees can be paid
    online, over the active fee-bearing procedures."""
    return _fee_bearing() & Q(pays_online=True), _fee_bearing()


def payment_used_online(s: Scope) -> tuple[Q, Q]:
    """3.5b Payment used online: active fee-bearing procedures payable online with at least
    one case received in the period and paid online, over the active fee-bearing procedures
    payable online."""
    offered = _fee_bearing() & Q(pays_online=True)
    return offered & Q(paid_online_once=True), offered


def _with_cases(s: Scope, cases: Q) -> Exists:
    """Whether a procedure has a case received in the period meeting `cases`, wherever it
    is decided now (an index probe per procedure, stopping at the first such case)."""
    return Exists(CaseFact.objects.filter(_received(s) & cases, procedure_id=OuterRef("pk")))


# --- the table of KPIs ---------------------------------------------------------------------

# What a KPI counts, which says how it is computed and what its drill-down lists.
CASES, PROCEDURES, MEAN, SATISFACTION, TALLY, ABSENT = (
    "cases", "procedures", "mean", "satisfaction", "tally", "absent",
)  # fmt: skip
DECISION_766, PROVINCE = "decision_766", "province"
# What the drill-down of a KPI's figures lists, by kind.
DRILL_DOWN = {
    CASES: "cases",
    MEAN: "cases",
    SATISFACTION: "cases",
    PROCEDURES: "procedures",
    TALLY: "rows",
    ABSENT: "",
}


@dataclass(frozen=True)
class KPI:
    """One figure of the report. A Decision 766 indicator's name, threshold and points are
    its `Indicator` row's; a province figure has its name here and no score."""

    id: str
    kind: str
    formula: Callable | None = field(default=None, repr=False)
    family: str = DECISION_766
    name: str = ""
    source: str = ""  # the `reports.sources` name its data come through
    unit: str = "percent"

    @property
    def drill_down(self) -> str:
        return DRILL_DOWN[self.kind]

    def available(self) -> bool:
        """Whether the data it needs are here (a source registered by its feature)."""
        if self.kind == ABSENT:
            return False
        if self.kind == TALLY:
            return sources.tally(self.source) is not None
        return not self.source or sources.case_filter(self.source) is not None


KPIS = [
    KPI("published_on_time", PROCEDURES, published_on_time),
    KPI("updated_on_time", PROCEDURES, updated_on_time),
    KPI("procedures_complete", PROCEDURES, procedures_complete),
    KPI("portal_synced", CASES, portal_synced, source="portal_synced"),
    KPI("on_time", CASES, on_time),
    KPI("processing_time", MEAN, processing_time, unit="working_days"),
    KPI("procedures_online", PROCEDURES, procedures_online),
    KPI("online_services_used", PROCEDURES, online_services_used),
    KPI("online_receipt", CASES, online_receipt),
    KPI("payment_offered_online", PROCEDURES, payment_offered_online),
    KPI("payment_used_online", PROCEDURES, payment_used_online),
    KPI("online_payment", CASES, online_payment),
    KPI("electronic_results", CASES, electronic_results),
    KPI("digitised", CASES, digitised),
    KPI("data_reused", CASES, data_reused),
    KPI("citizen_data_store", ABSENT),
    KPI("population_database", ABSENT),
    KPI("feedback_received", TALLY, source="feedback_received", unit="count"),
    KPI("feedback_on_time", TALLY, source="feedback_on_time"),
    KPI("feedback_satisfaction", TALLY, source="feedback_satisfaction"),
    KPI("satisfaction", SATISFACTION, satisfaction),
    # The seed's province figures (DOMAIN.md): not Decision 766 indicators, never scored.
    KPI("online_receipt_rate", CASES, online_receipt_rate, PROVINCE, _("Online receipt rate")),
    KPI(
        "online_resolution_signed",
        CASES,
        online_resolution_signed,
        PROVINCE,
        _("Resolved online with a digital signature"),
    ),
    KPI("online_return", CASES, online_return, PROVINCE, _("Results returned online")),
    KPI(
        "full_online",
        CASES,
        full_online,
        PROVINCE,
        _("Full-online cases (received and returned online)"),
    ),
]
KPI_BY_ID = {kpi.id: kpi for kpi in KPIS}
PARTS = ("numerator", "denominator")


def indicators() -> dict[str, Indicator]:
    """The scorecard's rows by id, as an administrator left them (read at every report:
    a change counts at once); the defaults for a row the table lacks."""
    rows = {row["id"]: Indicator(**row) for row in default_rows()}
    rows.update((row.id, row) for row in Indicator.objects.using(reports_db()))
    return rows


def _rate(numerator: int | None, denominator: int | None) -> float | None:
    return round(100 * numerator / denominator, 2) if denominator else None


def score(rate: float | None, threshold: float | None, points: float | None) -> float | None:
    """Full points at or above the threshold, else rate ÷ threshold × points."""
    if rate is None or points is None or not threshold:
        return None
    return round(min(rate / threshold, 1) * points, 2)


# --- computing -------------------------------------------------------------------------


def _case_kpis() -> list[KPI]:
    return [k for k in KPIS if k.kind == CASES and k.available()]


def _compute(scope: Scope, counted: list[KPI]) -> dict[str, dict]:
    """The case counts of a report: one aggregate over the facts, one for 2.2's units and
    one for the procedures 3.2 and 3.5b count."""
    db = reports_db()
    # Each filter is counted once, under the first name that asks for it: most indicators
    # share a denominator (the cases received in the period), and every FILTER costs a
    # test per case scanned.
    aggregates, first_of, names = {}, {}, {}

    def count(name: str, condition: Q) -> None:
        names[name] = first_of.setdefault(condition, name)
        if names[name] == name:
            aggregates[name] = Count("pk", filter=condition)

    for kpi in counted:
        numerator, denominator = kpi.formula(scope)
        count(f"{kpi.id}_n", numerator)
        count(f"{kpi.id}_d", denominator)
    # 5.4 shares 2.1's denominator (always counted: it needs no source).
    unhappy, cases = satisfaction(scope)
    count("satisfaction_n", unhappy)
    count("not_satisfied", cases & _not_satisfied())
    # 2.2 in each unit, and the mean in working days for all (a scope of several units).
    started = processing_time(scope)
    aggregates["days_mean"] = Avg("processing_days", filter=started)
    for unit in Unit:
        in_unit = started & Q(processing_unit=unit)
        aggregates[f"{unit}_cases"] = Count("pk", filter=in_unit)
        aggregates[f"{unit}_mean"] = Avg("processing_time", filter=in_unit)
        if is_postgres(db):
            aggregates[f"{unit}_median"] = Percentile("processing_time", 0.5, filter=in_unit)
    # Only cases that can count in the period: received before its end, and not ended (nor
    # returned) before its start. Rejected submissions were never received.
    relevant = Q(received_at__lt=scope.end) & (
        Q(ended_at=None) | Q(ended_at__gte=scope.start) | Q(returned_at__gte=scope.start)
    )
    row = scope.facts().filter(relevant).aggregate(**aggregates)
    row.update({name: row[first] for name, first in names.items()})
    counts = {kpi.id: (row[f"{kpi.id}_n"], row[f"{kpi.id}_d"]) for kpi in counted}
    counts["satisfaction"] = (row["satisfaction_n"], row["on_time_d"])
    counts["not_satisfied"] = row["not_satisfied"]
    by_unit = {}
    for unit in Unit:
        if row[f"{unit}_cases"]:
            median = row.get(f"{unit}_median")
            if not is_postgres(db):
                times = scope.facts().filter(started & Q(processing_unit=unit))
                median = python_percentile(
                    list(times.values_list("processing_time", flat=True)), 0.5
                )
            by_unit[unit.value] = {
                "cases": row[f"{unit}_cases"],
                "mean": row[f"{unit}_mean"],
                "median": median,
            }
    counts["processing_time"] = {"by_unit": by_unit, "days_mean": row["days_mean"]}
    return counts


def _stamps(counted: list[KPI]) -> tuple | None:
    """What the report's sources look like now, for the cache key; None: not cacheable."""
    names = [k.source for k in counted if k.source]
    if sources.case_filter("complained"):
        names.append("complained")
    stamps = []
    for name in names:
        stamp = sources.case_filter_stamp(name)
        if stamp is None:
            return None
        stamps.append((name, stamp()))
    return tuple(stamps)


def _counts(scope: Scope) -> dict:
    """Every count of a report but a feature's tallies: cached under the reports' stamp,
    the features' filters' stamps and the catalogue's (renewed by every edit of a procedure,
    fee item or agency), so an edit of any counts at once."""
    counted = _case_kpis()

    def compute():
        return {**_compute(scope, counted), **_procedure_counts(scope)}

    stamps = _stamps(counted)
    catalogue = current_stamps([CATALOGUE_KEY])
    if stamps is None or catalogue is None:
        return compute()
    key = (scope.key(), tuple(k.id for k in counted), stamps, catalogue)
    return cached_report(reports_db(), "kpis", key, compute)


def procedures_in(scope: Scope) -> QuerySet[Procedure]:
    """The scope's active procedures, and what the catalogue's formulas ask of each: whether
    it bears a fee, and has a case received online, or paid online, in the period (3.2,
    3.5b); as aliases, read only where a filter uses them."""
    costing = FeeItem.objects.costing().filter(procedure=OuterRef("pk"))
    procedures = (
        Procedure.objects.using(reports_db())
        .filter(is_active=True)
        .alias(
            fee_bearing=Exists(costing),
            used_online=_with_cases(scope, Q(channel=Channel.ONLINE)),
            paid_online_once=_with_cases(scope, Q(paid_online=True)),
        )
    )
    if scope.agency_ids is not None:
        procedures = procedures.filter(agency_id__in=scope.agency_ids)
    if scope.level:
        procedures = procedures.filter(level=scope.level)
    if scope.procedure_id:
        procedures = procedures.filter(pk=scope.procedure_id)
    return procedures


def _procedure_counts(scope: Scope) -> dict:
    """The catalogue's figures, in one aggregate over the scope's procedures."""
    aggregates = {}
    for kpi in KPIS:
        if kpi.kind == PROCEDURES:
            numerator, denominator = kpi.formula(scope)
            aggregates[f"{kpi.id}_n"] = Count("pk", filter=numerator)
            aggregates[f"{kpi.id}_d"] = Count("pk", filter=denominator)
    row = procedures_in(scope).aggregate(**aggregates)
    return {
        kpi.id: (row[f"{kpi.id}_n"], row[f"{kpi.id}_d"]) for kpi in KPIS if kpi.kind == PROCEDURES
    }


def _name(kpi: KPI, row: Indicator | None) -> str:
    if row is None:
        return str(kpi.name)
    return row.name_vi if (get_language() or "vi").startswith("vi") else row.name_en


def _item(kpi: KPI, row: Indicator | None, numerator, denominator, rate, **extra) -> dict:
    threshold = row.threshold if row else None
    points = row.points if row else None
    return {
        "id": kpi.id,
        "indicator": row.number if row else "",
        "name": _name(kpi, row),
        "group": row.group if row else None,
        "family": kpi.family,
        "measurable": True,
        "numerator": numerator,
        "denominator": denominator,
        "rate": rate,
        "threshold": threshold,
        "max_points": points,
        "score": score(rate, threshold, points),
        "unit": kpi.unit,
        "drill_down": kpi.drill_down,
        **extra,
    }


def _mean_item(kpi: KPI, row, figures: dict) -> dict:
    """2.2: in the procedures' own unit when the scope's cases share one; else the mean in
    working days for all, with no median (each unit's is in `by_unit`)."""
    by_unit = {
        unit: {k: _round(v) if k != "cases" else v for k, v in values.items()}
        for unit, values in sorted(figures["by_unit"].items())
    }
    if len(by_unit) == 1:
        ((unit, shown),) = by_unit.items()
    else:
        cases = sum(values["cases"] for values in by_unit.values())
        shown = {"cases": cases, "mean": _round(figures["days_mean"]), "median": None}
        unit = Unit.WORKING_DAYS.value
    return _item(
        kpi,
        row,
        None,
        shown["cases"],
        shown["mean"],
        unit=unit,
        median=shown["median"],
        by_unit=by_unit,
    )


def _round(value):
    return round(value, 2) if value is not None else None


def kpi_report(scope: Scope) -> list[dict]:
    """Every KPI of the scope: numerator, denominator, rate, threshold, max points, score;
    the Decision 766 indicators (in the scorecard's order), then the province figures."""
    rows = indicators()
    counts = _counts(scope)
    items = []
    for kpi in KPIS:
        row = rows.get(kpi.id)
        if not kpi.available() or (row is not None and not row.measurable):
            items.append({**_item(kpi, row, None, None, None), "measurable": False})
        elif kpi.kind == MEAN:
            items.append(_mean_item(kpi, row, counts["processing_time"]))
        elif kpi.kind == TALLY:
            tallied = sources.tally(kpi.source).count(scope)
            n, d = tallied["numerator"], tallied.get("denominator")
            rate = _rate(n, d) if kpi.unit == "percent" else None
            items.append(_item(kpi, row, n, d, rate, parts=tallied.get("parts", {})))
        elif kpi.kind == SATISFACTION:
            items.append(_satisfaction_item(kpi, row, counts))
        else:
            n, d = counts[kpi.id]
            items.append(_item(kpi, row, n, d, _rate(n, d)))
    return items


def _satisfaction_item(kpi: KPI, row, counts: dict) -> dict:
    unhappy, cases = counts["satisfaction"]
    late = cases - counts["on_time"][0]
    rate = None
    if cases:
        rate = round(max(100 - 100 * late / cases - 100 * unhappy / cases, 0), 2)
    parts = {
        "late": late,
        "finished_or_open": cases,
        "not_satisfied": counts["not_satisfied"],
        "unhappy": unhappy,
    }
    return _item(kpi, row, unhappy, cases, rate, parts=parts)


def scorecard(scope: Scope, report: list[dict] | None = None) -> dict:
    """The total out of 100 and each group's, from the indicators' scores: what is not
    measurable here and what had nothing to count in the period are named, with their
    points, never scored as 0."""
    report = report if report is not None else kpi_report(scope)
    scored = [i for i in report if i["family"] == DECISION_766 and i["max_points"] is not None]

    def total(items) -> dict:
        absent = [i for i in items if not i["measurable"]]
        empty = [i for i in items if i["measurable"] and i["score"] is None]
        return {
            "score": round(sum(i["score"] or 0 for i in items), 2),
            "max_points": sum(i["max_points"] for i in items),
            "measured_points": sum(i["max_points"] for i in items if i["score"] is not None),
            "not_measurable": [i["id"] for i in absent],
            "not_measurable_points": sum(i["max_points"] for i in absent),
            "no_data": [i["id"] for i in empty],
            "no_data_points": sum(i["max_points"] for i in empty),
        }

    groups = [
        {
            "group": group.value,
            "name": str(group.label),
            "indicators": [i["id"] for i in report if i["group"] == group.value],
            **total([i for i in scored if i["group"] == group.value]),
        }
        for group in ScorecardGroup
    ]
    return {"total": total(scored), "groups": groups}


# --- drill-down ------------------------------------------------------------------------


def kpi_case_ids(scope: Scope, kpi_id: str, part: str) -> QuerySet:
    """The facts (case ids) behind one figure of a KPI over cases; `part` is "numerator" or
    "denominator" (for 2.2, both are its cases)."""
    kpi = KPI_BY_ID[kpi_id]
    if kpi.kind == MEAN:
        return scope.facts().filter(kpi.formula(scope))
    if kpi.kind not in (CASES, SATISFACTION) or not kpi.available():
        raise KeyError(kpi_id)
    numerator, denominator = kpi.formula(scope)
    return scope.facts().filter(numerator if part == "numerator" else denominator)


def kpi_figure(scope: Scope, kpi_id: str, part: str) -> int | None:
    """One figure of the report (a numerator or a denominator): the drill-down's count."""
    return next(item for item in kpi_report(scope) if item["id"] == kpi_id)[part]


def kpi_drill_down(scope: Scope, kpi_id: str, part: str) -> tuple[QuerySet, int | None]:
    """The facts behind one figure, newest received first, and how many (the figure)."""
    facts = kpi_case_ids(scope, kpi_id, part).order_by("-received_at", "-case_id")
    return facts, kpi_figure(scope, kpi_id, part)


def kpi_procedures(scope: Scope, kpi_id: str, part: str) -> QuerySet[Procedure]:
    """The procedures behind one figure of a KPI over the catalogue, by code."""
    kpi = KPI_BY_ID[kpi_id]
    if kpi.kind != PROCEDURES:
        raise KeyError(kpi_id)
    numerator, denominator = kpi.formula(scope)
    chosen = procedures_in(scope).filter(numerator if part == "numerator" else denominator)
    return chosen.select_related("agency").order_by("code")


def kpi_rows(scope: Scope, kpi_id: str, part: str) -> tuple[QuerySet, tuple]:
    """A feature's rows behind one figure of a tallied KPI, and the columns to show."""
    kpi = KPI_BY_ID[kpi_id]
    source = sources.tally(kpi.source) if kpi.kind == TALLY else None
    if source is None:
        raise KeyError(kpi_id)
    return source.rows(scope, part), source.columns


def with_cases(facts) -> list[CaseFact]:
    """Attach each fact's case (code, procedure, agency), read in one query."""
    facts = list(facts)
    cases = Case.objects.using(reports_db()).select_related("procedure", "deciding_agency")
    by_id = cases.in_bulk([fact.case_id for fact in facts])
    for fact in facts:
        fact.case = by_id[fact.case_id]
    return facts


def ratings_in(scope: Scope) -> QuerySet[Rating]:
    return Rating.objects.using(reports_db()).filter(
        _in("created_at", scope), scope.facts_filter("case__fact__")
    )


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
    numerator, denominator = on_time(scope)

    def compute():
        counted = scope.facts().filter(denominator)
        rows = list(
            counted.values("deciding_agency_id").annotate(
                n=Count("pk", filter=numerator), d=Count("pk")
            )
        )
        # The few cases a reorganisation moved after the period count where they were then.
        held = held_at(scope.end)
        moved = counted.filter(pk__in=list(held)).values("pk", "deciding_agency_id")
        for row in moved.annotate(n=Count("pk", filter=numerator)) if held else []:
            rows.append({"deciding_agency_id": row["deciding_agency_id"], "n": -row["n"], "d": -1})
            rows.append({"deciding_agency_id": held[row["pk"]], "n": row["n"], "d": 1})
        return rows

    for row in cached_report(reports_db(), "on_time_by_agency", scope.key(), compute):
        if (agency_id := top(row["deciding_agency_id"])) is not None:
            counts[agency_id][0] += row["n"]
            counts[agency_id][1] += row["d"]
    return [(agency, *counts[agency.pk]) for agency in agencies]


def held_at(end) -> dict[int, int]:
    """{case id: agency id} of the cases a reorganisation moved on after a period ending at
    `end`: the agency each counts under for that period, not the one deciding it now."""
    return dict(
        FactHolding.objects.using(reports_db())
        .filter(Q(since=None) | Q(since__lt=end), until__gte=end)
        .values_list("case_id", "agency_id")
    )


def channel_mix(scope: Scope) -> dict[str, int]:
    """Cases received in the period, per channel."""

    def compute():
        rows = scope.facts().filter(_received(scope)).values("channel").annotate(n=Count("pk"))
        return {row["channel"]: row["n"] for row in rows}

    return cached_report(reports_db(), "channel_mix", scope.key(), compute)
