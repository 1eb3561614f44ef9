"""Hot reads compiled to SQL once per database connection, then run with new values.

Django compiles a queryset to SQL every time it runs one. On the public lookup, compiling
the case's query cost the worker 746 µs of CPU, where running a raw query for the same row
cost 117 µs (issue 6, on the benchmark's machine). A read whose shape never changes, only its
values, is compiled here once per connection; each call runs that SQL with the new values
and builds what the queryset would have: model instances with their `select_related`
objects, or the dicts of `.values()`.

Only for a queryset whose SQL depends on nothing but its marked parameters: no `now()`, no
`__in` list, no `prefetch_related`. A lookup that rewrites its value (`icontains` adds
`%`) cannot be marked, and compiling says so. What one object's reverse relation holds can
be read precompiled and left on it as `prefetch_related` would (`attach_prefetched`).
"""

import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators

# What the build function is given for each parameter, recognised in the compiled
# parameters by value: no code, reference or primary key looks like these. The numbers fit
# a 32-bit column (Django compiles an out-of-range value to an empty result instead).
MARKERS: dict[type, Callable[[int], Any]] = {
    str: lambda n: f"\x00precompiled-parameter-{n}\x00",
    int: lambda n: -2_000_000_000 - n,
}


class Precompiled:
    """`Precompiled(lambda code: Case.objects.filter(code=code)[:1], code=str)`, then
    `.all(code="...")` or `.first(code="...")`: the queryset's result for those values."""

    def __init__(self, build: Callable[..., QuerySet], **kinds: type):
        self.build = build
        self.kinds = kinds
        self._plans: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def all(self, **values) -> list:
        connection = connections[DEFAULT_DB_ALIAS]  # where the router sends these reads
        plan = self._plans.get(connection) or self._compile(connection)
        params = [values[name] if name else constant for name, constant in plan.params]
        with connection.cursor() as cursor:
            cursor.execute(plan.sql, params)
            rows = cursor.fetchall()
        return plan.objects(plan.compiler.results_iter([rows]))

    def first(self, **values):
        found = self.all(**values)
        return found[0] if found else None

    def _compile(self, connection) -> "_Plan":
        markers = {name: MARKERS[kind](n) for n, (name, kind) in enumerate(self.kinds.items())}
        queryset = self.build(**markers)
        if queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise TypeError("A precompiled queryset cannot prefetch: its rows are all it reads.")
        compiler = queryset.query.get_compiler(connection=connection)
        sql, compiled = compiler.as_sql()
        by_marker = {(type(marker), marker): name for name, marker in markers.items()}
        params = [(by_marker.get((type(value), value)), value) for value in compiled]
        missing = set(markers) - {name for name, _value in params}
        if missing:
            raise ValueError(
                f"Parameters {sorted(missing)} do not reach the SQL as given: a lookup "
                "rewrites them, or the queryset does not use them."
            )
        plan = _Plan(sql, params, compiler, _objects_of(queryset, compiler, connection.alias))
        self._plans[connection] = plan
        return plan


def attach_prefetched(instance, name: str, related: list) -> None:
    """Leave `related` on `instance` as `prefetch_related(name)` leaves a reverse foreign
    key's objects (Django's prefetch_one_level): `instance.<name>.all()` answers them
    without a query, and each of them knows `instance` without one."""
    manager = getattr(instance, name)
    field = manager.field
    for obj in related:
        field.set_cached_value(obj, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = list(related)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[field.remote_field.cache_name] = queryset


@dataclass(frozen=True)
class _Plan:
    sql: str
    params: list[tuple[str | None, Any]]  # (name, marker) given per call, (None, constant)
    compiler: Any
    objects: Callable[[Any], list]  # the converted rows -> what the queryset yields


def _objects_of(queryset: QuerySet, compiler, alias: str) -> Callable[[Any], list]:
    """How the queryset's iterable turns rows into objects, set up once (as in Django's
    ModelIterable and ValuesIterable)."""
    query = queryset.query
    if queryset._iterable_class is ValuesIterable:
        if query.selected:
            names = list(query.selected)
        else:
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        return lambda rows: [dict(zip(names, row, strict=True)) for row in rows]
    if queryset._iterable_class is not ModelIterable:
        raise TypeError("Precompiled reads yield model instances or .values() dicts.")
    klass_info, select = compiler.klass_info, compiler.select
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    annotations = compiler.annotation_col_map.items()
    populators = get_related_populators(klass_info, select, alias)  # they keep no state

    def instances(rows) -> list:
        found = []
        for row in rows:
            instance = model.from_db(alias, attnames, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    return instances
