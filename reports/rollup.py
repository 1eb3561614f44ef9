"""The roll-up (`FactRollup`): the counts of a province's or an agency's report read from
per-day rows, thousands of them, instead of from every case's facts.

PostgreSQL only (its triggers write the rows); the embedded SQLite mode, and a report of one
procedure (its few cases are read by index), count the facts. Cases a reorganisation moved
are not in the roll-up: their counts come from their facts and are added (`kpis`,
`throughput`), so every figure stays exactly what the facts give.
"""

from datetime import date

from django.db import connections, router, transaction

from .aggregates import is_postgres, percentile_ranks
from .models import FactRollup, ResolvedDays
from .scope import Scope

_TABLE = FactRollup._meta.db_table
_STEPS_TABLE = ResolvedDays._meta.db_table
# The step of a case's processing days, as the triggers and index fact_resolved_step have it.
STEP = f"floor(processing_days * {ResolvedDays.STEPS})::integer"
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
    """Fold the rows the triggers appended into one row a key, in both tables; the number
    of keys written (a key whose counts cancel out is left with none). Readers see the
    rows before or after, never a half: each fold is one statement."""
    db = using or router.db_for_write(FactRollup)
    if not is_postgres(db):
        return 0
    written = 0
    with transaction.atomic(using=db), connections[db].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_COMPACTING])
        for table, key, counts in (
            (_TABLE, ("day", "agency_id", "level"), COUNTERS),
            (_STEPS_TABLE, ("day", "level", "step"), ["cases"]),
        ):
            keys = ", ".join(key)
            cursor.execute(
                f"""
                WITH touched AS (
                    SELECT DISTINCT {keys} FROM {table} WHERE NOT compacted
                ), folded AS (
                    DELETE FROM {table} r USING touched t
                    WHERE {" AND ".join(f"r.{k} = t.{k}" for k in key)}
                    RETURNING r.*
                )
                INSERT INTO {table} ({keys}, compacted, {", ".join(counts)})
                SELECT {keys}, TRUE, {", ".join(f"SUM({n})" for n in counts)}
                FROM folded GROUP BY {keys}
                HAVING {" OR ".join(f"SUM({n}) <> 0" for n in counts)}
                """
            )
            written += cursor.rowcount
    return written


def percentiles(scope: Scope, db: str, periods: list, fractions: tuple) -> dict:
    """{period index: [the fractions' percentiles of the processing days of the cases
    resolved in it]}, exactly as percentile_cont gives them, for the whole province (or a
    level): the steps' counts (`ResolvedDays`) say which step holds each rank, and only
    that step's cases of the period are read, by index. Periods without a case are left
    out."""
    level = "AND level = %s" if scope.level else ""
    starts = [period.start.date() for period in periods]
    marks = ", ".join(["%s"] * len(starts))
    counts: dict[int, list] = {}
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"SELECT width_bucket(day, ARRAY[{marks}]::date[]) - 1, step, SUM(cases)"
            f" FROM {_STEPS_TABLE} WHERE day >= %s AND day <= %s {level}"
            " GROUP BY 1, 2 HAVING SUM(cases) <> 0 ORDER BY 1, 2",
            [*starts, scope.first, scope.last, *([scope.level] if scope.level else [])],
        )
        for i, step, cases in cursor.fetchall():
            counts.setdefault(i, []).append((step, cases))
        # For each period and fraction: the step holding each of the two ranks, the rank
        # within it, and the weight percentile_cont gives the second.
        wanted = {}
        for i, steps in counts.items():
            total = sum(cases for _, cases in steps)
            for fraction in fractions:
                low, high, weight = percentile_ranks(fraction, total)
                wanted[(i, fraction)] = (_step_of(steps, low), _step_of(steps, high), weight)
        pairs = sorted({(i, step) for (i, _), ends in wanted.items() for step, _ in ends[:2]})
        values = {pair: [] for pair in pairs}
        if pairs:
            # One index probe a (period, step): the step's cases resolved in the period.
            cursor.execute(
                "SELECT w.k, f.processing_days"
                " FROM unnest(%s::int[], %s::int[], %s::timestamptz[], %s::timestamptz[])"
                " AS w(k, step, since, until) CROSS JOIN LATERAL ("
                f" SELECT processing_days FROM reports_casefact WHERE {STEP} = w.step"
                f" AND resolved_at >= w.since AND resolved_at < w.until {level}) f",
                [
                    list(range(len(pairs))),
                    [step for _, step in pairs],
                    [periods[i].start for i, _ in pairs],
                    [periods[i].end for i, _ in pairs],
                    *([scope.level] if scope.level else []),
                ],
            )
            for k, days in cursor.fetchall():
                values[pairs[k]].append(days)
    for found in values.values():
        found.sort()
    result: dict[int, list] = {}
    for (i, _), ((low_step, low), (high_step, high), weight) in wanted.items():
        a, b = values[(i, low_step)][low], values[(i, high_step)][high]
        result.setdefault(i, []).append(a + (b - a) * weight)  # as percentile_cont
    return result


def _step_of(steps: list, rank: int) -> tuple[int, int]:
    """The step holding the case of this rank (from 0, in order of processing days), and
    its rank within the step."""
    before = 0
    for step, cases in steps:
        if rank < before + cases:
            return step, rank - before
        before += cases
    raise ValueError(f"rank {rank} beyond {before} cases")


def _tables() -> list[tuple]:
    """Each table the triggers write: its name, key, counters, and its rows counted afresh
    from every case's facts (with the triggers' own expressions)."""
    resolved_day = "(resolved_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date"
    return [
        (
            _TABLE,
            ("day", "agency_id", "level"),
            COUNTERS,
            f"SELECT c.day, c.agency_id, c.level, "
            f"{', '.join(f'SUM(c.{n}) AS {n}' for n in COUNTERS)}"
            " FROM reports_casefact f CROSS JOIN LATERAL reports_rollup_cells(f, 1) c"
            " GROUP BY 1, 2, 3",
        ),
        (
            _STEPS_TABLE,
            ("day", "level", "step"),
            ["cases"],
            f"SELECT {resolved_day} AS day, level, {STEP} AS step, count(*) AS cases"
            " FROM reports_casefact"
            " WHERE resolved_at IS NOT NULL AND processing_days IS NOT NULL GROUP BY 1, 2, 3",
        ),
    ]


def differences(using: str | None = None) -> list[tuple]:
    """Each (table, key, counter, kept, counted from the facts) that differs: none unless
    something wrote the roll-up, or the facts with their triggers off."""
    db = using or router.db_for_write(FactRollup)
    if not is_postgres(db):
        return []
    found = []
    for table, key, counts, derived in _tables():
        keys = ", ".join(key)
        kept = (
            f"SELECT {keys}, {', '.join(f'SUM({n}) AS {n}' for n in counts)}"
            f" FROM {table} GROUP BY {keys}"
        )
        pairs = ", ".join(f"COALESCE(k.{n}, 0), COALESCE(d.{n}, 0)" for n in counts)
        differ = " OR ".join(f"COALESCE(k.{n}, 0) <> COALESCE(d.{n}, 0)" for n in counts)
        with connections[db].cursor() as cursor:
            cursor.execute(
                f"SELECT {keys}, {pairs} FROM ({kept}) k FULL JOIN ({derived}) d"
                f" USING ({keys}) WHERE {differ} ORDER BY {keys}"
            )
            rows = cursor.fetchall()
        for row in rows:
            label, values = " ".join(str(v) for v in row[: len(key)]), row[len(key) :]
            for i, name in enumerate(counts):
                if values[2 * i] != values[2 * i + 1]:
                    found.append((table, label, name, values[2 * i], values[2 * i + 1]))
    return found


def rebuild(using: str | None = None) -> int:
    """Count the roll-up afresh from the facts; the number of rows written. Steps wait for
    it (the tables are locked against their triggers' rows): a repair, after
    `differences`."""
    db = using or router.db_for_write(FactRollup)
    if not is_postgres(db):
        return 0
    written = 0
    with transaction.atomic(using=db), connections[db].cursor() as cursor:
        for table, key, counts, derived in _tables():
            keys, columns = ", ".join(key), ", ".join(counts)
            cursor.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            cursor.execute(f"DELETE FROM {table}")
            cursor.execute(
                f"INSERT INTO {table} ({keys}, compacted, {columns})"
                f" SELECT {keys}, TRUE, {columns} FROM ({derived}) d"
                f" WHERE {' OR '.join(f'{n} <> 0' for n in counts)}"
            )
            written += cursor.rowcount
    return written
