"""The reports' one seam for other features: the data an indicator needs that another
feature keeps (which cases the national portal acknowledged, for indicator 1.4, say).

A feature registers, in its `AppConfig.ready()`, a named case filter: a function that takes
a queryset of case ids and returns the subset meeting its condition, as a queryset (so the
count and the drill-down stay one SQL statement each). An indicator whose filter no feature
registered is "not measurable here".

A computed report is cached while no case step was committed since (`ReportStamp`); a
feature's rows move no such stamp, so a filter may come with `stamp`, a cheap function
whose value changes whenever the filter's answer can (a count of rows, a latest id): the
reports cache under it. A filter without one is asked afresh at every report.

Figures of a feature's own rows, not of cases (the feedback behind indicators 5.1–5.3),
come as a `Tally`: its counts for a report's scope, and the rows behind each count for the
drill-down. The scope a feature is given has `start` and `end` (aware datetimes: the first
moment of the period and the first after it), `agency_ids` (a set of agency ids, or None
for all), `level` ("" for all) and `procedure_id` (None for all).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, QuerySet

CaseFilter = Callable[[QuerySet], QuerySet]

_filters: dict[str, CaseFilter] = {}
_stamps: dict[str, Callable[[], Any]] = {}


def register_case_filter(
    name: str, case_filter: CaseFilter, *, stamp: Callable[[], Any] | None = None
) -> None:
    _filters[name] = case_filter
    if stamp is not None:
        _stamps[name] = stamp


def case_filter(name: str) -> CaseFilter | None:
    return _filters.get(name)


def case_filter_stamp(name: str) -> Callable[[], Any] | None:
    """The filter's stamp function, or None: the filter is then asked at every report."""
    return _stamps.get(name)


@dataclass(frozen=True)
class Tally:
    """A feature's own figures behind an indicator.

    `count(scope)` -> {"numerator": int, "denominator": int | None, "parts": {name: int}};
    `rows(scope, part)` -> the rows behind "numerator" or "denominator", newest first, as
    dicts (`.values()`) with the keys of `columns`, pairs of (key, label) the drill-down
    shows in that order.
    """

    count: Callable[[Any], dict]
    rows: Callable[[Any, str], QuerySet]
    columns: tuple[tuple[str, Any], ...]


_tallies: dict[str, Tally] = {}


def register_tally(name: str, tally: Tally) -> None:
    _tallies[name] = tally


def tally(name: str) -> Tally | None:
    return _tallies.get(name)


# --- what the reports offer other features ------------------------------------------------


def ratings_given(start, end) -> QuerySet:
    """The satisfaction ratings given in [start, end), one row per rated case: its
    procedure's code and name, the value and the comment (the national portal's monthly
    report of ratings, DongBoDanhGia, reads them here)."""
    from .models import Rating  # the app registry is ready by the time a feature asks

    return Rating.objects.filter(created_at__gte=start, created_at__lt=end).values(
        "value",
        "comment",
        procedure_code=F("case__procedure__code"),
        procedure_name=F("case__procedure__name"),
    )
