"""KPIs computed from the cases' facts: the national scorecard (Decision 766/QĐ-TTg) and
the seed's province figures, kept apart.

Every figure is a count under a filter, so the drill-down lists exactly what is behind it:
cases (a filter over `CaseFact`), procedures (a filter over the catalogue), or a feature's
own rows (`sources.Tally`: the feedback behind 5.1–5.3). Each formula (`rules`) returns
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

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases.catalogue import CATALOGUE_KEY
from cases.kept import current_stamps
from cases.models import (
    Case,
    Channel,
    FeeItem,
    Procedure,
)
from cases.working_time import Unit

from . import rollup, sources
from .aggregates import Percentile, cached_report, is_postgres, python_percentile
from .indicators import default_rows
from .models import Indicator, Rating, RatingValue, ScorecardGroup
from .routers import reports_db
from .rules import (
    data_reused,
    digitised,
    electronic_results,
    full_online,
    not_satisfied,
    on_time,
    online_payment,
    online_receipt,
    online_receipt_rate,
    online_resolution_signed,
    online_return,
    online_services_used,
    payment_offered_online,
    payment_used_online,
    portal_synced,
    procedure_has_case,
    procedures_complete,
    procedures_online,
    processing_time,
    published_on_time,
    satisfaction,
    updated_on_time,
)
from .scope import Scope

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


# What a case KPI adds up in the roll-up: its numerator's and denominator's counters. 1.4's
# numerator needs the portal's acknowledgements, and 5.4's the ratings and complaints: they
# are counted over the facts.
ROLLED_UP = {
    "on_time": (("finished_on_time", "open_not_late"), ("finished", "open")),
    "online_receipt": (("received_online_electronic",), ("received",)),
    "online_payment": (("received_fee_paid_online",), ("received_fee",)),
    "electronic_results": (("resolved_paper_signed",), ("resolved_paper",)),
    "digitised": (("received_digitised",), ("received",)),
    "data_reused": (("received_reused",), ("received",)),
    "portal_synced": (None, ("received",)),
    "online_receipt_rate": (("received_online",), ("received",)),
    "online_resolution_signed": (("resolved_online_signed",), ("resolved",)),
    "online_return": (("returned_online",), ("returned",)),
    "full_online": (("received_full_online",), ("received_full",)),
}


def _compute(scope: Scope, counted: list[KPI]) -> dict[str, dict]:
    """The case counts of a report. Where the roll-up answers, it gives them, and one pass
    over the facts adds what it cannot: 1.4's acknowledgements (a feature's data), 2.2's
    times, and the cases a reorganisation moved; 5.4's unhappy cases are read from the rated
    and complained ones. Elsewhere, one pass over the facts gives all."""
    db = reports_db()
    if not rollup.covers(scope, db):
        return _from_facts(scope.facts(), scope, counted, processing=True)
    totals = rollup.sums(scope, db)
    moved = _from_facts(scope.facts().filter(reorganised_at__isnull=False), scope, counted)
    synced = [kpi for kpi in counted if ROLLED_UP[kpi.id][0] is None]
    # 5.4's unhappy cases: for the province, read from the rated and complained cases, far
    # fewer than the period's; for an agency, counted in the pass that reads its cases.
    whole = scope.agency_ids is None
    facts = _from_facts(
        scope.facts(), scope, synced, denominators=False, unhappy=not whole, processing=True
    )
    counts = {}
    for kpi in counted:
        numerator, denominator = ROLLED_UP[kpi.id]
        n, d = moved[kpi.id]
        counts[kpi.id] = (
            facts[kpi.id][0] if numerator is None else n + sum(totals[c] for c in numerator),
            d + sum(totals[c] for c in denominator),
        )
    unhappy, not_happy = (
        _unhappy(scope) if whole else (facts["satisfaction"][0], facts["not_satisfied"])
    )
    counts["satisfaction"] = (unhappy, counts["on_time"][1])
    counts["not_satisfied"] = not_happy
    counts["processing_time"] = facts["processing_time"]
    return counts


def _unhappy(scope: Scope) -> tuple[int, int]:
    """5.4's numerator, and those of it rated "not satisfied": read from the rated and
    complained-about cases (a few percent), not from every case of the period."""
    ids = Rating.objects.filter(value=RatingValue.NOT_SATISFIED).values("case_id").order_by()
    if complained := sources.case_filter("complained"):
        ids = ids.union(complained(Case.objects.values("pk")).order_by())
    unhappy, cases = satisfaction(scope)
    return tuple(
        scope.facts()
        .filter(case_id__in=ids)
        .aggregate(
            unhappy=Count("pk", filter=unhappy),
            not_satisfied=Count("pk", filter=cases & not_satisfied()),
        )
        .values()
    )


def _from_facts(
    facts, scope: Scope, counted, *, denominators=True, unhappy=True, processing=False
) -> dict:
    """The counts over these facts, in one aggregate: {kpi id: (numerator, denominator)}
    (the denominator None unless `denominators`); with `unhappy`, "satisfaction" (5.4's
    numerator, and its denominator if `denominators`) and "not_satisfied"; with
    `processing`, "processing_time" (2.2)."""
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
        if denominators:
            count(f"{kpi.id}_d", denominator)
    if unhappy:
        # 5.4 shares 2.1's denominator (always counted: it needs no source).
        unhappy_cases, cases = satisfaction(scope)
        count("satisfaction_n", unhappy_cases)
        count("not_satisfied", cases & not_satisfied())
        if denominators:
            count("on_time_d", on_time(scope)[1])
    if processing:
        aggregates.update(_processing_aggregates(scope, db))
    # Only cases that can count in the period: received before its end, and not ended (nor
    # returned) before its start. Rejected submissions were never received.
    relevant = Q(received_at__lt=scope.end) & (
        Q(ended_at=None) | Q(ended_at__gte=scope.start) | Q(returned_at__gte=scope.start)
    )
    row = facts.filter(relevant).aggregate(**aggregates)
    row.update({name: row[first] for name, first in names.items()})
    counts = {kpi.id: (row[f"{kpi.id}_n"], row.get(f"{kpi.id}_d")) for kpi in counted}
    if unhappy:
        counts["satisfaction"] = (row["satisfaction_n"], row.get("on_time_d"))
        counts["not_satisfied"] = row["not_satisfied"]
    if processing:
        counts["processing_time"] = _processing_figures(row, scope, db)
    return counts


def _processing_aggregates(scope: Scope, db: str) -> dict:
    """2.2 in each unit, and the mean in working days for all (a scope of several units)."""
    started = processing_time(scope)
    aggregates = {"days_mean": Avg("processing_days", filter=started)}
    for unit in Unit:
        in_unit = started & Q(processing_unit=unit)
        aggregates[f"{unit}_cases"] = Count("pk", filter=in_unit)
        aggregates[f"{unit}_mean"] = Avg("processing_time", filter=in_unit)
        if is_postgres(db):
            aggregates[f"{unit}_median"] = Percentile("processing_time", 0.5, filter=in_unit)
    return aggregates


def _processing_figures(row: dict, scope: Scope, db: str) -> dict:
    by_unit = {}
    for unit in Unit:
        if row[f"{unit}_cases"]:
            median = row.get(f"{unit}_median")
            if not is_postgres(db):
                times = scope.facts().filter(processing_time(scope) & Q(processing_unit=unit))
                median = python_percentile(
                    list(times.values_list("processing_time", flat=True)), 0.5
                )
            by_unit[unit.value] = {
                "cases": row[f"{unit}_cases"],
                "mean": row[f"{unit}_mean"],
                "median": median,
            }
    return {"by_unit": by_unit, "days_mean": row["days_mean"]}


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
            used_online=procedure_has_case(scope, Q(channel=Channel.ONLINE)),
            paid_online_once=procedure_has_case(scope, Q(paid_online=True)),
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
