"""Throughput (supervisors): per day, week or month, and per agency, procedure or officer.

Received, resolved and returned are counted by the bucket of their moment. Backlog and
overdue open are states at each bucket's end: the cases coming in and going out, counted per
bucket, and running sums in Python give every bucket's figure exactly, however many buckets
there are. A province's or an agency's counts come from the roll-up (`reports.rollup`), a
procedure's or officer's from a pass over the cases' facts.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Case, Count, DateTimeField, F, Q, Value, When
from django.db.models.functions import Greatest

from cases import working_time
from cases.models import Agency, CaseEvent, Procedure, User
from cases.selectors import default_calendar
from cases.working_time import VN_TZ

from . import rollup
from .aggregates import BucketIndex, Percentile, cached_report, is_postgres, python_percentile
from .routers import reports_db
from .scope import Scope

BUCKETS = ("day", "week", "month")
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
PER_QUERY = 60


@dataclass(frozen=True)
class Bucket:
    start: datetime
    end: datetime


def buckets(scope: Scope, size: str) -> list[Bucket]:
    result, day = [], scope.first
    while day <= scope.last:
        # Whole days, ISO weeks and calendar months, the first and last cut to the period.
        if size == "day":
            following = day + timedelta(days=1)
        elif size == "week":
            following = day - timedelta(days=day.weekday()) + timedelta(days=7)
        else:
            following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
        until = min(following, scope.last + timedelta(days=1))
        result.append(
            Bucket(
                datetime.combine(day, time.min, VN_TZ),
                datetime.combine(until, time.min, VN_TZ),
            )
        )
        day = until
    return result


def throughput(scope: Scope, *, bucket: str = "month", group_by: str = "") -> list[dict]:
    """One row per bucket (and group): the figures of FIGURES."""
    return cached_report(
        reports_db(),
        "throughput",
        (scope.key(), bucket, group_by),
        lambda: _throughput(scope, bucket, group_by),
    )


def _throughput(scope: Scope, bucket: str, group_by: str) -> list[dict]:
    db = reports_db()
    periods = buckets(scope, bucket)
    bounds = [b.start for b in periods] + [scope.end]
    n = len(periods)
    group_field, group_label = GROUPS[group_by] if group_by else (None, None)
    facts = scope.facts()
    g = {"g": F(group_field)} if group_field else {"g": Value(0)}
    figures: dict[tuple, dict] = defaultdict(lambda: dict.fromkeys(FIGURES, 0))

    def bucket_of(moment):
        return BucketIndex(F(moment) if isinstance(moment, str) else moment, bounds)

    # Received, resolved and returned add up per bucket; backlog and overdue open are
    # running sums of the cases coming in (+1) and going out (-1) up to each bucket's end.
    changes = {name: defaultdict(lambda: [0] * (n + 1)) for name in ("backlog", "overdue_open")}
    start = Value(scope.start, output_field=DateTimeField())
    relevant = facts.filter(received_at__lt=scope.end).filter(
        Q(ended_at=None) | Q(ended_at__gte=scope.start) | Q(returned_at__gte=scope.start)
    )
    if rollup.covers(scope, db) and group_by in ("", "agency"):
        starts = [b.start.date() for b in periods]
        for row in rollup.by_bucket(scope, db, starts, by_agency=bool(group_by)):
            # Bucket -1, the days before the period, only opens the running sums.
            i, group = row["b"], row["g"]
            if i >= 0:
                for name in ("received", "resolved", "returned"):
                    figures[(i, group)][name] += row[name]
            changes["backlog"][group][max(i, 0)] += row["backlog"]
            changes["overdue_open"][group][max(i, 0)] += row["overdue"]
        relevant = relevant.filter(reorganised_at__isnull=False)  # not in the roll-up

    # One pass over the (other) cases that count in the period: each case's buckets
    # (received, resolved, returned, ended, overdue from), counted per combination; backlog
    # and overdue open count from the end of their first bucket up to the bucket before
    # they end in.
    cells = (
        relevant.annotate(
            r=bucket_of("received_at"),
            s=bucket_of("resolved_at"),
            t=bucket_of("returned_at"),
            # Past the period's end: no bucket (NULL), counted as after the last one.
            e=Case(When(ended_at__lt=scope.end, then=bucket_of("ended_at")), default=None),
            d=Case(
                When(due_at__lt=scope.end, then=bucket_of(Greatest("due_at", start))),
                default=None,
            ),
            **g,
        )
        .values("r", "s", "t", "e", "d", "g")
        .annotate(n=Count("pk"))
    )
    for row in cells:
        group, count = row["g"], row["n"]
        for name, key in (("received", "r"), ("resolved", "s"), ("returned", "t")):
            if row[key] is not None and 0 <= row[key] < n:
                figures[(row[key], group)][name] += count
        last = n if row["e"] is None else row["e"]
        for name, first in (
            ("backlog", max(row["r"], 0)),
            ("overdue_open", n if row["d"] is None else row["d"]),
        ):
            if first < last:
                changes[name][group][first] += count
                changes[name][group][last] -= count
    for name, by_group in changes.items():
        for group, deltas in by_group.items():
            running = 0
            for i in range(n):
                running += deltas[i]
                if running:
                    figures[(i, group)][name] = running

    # Processing time of the cases resolved in each bucket.
    resolved = facts.filter(resolved_at__gte=scope.start, resolved_at__lt=scope.end)
    resolved = resolved.annotate(b=bucket_of("resolved_at"), **g).values("b", "g")
    if rollup.covers(scope, db) and scope.agency_ids is None and not group_by:
        for i, (median, p90) in rollup.percentiles(scope, db, periods, (0.5, 0.9)).items():
            cell = figures[(i, 0)]
            cell["median_processing_days"], cell["p90_processing_days"] = median, p90
    elif is_postgres(db):
        rows = resolved.annotate(
            m=Percentile("processing_days", 0.5), p=Percentile("processing_days", 0.9)
        )
        for row in rows:
            cell = figures[(row["b"], row["g"])]
            cell["median_processing_days"], cell["p90_processing_days"] = row["m"], row["p"]
    else:
        days = defaultdict(list)
        for row in resolved.values("b", "g", "processing_days"):
            days[(row["b"], row["g"])].append(row["processing_days"])
        for key, values in days.items():
            figures[key]["median_processing_days"] = python_percentile(values, 0.5)
            figures[key]["p90_processing_days"] = python_percentile(values, 0.9)

    # Due soon at each bucket's end: open, due within the agencies' default window. One
    # count a bucket, each a range of a few days on the index on due_at, in one statement
    # for up to PER_QUERY buckets (a FILTER a bucket over the whole span tested every row
    # against every bucket).
    calendar = default_calendar()
    window = working_time.working_days(1, calendar)
    for chunk in range(0, n, PER_QUERY):
        counts = [
            facts.filter(
                Q(received_at__lt=b.end, due_at__gte=b.end)
                & Q(due_at__lt=working_time.add(b.end, window, calendar))
                & (Q(ended_at=None) | Q(ended_at__gte=b.end))
            )
            .annotate(**g)
            .values("g")
            .annotate(n=Count("*"), i=Value(i))
            for i, b in enumerate(periods[chunk : chunk + PER_QUERY], start=chunk)
        ]
        for row in counts[0].union(*counts[1:], all=True):
            figures[(row["i"], row["g"])]["due_soon"] = row["n"]

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
        .annotate(n=Count("*"))  # not the id: the covering index answers alone
    )
    for row in rows:
        name = "supplement_requests" if row["action"] == "request-supplement" else "transfers"
        figures[(row["b"], row["g"])][name] = row["n"]

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
