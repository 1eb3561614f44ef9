"""Deadline watcher and outbox benchmark.

Run by hand (PostgreSQL and Redis on 127.0.0.1, as for the tests):

    .venv/bin/python bench/sla_bench.py [--open 1000000] [--due 10000] [--closed 200000]

Builds a scratch database `onestop_alerts_bench` with bulk SQL (INSERT ... SELECT
generate_series): `--open` running cases, of which `--due` have crossed their due-soon
threshold, plus `--closed` finished ones. Then measures:

1. one scan pass that claims the due cases and writes their crossings, staff alerts and
   e-mails (goal: < 10 s for 10,000);
2. a pass with nothing due (goal: < 50 ms), with the EXPLAIN of its query;
3. dispatching the outbox rows the scan wrote with no-op backends (goal: >= 1,000/s in one
   process, i.e. per worker).

The machine is shared and noisy: a database round trip (`SELECT 1`) is timed next to each
phase, and each figure is also given in round trips.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import fresh_database  # noqa: E402

DB_NAME = "onestop_alerts_bench"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/3")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ["LOG_LEVEL"] = "WARNING"
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")  # DEBUG is off, as in production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")


class NoopSms:
    def send(self, *, to, text, key):
        pass


def province(departments: int = 20):
    """A province: its committee (with the supervisor), a centre, departments with an
    officer each and a head for every other one; one procedure per department."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cases.models import Agency, Level, Procedure, Role, User

    call_command("migrate", verbosity=0)
    groups = {role: Group.objects.create(name=role) for role in Role.values}
    ubnd = Agency.objects.create(code="000.00.00.H38", name="UBND tỉnh", level=Level.PROVINCE)
    centre = Agency.objects.create(
        code="000.00.01.H38", name="Trung tâm Phục vụ HCC", level=Level.PROVINCE, parent=ubnd
    )
    User.objects.create(username="supervisor", email="sup@example.vn", agency=ubnd).groups.add(
        groups[Role.SUPERVISOR]
    )
    procedures = []
    for n in range(departments):
        dept = Agency.objects.create(
            code=f"000.00.{20 + n:02d}.H38", name=f"Sở {n}", level=Level.PROVINCE, parent=ubnd
        )
        officer = User.objects.create(
            username=f"officer{n}", email=f"officer{n}@example.vn", agency=dept
        )
        officer.groups.add(groups[Role.OFFICER])
        if n % 2:
            dept.head = User.objects.create(
                username=f"head{n}", email=f"head{n}@example.vn", agency=dept
            )
            dept.save()
        procedures.append(
            (
                Procedure.objects.create(
                    code=f"1.{n:06d}",
                    name=f"Thủ tục {n}",
                    level=Level.PROVINCE,
                    agency=dept,
                    processing_time_value=10,
                ),
                dept,
                officer,
            )
        )
    return centre, procedures


def bulk_cases(*, centre, procedures, open_cases, due, closed, now):
    """Rows straight from SQL: `due` cases whose due-soon threshold passed (appointment in
    an hour), the other open ones due in a month, and finished ones with no next alert."""
    from django.db import connection

    # Procedure, deciding agency and officer by department number g % departments.
    mapping = ", ".join(f"({i}, {p.pk}, {d.pk}, {o.pk})" for i, (p, d, o) in enumerate(procedures))
    sql = f"""
        WITH dept(n, procedure_id, agency_id, officer_id) AS (VALUES {mapping})
        INSERT INTO cases_case (
            code, reference, pin_hash, procedure_id, receiving_agency_id, deciding_agency_id,
            applicant_full_name, applicant_id_number, applicant_phone, applicant_email,
            applicant_address, applicant_notify_by, channel, return_channel, status, version,
            assigned_to_id, submitted_at, received_at, appointment_at, next_alert_at,
            alert_level, resolved_at, returned_at
        )
        SELECT 'B-' || g, 'R' || g, '', dept.procedure_id, %(centre)s, dept.agency_id,
            'Nguyễn Văn ' || g, lpad(g::text, 12, '0'), '0912345678', '', '', 'all',
            'counter', CASE WHEN g > %(open)s THEN 'counter' ELSE '' END,
            CASE WHEN g > %(open)s THEN 'returned' ELSE 'processing' END, 3,
            CASE WHEN g %% 2 = 0 THEN dept.officer_id END,
            %(now)s - interval '10 days', %(now)s - interval '10 days',
            CASE WHEN g <= %(due)s THEN %(now)s + interval '1 hour'
                 ELSE %(now)s + interval '30 days' + g * interval '1 second' END,
            CASE WHEN g > %(open)s THEN NULL
                 WHEN g <= %(due)s THEN %(now)s - (g %% 600) * interval '1 minute'
                 ELSE %(now)s + interval '28 days' + g * interval '1 second' END,
            0,
            CASE WHEN g > %(open)s THEN %(now)s - interval '2 days' END,
            CASE WHEN g > %(open)s THEN %(now)s - interval '1 day' END
        FROM generate_series(1, %(total)s) g
        JOIN dept ON dept.n = g %% {len(procedures)}
    """
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "centre": centre.pk,
                "open": open_cases,
                "due": due,
                "now": now,
                "total": open_cases + closed,
            },
        )
        cursor.execute("ANALYZE cases_case")


def round_trip_ms(n: int = 200) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        start = time.perf_counter()
        for _ in range(n):
            cursor.execute("SELECT 1")
        return (time.perf_counter() - start) / n * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--closed", type=int, default=200_000)
    args = parser.parse_args()

    fresh_database(DB_NAME)
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from notifications import services
    from notifications.models import DeadlineCrossing, Notification, StaffAlert
    from notifications.scan import sla_scan
    from onestop.celery import app as celery_app

    settings.SMS_BACKEND = f"{__name__}.NoopSms"
    now = timezone.now()
    centre, procedures = province()
    start = time.perf_counter()
    bulk_cases(
        centre=centre, procedures=procedures, open_cases=args.open, due=args.due,
        closed=args.closed, now=now,
    )  # fmt: skip
    print(
        f"{args.open:,} open cases ({args.due:,} due) and {args.closed:,} closed, "
        f"generated in {time.perf_counter() - start:.1f} s"
    )

    # 1. The pass that finds the due cases.
    rt = round_trip_ms()
    start = time.perf_counter()
    crossed = sla_scan(now=now)
    full = time.perf_counter() - start
    print(
        f"scan pass, {crossed:,} thresholds crossed: {full:.2f} s "
        f"(goal < 10 s; round trip {rt:.3f} ms, = {full * 1000 / rt:,.0f} round trips)"
    )
    print(
        f"  wrote {DeadlineCrossing.objects.count():,} crossings, "
        f"{StaffAlert.objects.count():,} staff alerts, "
        f"{Notification.objects.count():,} e-mails to the outbox"
    )
    assert crossed == args.due == DeadlineCrossing.objects.count()

    # 2. Passes with nothing due, interleaved with the round-trip baseline.
    later = now + timedelta(seconds=1)
    sla_scan(now=later)  # warm
    passes, trips = [], []
    for _ in range(20):
        trips.append(round_trip_ms(50))
        start = time.perf_counter()
        assert sla_scan(now=later) == 0
        passes.append((time.perf_counter() - start) * 1000)
    empty, rt = statistics.median(passes), statistics.median(trips)
    print(
        f"pass with nothing due: median {empty:.1f} ms, max {max(passes):.1f} ms "
        f"(goal < 50 ms; round trip {rt:.3f} ms, ratio {empty / rt:.0f})"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT id, next_alert_at FROM cases_case "
            "WHERE next_alert_at <= %s ORDER BY next_alert_at LIMIT 500 FOR UPDATE SKIP LOCKED",
            [later],
        )
        print("  EXPLAIN:\n    " + "\n    ".join(row[0] for row in cursor.fetchall()))

    # 3. Dispatch with no-op backends, in this one process (one worker).
    pending = Notification.objects.filter(sent_at=None).count()
    rt = round_trip_ms()
    start = time.perf_counter()
    sent = 0
    while (result := services.outbox_dispatch(limit=200)).claimed:
        sent += result.sent
    spent = time.perf_counter() - start
    print(
        f"dispatch: {sent:,} of {pending:,} sent in {spent:.2f} s = {sent / spent:,.0f}/s "
        f"(goal >= 1,000/s; round trip {rt:.3f} ms, {spent * 1000 / rt / max(sent, 1):.1f} "
        f"round trips a message)"
    )
    celery_app.control.purge()  # the on-commit tasks nobody will run
    print("uptime:", os.popen("uptime").read().strip())


if __name__ == "__main__":
    main()
