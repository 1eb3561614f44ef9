"""SQL helpers the report selectors share: percentiles, and a cache keyed by snapshot."""

import hashlib

from django.core.cache import cache
from django.db import connections
from django.db.models import Aggregate, FloatField

CACHE_SECONDS = 600


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the exact (interpolated) percentile of a column."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def is_postgres(db: str) -> bool:
    return connections[db].vendor == "postgresql"


def python_percentile(values: list[float], fraction: float) -> float | None:
    """percentile_cont in Python (the embedded SQLite mode has no such aggregate)."""
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    position = fraction * (len(values) - 1)
    low = int(position)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (position - low)


def snapshot_key(db: str) -> str | None:
    """The database snapshot a query would see now (PostgreSQL), or None.

    Two reads with the same snapshot see exactly the same committed rows, so a report cached
    under it can never miss a step committed before it was asked for; any commit anywhere
    moves the snapshot and the next report is computed afresh.
    """
    if not is_postgres(db):
        return None
    with connections[db].cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def cached_report(db: str, name: str, params: tuple, compute):
    """`compute()`, served from the cache while the database has not changed."""
    snapshot = snapshot_key(db)
    if snapshot is None:
        return compute()
    digest = hashlib.sha256(repr((name, params, db, snapshot)).encode()).hexdigest()
    key = f"reports:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
