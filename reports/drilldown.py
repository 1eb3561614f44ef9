"""What is behind a KPI's figure (its drill-down: the cases, procedures or rows it
counted), and the dashboard's breakdowns of the same facts."""

from django.db.models import Count, Q, QuerySet

from cases.models import (
    Agency,
    Case,
    Procedure,
)

from . import sources
from .aggregates import cached_report
from .kpis import CASES, KPI_BY_ID, MEAN, PROCEDURES, SATISFACTION, TALLY, kpi_report, procedures_in
from .models import CaseFact, FactHolding, Rating
from .routers import reports_db
from .rules import in_period, on_time, received_in
from .scope import Scope

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
        in_period("created_at", scope), scope.facts_filter("case__fact__")
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
        rows = scope.facts().filter(received_in(scope)).values("channel").annotate(n=Count("pk"))
        return {row["channel"]: row["n"] for row in rows}

    return cached_report(reports_db(), "channel_mix", scope.key(), compute)
