"""SQL helpers the report selectors share: percentiles, and a cache that cannot go stale."""

import hashlib
import logging

from django.core.cache import cache
from django.db import connections, router
from django.db.models import (
    Aggregate,
    Case,
    DateTimeField,
    FloatField,
    Func,
    IntegerField,
    Value,
    When,
)
from django.db.models.lookups import IsNull, LessThan

from .models import ReportStamp

logger = logging.getLogger(__name__)

CACHE_SECONDS = 600


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the exact (interpolated) percentile of a column."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


class BucketIndex(Func):
    """Which of the buckets [bounds[i], bounds[i + 1]) a moment falls in: -1 before the first,
    len(bounds) - 1 after the last, NULL for NULL. One binary search per row in PostgreSQL
    (width_bucket), no time-zone arithmetic; a CASE over the bounds elsewhere."""

    output_field = IntegerField()

    def __init__(self, expression, bounds: list):
        super().__init__(expression)
        self.bounds = list(bounds)

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        marks = ", ".join(["%s"] * len(self.bounds))
        return (
            f"(width_bucket({sql}, ARRAY[{marks}]::timestamptz[]) - 1)",
            (*params, *self.bounds),
        )

    def as_sql(self, compiler, connection, **extra):
        moment = self.source_expressions[0]
        case = Case(
            When(IsNull(moment, True), then=Value(None)),
            *[
                When(LessThan(moment, Value(b, DateTimeField())), then=Value(i - 1))
                for i, b in enumerate(self.bounds)
            ],
            default=Value(len(self.bounds) - 1),
            output_field=IntegerField(),
        )
        return compiler.compile(case.resolve_expression(compiler.query))


def is_postgres(db: str) -> bool:
    return connections[db].vendor == "postgresql"


def percentile_ranks(fraction: float, count: int) -> tuple[int, int, float]:
    """The ranks (from 0) of the two values percentile_cont interpolates between, among
    `count` sorted values, and the weight of the second."""
    position = fraction * (count - 1)
    low = int(position)
    return low, min(low + 1, count - 1), position - low


def python_percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont in Python (the embedded SQLite mode has no such aggregate)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    low, high, weight = percentile_ranks(fraction, len(values))
    return values[low] + (values[high] - values[low]) * weight


def stamp_bump(case_id: int) -> None:
    """Record that report data changed: call in the transaction that changes it.

    The shard's row stays locked to commit. A step that also takes a number (a case code,
    a receipt) takes the number first: two transactions taking both in opposite orders
    deadlock (in a benchmark, a filing that bumped first deadlocked with one of the code
    before, which took its number first, as accepting an online case does).
    """
    # Plain SQL, as for the numbers (cases.services.next_in_sequence): every step runs it,
    # and the ORM's UPDATE cost 4.5 times the plain statement's CPU (170 µs against 37).
    with connections[router.db_for_write(ReportStamp)].cursor() as cursor:
        cursor.execute(
            f"UPDATE {ReportStamp._meta.db_table} SET changes = changes + 1 WHERE id = %s",
            [case_id % ReportStamp.SHARDS],
        )


def stamp_key(db: str) -> str | None:
    """What the report data looks like now, in one short read; None not to cache.

    Every step and rating moves a counter in its own transaction, and counters only grow,
    so a report cached under the counters it saw is served again only while no step was
    committed since: it can never miss one. A transaction that has written sees its own
    uncommitted rows, which may yet roll back: it never caches (nor does SQLite).
    """
    if not is_postgres(db):
        return None
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT txid_current_if_assigned(), string_agg(changes::text, ',' ORDER BY id) "
            f"FROM {ReportStamp._meta.db_table}"
        )
        own_writes, stamp = cursor.fetchone()
    return None if own_writes is not None else stamp


def cached_report(db: str, name: str, params: tuple, compute):
    """`compute()`, served from the cache while the database has not changed, and computed
    afresh while the cache does not answer (a report is slower then, never an error)."""
    stamp = stamp_key(db)
    if stamp is None:
        return compute()
    digest = hashlib.sha256(repr((name, params, db, stamp)).encode()).hexdigest()
    key = f"reports:{digest}"
    try:
        value = cache.get(key)
    except Exception:  # the cache's own errors differ by backend (redis, file)
        logger.warning("Reports: the cache is unavailable; computed without it.")
        return compute()
    if value is None:
        value = compute()
        try:
            cache.set(key, value, CACHE_SECONDS)
        except Exception:
            logger.warning("Reports: the cache is unavailable; %s not kept.", name)
    return value
