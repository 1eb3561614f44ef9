"""The reports' one seam for other features: the data an indicator needs that another
feature keeps (which cases the national portal acknowledged, for indicator 1.4, say).

A feature registers, in its `AppConfig.ready()`, a named case filter: a function that takes
a queryset of case ids and returns the subset meeting its condition, as a queryset (so the
count and the drill-down stay one SQL statement each). An indicator whose filter no feature
registered is "not measurable here".
"""

from collections.abc import Callable

from django.db.models import QuerySet

CaseFilter = Callable[[QuerySet], QuerySet]

_filters: dict[str, CaseFilter] = {}


def register_case_filter(name: str, case_filter: CaseFilter) -> None:
    _filters[name] = case_filter


def case_filter(name: str) -> CaseFilter | None:
    return _filters.get(name)
