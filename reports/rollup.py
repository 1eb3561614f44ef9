"""The roll-up (`FactRollup`): the counts of a province's or an agency's report read from
per-day rows, thousands of them, instead of from every case's facts.

PostgreSQL only (its triggers write the rows); the embedded SQLite mode, and a report of one
procedure (its few cases are read by index), count the facts. Cases a reorganisation moved
are not in the roll-up: their counts come from their facts and are added (`kpis`,
`throughput`), so every figure stays exactly what the facts give.
"""

from datetime import date

from django.db import connections, router, transaction

from .aggregates import is_postgres
from .models import FactRollup
from .scope import Scope

_TABLE = FactRollup._meta.db_table
COUNTERS = FactRollup.counters()
MOMENTS = [name for name in COUNTERS if name not in FactRollup.RUNNING]
# Serialises compactions (pg_advisory_xact_lock): two at once would wait on each other's rows.
_COMPACTING = 0x726F6C6C


def covers(scope: Scope, db: str) -> bool:
    """Whether the roll-up answers the scope's case counts."""
    return is_postgres(db) and not scope.procedure_id


def _where(scope: Scope) -> tuple[str, list]:
    clauses, params = ["day <= %s"], [scope.last]
    if scope.agency_ids is not None:
        clauses.append("agency_id = ANY(%s)")
        params.append(sorted(scope.agency_ids))
    if scope.level:
        clauses.append("level = %s")
        params.append(scope.level)
    return " AND ".join(clauses), params


def sums(scope: Scope, db: str) -> dict[str, int]:
    """The moments counted over the period's days; the intervals (cases open, backlog,
    overdue) at its end: their sum over every day up to its last."""
    where, params = _where(scope)
    columns = [f"SUM({name}) FILTER (WHERE day >= %s)" for name in MOMENTS]
    columns += [f"SUM({name})" for name in FactRollup.RUNNING]
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {_TABLE} WHERE {where}",
            [scope.first] * len(MOMENTS) + params,
        )
        row = cursor.fetchone()
    names = [*MOMENTS, *FactRollup.RUNNING]
    return {name: value or 0 for name, value in zip(names, row, strict=True)}


def by_bucket(scope: Scope, db: str, starts: list[date], *, by_agency: bool) -> list[dict]:
    """The counters summed per bucket (the buckets start on `starts`; -1: the days before
    the first, which only the intervals need) and, if asked, per agency (`g`)."""
    where, params = _where(scope)
    marks = ", ".join(["%s"] * len(starts))
    group = "agency_id" if by_agency else "0"
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT width_bucket(day, ARRAY[{marks}]::date[]) - 1 AS b, {group} AS g, "
            f"{', '.join(f'SUM({name})' for name in COUNTERS)} "
            f"FROM {_TABLE} WHERE {where} GROUP BY 1, 2",
            [*starts, *params],
        )
        names = ["b", "g", *COUNTERS]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def compact(using: str | None = None) -> int:
    """Fold the rows the triggers appended into one row a key (day, agency, level); the
    number of keys written (a key whose counts cancel out is left with none). Readers see
    the rows before or after, never a half: the fold is one statement."""
    db = using or router.db_for_write(FactRollup)
    if not is_postgres(db):
        return 0
    key = "day, agency_id, level"
    sums_ = ", ".join(f"SUM({name})" for name in COUNTERS)
    with transaction.atomic(using=db), connections[db].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_COMPACTING])
        cursor.execute(
            f"""
            WITH touched AS (
                SELECT DISTINCT {key} FROM {_TABLE} WHERE NOT compacted
            ), folded AS (
                DELETE FROM {_TABLE} r USING touched t
                WHERE r.day = t.day AND r.agency_id = t.agency_id AND r.level = t.level
                RETURNING r.*
            )
            INSERT INTO {_TABLE} ({key}, compacted, {", ".join(COUNTERS)})
            SELECT {key}, TRUE, {sums_} FROM folded GROUP BY {key}
            HAVING {" OR ".join(f"SUM({name}) <> 0" for name in COUNTERS)}
            """
        )
        return cursor.rowcount


def _derived() -> str:
    """The roll-up counted afresh from every case's facts (with the triggers' function)."""
    return (
        f"SELECT c.day, c.agency_id, c.level, {', '.join(f'SUM(c.{n}) AS {n}' for n in COUNTERS)}"
        " FROM reports_casefact f CROSS JOIN LATERAL reports_rollup_cells(f, 1) c"
        " GROUP BY 1, 2, 3"
    )


def differences(using: str | None = None) -> list[tuple]:
    """Each (day, agency id, level, counter, kept, counted from the facts) that differs:
    none unless something wrote the roll-up, or the facts with their triggers off."""
    db = using or router.db_for_write(FactRollup)
    if not is_postgres(db):
        return []
    kept = (
        f"SELECT day, agency_id, level, {', '.join(f'SUM({n}) AS {n}' for n in COUNTERS)}"
        f" FROM {_TABLE} GROUP BY 1, 2, 3"
    )
    pairs = ", ".join(f"COALESCE(k.{n}, 0), COALESCE(d.{n}, 0)" for n in COUNTERS)
    differ = " OR ".join(f"COALESCE(k.{n}, 0) <> COALESCE(d.{n}, 0)" for n in COUNTERS)
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT day, agency_id, level, {pairs} FROM ({kept}) k"
            f" FULL JOIN ({_derived()}) d USING (day, agency_id, level) WHERE {differ}"
            " ORDER BY 1, 2, 3"
        )
        rows = cursor.fetchall()
    found = []
    for day, agency_id, level, *values in rows:
        for i, name in enumerate(COUNTERS):
            if values[2 * i] != values[2 * i + 1]:
                found.append((day, agency_id, level, name, values[2 * i], values[2 * i + 1]))
    return found


def rebuild(using: str | None = None) -> int:
    """Count the roll-up afresh from the facts; the number of rows written. Steps wait for
    it (the table is locked against their triggers' rows): a repair, after `differences`."""
    db = using or router.db_for_write(FactRollup)
    if not is_postgres(db):
        return 0
    with transaction.atomic(using=db), connections[db].cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {_TABLE}")
        cursor.execute(
            f"INSERT INTO {_TABLE} (day, agency_id, level, compacted, {', '.join(COUNTERS)})"
            f" SELECT day, agency_id, level, TRUE, {', '.join(COUNTERS)} FROM ({_derived()}) d"
            f" WHERE {' OR '.join(f'{n} <> 0' for n in COUNTERS)}"
        )
        return cursor.rowcount
