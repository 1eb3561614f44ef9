"""The scope of a report: a period, and optionally an agency (with those below it), a
level and a procedure; the filters it puts on the facts and the catalogue."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from django.db.models import Q, QuerySet

from cases.working_time import VN_TZ

from .models import CaseFact, FactHolding
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

    LISTED = 5000  # moved cases read as a list up to this many

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
            if moved := self._held_before:
                q &= held_now | Q(**{f"{prefix}pk__in": moved})
            else:
                q &= held_now
        if self.level:
            q &= Q(**{f"{prefix}level": self.level})
        if self.procedure_id:
            q &= Q(**{f"{prefix}procedure_id": self.procedure_id})
        return q

    @cached_property
    def _held_before(self) -> list[int] | QuerySet:
        """The cases the agencies held at the period's end that a reorganisation moved
        since: a list (most often empty), read once, so that the planner can use the
        agencies' index (an OR with the subquery made it read every case); the subquery
        itself where they are many (a big merger)."""
        held = FactHolding.objects.using(reports_db()).filter(
            Q(since=None) | Q(since__lt=self.end),
            agency_id__in=self.agency_ids,
            until__gte=self.end,
        )
        ids = list(held.values_list("case_id", flat=True)[: self.LISTED + 1])
        return ids if len(ids) <= self.LISTED else held.values("case_id")

    def facts(self) -> QuerySet[CaseFact]:
        return CaseFact.objects.using(reports_db()).filter(self.facts_filter())
