"""Throughput (supervisors): per day, week or month, and per agency, procedure or officer.

Received, resolved and returned are counted by the bucket of their moment. Backlog and
overdue open are states at each bucket's end: each case's (start, end) buckets are counted
once in SQL, and the running sums in Python give every bucket's figure exactly, however
many buckets there are.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, DateTimeField, F, Q, Value, When
from django.db.models.functions import Greatest, TruncDay, TruncMonth, TruncWeek

from cases import working_time
from cases.models import Agency, CaseEvent, Procedure, User
from cases.selectors import default_calendar
from cases.working_time import VN_TZ

from .aggregates import Percentile, is_postgres, python_percentile
from .kpis import Scope
from .routers import reports_db

BUCKETS = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}
GROUPS = {
    "agency": ("deciding_agency_id", "deciding_agency__code"),
    "procedure": ("procedure_id", "procedure__code"),
    "officer": ("officer_id", "officer__username"),
}
FIGURES = (
    "received",
    "resolved",
    "returned",
    "backlog",
    "overdue_open",
    "due_soon",
    "median_processing_days",
    "p90_processing_days",
    "supplement_requests",
    "transfers",
)
FILTERS_PER_QUERY = 60


@dataclass(frozen=True)
class Bucket:
    key: date  # the bucket's own start (Monday, the 1st), even if the period starts later
    start: datetime
    end: datetime


def buckets(scope: Scope, size: str) -> list[Bucket]:
    result, day = [], scope.first
    while day <= scope.last:
        if size == "day":
            key, following = day, day + timedelta(days=1)
        elif size == "week":
            key = day - timedelta(days=day.weekday())
            following = key + timedelta(days=7)
        else:
            key = day.replace(day=1)
            following = (key + timedelta(days=32)).replace(day=1)
        until = min(following, scope.last + timedelta(days=1))
        result.append(
            Bucket(
                key,
                datetime.combine(day, time.min, VN_TZ),
                datetime.combine(until, time.min, VN_TZ),
            )
        )
        day = until
    return result


def _day(value) -> date | None:
    return None if value is None else value.astimezone(VN_TZ).date()


def throughput(scope: Scope, *, bucket: str = "month", group_by: str = "") -> list[dict]:
    """One row per bucket (and group): the figures of FIGURES."""
    db = reports_db()
    periods = buckets(scope, bucket)
    index = {b.key: i for i, b in enumerate(periods)}
    n = len(periods)
    trunc = BUCKETS[bucket]
    group_field, group_label = GROUPS[group_by] if group_by else (None, None)
    facts = scope.facts()
    g = {"g": F(group_field)} if group_field else {"g": Value(0)}
    figures: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    def bucket_of(moment_expr):
        return trunc(moment_expr, tzinfo=VN_TZ)

    # Moments in the period.
    for name, field in (
        ("received", "received_at"),
        ("resolved", "resolved_at"),
        ("returned", "returned_at"),
    ):
        rows = (
            facts.filter(**{f"{field}__gte": scope.start, f"{field}__lt": scope.end})
            .annotate(b=bucket_of(field), **g)
            .values("b", "g")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            figures[(index[_day(row["b"])], row["g"])][name] = row["n"]

    # Processing time of the cases resolved in each bucket.
    resolved = facts.filter(resolved_at__gte=scope.start, resolved_at__lt=scope.end)
    resolved = resolved.annotate(b=bucket_of("resolved_at"), **g).values("b", "g")
    if is_postgres(db):
        rows = resolved.annotate(
            m=Percentile("processing_days", 0.5), p=Percentile("processing_days", 0.9)
        )
        for row in rows:
            cell = figures[(index[_day(row["b"])], row["g"])]
            cell["median_processing_days"], cell["p90_processing_days"] = row["m"], row["p"]
    else:
        days = defaultdict(list)
        for row in resolved.values("b", "g", "processing_days"):
            days[(index[_day(row["b"])], row["g"])].append(row["processing_days"])
        for key, values in days.items():
            figures[key]["median_processing_days"] = python_percentile(values, 0.5)
            figures[key]["p90_processing_days"] = python_percentile(values, 0.9)

    # States at each bucket's end: the cases open at some moment of the period.
    open_in_period = facts.filter(received_at__lt=scope.end).filter(
        Q(ended_at=None) | Q(ended_at__gte=scope.start)
    )
    start = Value(scope.start, output_field=DateTimeField())
    # Past the period's end: no bucket (NULL), counted as "after the last one".
    ended = Case(When(ended_at__lt=scope.end, then=bucket_of("ended_at")), default=None)
    overdue_from = Case(
        When(due_at__lt=scope.end, then=bucket_of(Greatest("due_at", start))), default=None
    )
    for name, since in (
        ("backlog", bucket_of(Greatest("received_at", start))),
        ("overdue_open", overdue_from),
    ):
        rows = (
            open_in_period.filter(due_at__isnull=False)
            .annotate(s=since, e=ended, **g)
            .values("s", "e", "g")
            .annotate(n=Count("pk"))
        )
        change = defaultdict(lambda: [0] * (n + 1))
        for row in rows:
            # Counted at the end of its first bucket, up to the bucket before it ends in.
            first = index.get(_day(row["s"]), n)
            last = index.get(_day(row["e"]), n)
            if first < last:
                change[row["g"]][first] += row["n"]
                change[row["g"]][last] -= row["n"]
        for group, deltas in change.items():
            running = 0
            for i in range(n):
                running += deltas[i]
                if running:
                    figures[(i, group)][name] = running

    # Due soon at each bucket's end: open, due within the agencies' default window.
    calendar = default_calendar()
    window = working_time.working_days(1, calendar)
    for chunk in range(0, n, FILTERS_PER_QUERY):
        part = periods[chunk : chunk + FILTERS_PER_QUERY]
        soon = [working_time.add(b.end, window, calendar) for b in part]
        counts = {
            f"k{chunk + i}": Count(
                "pk",
                filter=Q(received_at__lt=b.end, due_at__gte=b.end, due_at__lt=soon[i])
                & (Q(ended_at=None) | Q(ended_at__gte=b.end)),
            )
            for i, b in enumerate(part)
        }
        rows = (
            facts.filter(due_at__gte=part[0].end, due_at__lt=max(soon))
            .filter(Q(ended_at=None) | Q(ended_at__gte=part[0].end))
            .annotate(**g)
            .values("g")
            .annotate(**counts)
        )
        for row in rows:
            for name, value in row.items():
                if name.startswith("k") and value:
                    figures[(int(name[1:]), row["g"])]["due_soon"] = value

    # Steps in the period: supplement requests and transfers.
    event_group = {"g": F(f"case__fact__{group_field}")} if group_field else {"g": Value(0)}
    rows = (
        CaseEvent.objects.using(db)
        .filter(scope.facts_filter("case__fact__"))
        .filter(
            action__in=["request-supplement", "transfer"], at__gte=scope.start, at__lt=scope.end
        )
        .annotate(b=bucket_of("at"), **event_group)
        .values("b", "action", "g")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        name = "supplement_requests" if row["action"] == "request-supplement" else "transfers"
        figures[(index[_day(row["b"])], row["g"])][name] = row["n"]

    labels = _labels(group_by, {g for _, g in figures})
    result = []
    for (i, group), cell in sorted(
        figures.items(), key=lambda kv: (kv[0][0], str(labels.get(kv[0][1])))
    ):
        if not any(cell.values()):
            continue
        row = {"bucket": periods[i].start.date(), "bucket_end": periods[i].end.date()}
        if group_by:
            row[group_by] = labels.get(group)
        for name in ("median_processing_days", "p90_processing_days"):
            cell[name] = round(cell[name], 2) if cell[name] else None
        result.append({**row, **cell})
    return result


def _labels(group_by: str, ids: set) -> dict:
    if not group_by:
        return {}
    model, field = {
        "agency": (Agency, "code"),
        "procedure": (Procedure, "code"),
        "officer": (User, "username"),
    }[group_by]
    labels = dict(model.objects.using(reports_db()).filter(pk__in=ids).values_list("pk", field))
    labels[None] = None
    return labels
