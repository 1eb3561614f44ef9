"""National portal sync benchmark: messages delivered per second by one worker, in order per
case, against the same worker sending them with no order; and the time from a step's commit
to its delivery under a counter's filing load.

Run by hand (PostgreSQL and Redis on 127.0.0.1, as for the tests):

    .venv/bin/python bench/dvcqg_bench.py [--cases 10000] [--per-case 10] [--delay-ms 50]
        [--rounds 2] [--concurrency 16] [--port 8223] [--filings-per-second 5]

It builds a scratch database `onestop_dvcqg_bench`: `--cases` cases filed at the counter
through `case_file` (each writes its record and two progress rows), then copies of those rows
up to `--per-case` messages a case, each marked with its id (`seq`) so the simulator's
record shows the order they came in. The portal is the simulator served over HTTP by
gunicorn (2 workers, 16 threads each) on `--port`, answering each request after
`--delay-ms`; `DVCQG_URL` points at it.

1. Throughput: the cases are cut into 2 × `--rounds` slices, sent in turn by the ordered
   dispatcher (`dvcqg.dispatch.dispatch`, what the Celery task runs) and by a baseline that
   sends the same kind of messages with no order (the oldest rows leased a batch at a time,
   each sent alone on the same thread pool, recorded a batch at a time, marked sent whatever
   the answer: the portal then refuses some progress rows that come before their case; one
   request each either way). One process
   each time, as one solo Celery worker; slices interleaved. Then every ordered case is
   checked: each of its messages received once, in id order.
2. Latency: a real Celery worker (solo pool) with the sync's after-commit asks, while this
   process files `--filings-per-second` cases at the counter (three messages each) for
   `--latency-seconds`; the time from each message's writing to its acknowledgement.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import fresh_database, uptime  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "onestop_dvcqg_bench")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
# A Redis database of its own: its Celery queue is emptied for the latency run.
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/10")
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

FAR = "9999-01-01T00:00:00+00:00"  # when a message outside the round's slice is due


def portal_env(args) -> dict:
    base = f"http://127.0.0.1:{args.port}/dvcqg/simulator"
    return {
        "DVCQG_URL": f"{base}/api/",
        "DVCQG_AUTH_URL": f"{base}/auth/",
        "DVCQG_SIMULATOR": "true",
        "DVCQG_CONCURRENCY": str(args.concurrency),
    }


# --- building ---------------------------------------------------------------------------------


def staff_and_procedure():
    from django.contrib.auth.models import Group

    from cases.models import Agency, Level, Procedure, Role, User

    ubnd, _ = Agency.objects.get_or_create(
        code="000.00.00.H38", defaults={"name": "UBND tỉnh Lào Cai", "level": Level.PROVINCE}
    )
    centre, _ = Agency.objects.get_or_create(
        code="000.00.01.H38",
        defaults={"name": "Trung tâm Phục vụ HCC", "level": Level.PROVINCE, "parent": ubnd},
    )
    justice, _ = Agency.objects.get_or_create(
        code="000.00.20.H38",
        defaults={"name": "Sở Tư pháp", "level": Level.PROVINCE, "parent": ubnd},
    )
    procedure, _ = Procedure.objects.get_or_create(
        code="2.000488",
        defaults={
            "name": "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
            "level": Level.PROVINCE,
            "agency": justice,
            "processing_time_value": 3,
        },
    )
    clerk = User.objects.filter(username="counter").first()
    if clerk is None:
        clerk = User.objects.create_user("counter", password="bench", agency=centre)
        clerk.groups.add(Group.objects.get_or_create(name=Role.COUNTER_STAFF)[0])
    return clerk, procedure


APPLICANT = {
    "full_name": "Lò Thị Mai",
    "id_number": "010190001234",
    "phone": "0912345678",
    "notify_by": "none",
}


def build(args) -> None:
    from django.core.management import call_command
    from django.db import connection

    from cases import services

    call_command("migrate", verbosity=0)
    clerk, procedure = staff_and_procedure()
    started = time.perf_counter()
    for _ in range(args.cases):
        services.case_file(procedure=procedure, applicant=APPLICANT, channel="counter", by=clerk)
    filed = time.perf_counter() - started
    extra = args.per_case - 3
    with connection.cursor() as cursor:
        # Copies of each case's record and progress rows, alternating, after its own three.
        cursor.execute(
            """
            INSERT INTO dvcqg_message (case_id, service, payload, created_at, next_attempt_at,
                                       attempts, last_error)
            SELECT m.case_id, m.service, m.payload, m.created_at, m.next_attempt_at, 0, ''
            FROM generate_series(1, %s) AS n
            JOIN LATERAL (
                SELECT DISTINCT ON (case_id) * FROM dvcqg_message
                WHERE service = CASE WHEN n %% 2 = 1 THEN 'DongBoHoSoMC'
                                     ELSE 'CapNhatTienDoHoSoMC' END
                ORDER BY case_id, id
            ) m ON true
            ORDER BY n, m.case_id
            """,
            [extra],
        )
        cursor.execute(
            "UPDATE dvcqg_message SET payload = payload || jsonb_build_object('seq', id)"
        )
        cursor.execute("ANALYZE dvcqg_message")
    connection.close()
    print(
        f"built {args.cases} cases through case_file in {filed:.0f} s, "
        f"{args.cases * args.per_case} messages"
    )


# --- sending ------------------------------------------------------------------------------------


def run_ordered() -> int:
    from dvcqg import dispatch

    return dispatch.dispatch(seconds=24 * 3600).sent


def run_unordered() -> int:
    """The baseline: the same client and thread pool, each message on its own, no order."""
    from concurrent.futures import FIRST_COMPLETED, wait

    from django.conf import settings
    from django.db import transaction
    from django.utils import timezone

    from dvcqg import client
    from dvcqg.models import Message, Service

    def send(message):
        fields = {"data": [message.payload]}
        if message.service == Service.CASE:
            fields["isUpdating"] = "True"
        client.call(message.service, **fields)
        return message.pk, timezone.now()

    def claim(limit):
        with transaction.atomic():
            rows = list(
                Message.objects.select_for_update(skip_locked=True)
                .filter(sent_at=None, parked_at=None, next_attempt_at__lte=timezone.now())
                .order_by("next_attempt_at", "id")[:limit]
            )
            Message.objects.filter(pk__in=[m.pk for m in rows]).update(
                next_attempt_at=timezone.now() + timedelta(seconds=120)
            )
        return rows

    threads, sent = settings.DVCQG_CONCURRENCY, 0
    with ThreadPoolExecutor(threads) as pool:
        running = set()
        while True:
            room = 4 * threads - len(running)
            if room >= threads or not running:
                running |= {pool.submit(send, m) for m in claim(room)}
            if not running:
                return sent
            done, running = wait(running, return_when=FIRST_COMPLETED)
            # Recorded together, as the ordered dispatcher records what it sent.
            Message.objects.filter(pk__in=[f.result()[0] for f in done]).update(
                sent_at=timezone.now(), attempts=1
            )
            sent += len(done)


def child(mode: str) -> None:
    import django

    django.setup()
    started = time.perf_counter()
    sent = run_ordered() if mode == "ordered" else run_unordered()
    print(f"{sent} {time.perf_counter() - started:.3f}")


def send_slice(args, mode: str, case_ids: tuple[int, int]) -> tuple[int, float]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("UPDATE dvcqg_message SET next_attempt_at = %s", [FAR])
        cursor.execute(
            "UPDATE dvcqg_message SET next_attempt_at = now() WHERE case_id BETWEEN %s AND %s",
            list(case_ids),
        )
    connection.close()
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode],
        cwd=ROOT, env={**os.environ, **portal_env(args)}, capture_output=True, text=True,
        check=True,
    )  # fmt: skip
    sent, seconds = out.stdout.split()[-2:]
    return int(sent), float(seconds)


def throughput(args) -> None:
    from cases.models import Case

    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    size = len(ids) // (2 * args.rounds)
    slices = [(ids[i * size], ids[(i + 1) * size - 1]) for i in range(2 * args.rounds)]
    results = {"ordered": [], "unordered": []}
    for n, case_ids in enumerate(slices):
        mode = "ordered" if n % 2 == 0 else "unordered"
        sent, seconds = send_slice(args, mode, case_ids)
        results[mode].append((sent, seconds))
        rate = sent / seconds
        print(f"  round {n // 2 + 1} {mode:9}: {sent} messages in {seconds:.1f} s = {rate:.0f}/s")
    rate = {m: sum(s for s, _ in r) / sum(t for _, t in r) for m, r in results.items()}
    print(
        f"THROUGHPUT one process, {args.concurrency} threads, portal {args.delay_ms} ms: "
        f"in order per case {rate['ordered']:.0f}/s, no order (baseline) "
        f"{rate['unordered']:.0f}/s: {rate['ordered'] / rate['unordered']:.0%} (target >= 70%)"
    )
    check_order(slices)


def check_order(slices) -> None:
    from django.db import connection

    ordered = [s for n, s in enumerate(slices) if n % 2 == 0]
    unordered = [s for n, s in enumerate(slices) if n % 2 == 1]

    def cases_out_of_order(ranges) -> tuple[int, int, int]:
        where = " OR ".join("c.id BETWEEN %s AND %s" for _ in ranges)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                WITH got AS (
                    SELECT r.ma_ho_so, array_agg((r.data->>'seq')::bigint ORDER BY r.id) AS seqs
                    FROM dvcqg_simulatorrecord r WHERE r.data ? 'seq' GROUP BY r.ma_ho_so
                ), sent AS (
                    SELECT c.code, array_agg(m.id ORDER BY m.id) AS ids
                    FROM dvcqg_message m JOIN cases_case c ON c.id = m.case_id
                    WHERE {where} GROUP BY c.code
                )
                SELECT count(*), count(*) FILTER (WHERE got.seqs IS DISTINCT FROM sent.ids),
                       count(*) FILTER (WHERE got.seqs IS NULL
                                        OR cardinality(got.seqs) <> cardinality(sent.ids))
                FROM sent LEFT JOIN got ON got.ma_ho_so = sent.code
                """,
                [bound for r in ranges for bound in r],
            )
            return cursor.fetchone()

    cases, wrong, short = cases_out_of_order(ordered)
    print(
        f"CHECK in order per case: {cases} cases, {wrong} not received exactly once in id "
        f"order ({short} with a message missing or twice)"
    )
    if wrong:
        raise SystemExit("a case's messages were lost, repeated or out of order")
    cases, wrong, _ = cases_out_of_order(unordered)
    print(f"  the baseline's {cases} cases: {wrong} not in id order (no order kept)")


# --- latency ------------------------------------------------------------------------------------


def latency(args) -> None:
    import redis
    from django.db import connection

    from cases import services
    from dvcqg.models import Message

    clerk, procedure = staff_and_procedure()
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("celery")
    first = Message.objects.order_by("-id").values_list("id", flat=True).first() or 0
    connection.close()
    log = open("/tmp/dvcqg-bench-worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "onestop", "worker", "--pool", "solo",
         "-l", "warning", "-n", f"dvcqg-bench-{os.getpid()}@%h", "--without-mingle",
         "--without-gossip"],
        cwd=ROOT, env={**os.environ, **portal_env(args)}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        time.sleep(5)
        interval, filed = 1 / args.filings_per_second, 0
        started = time.monotonic()
        while time.monotonic() - started < args.latency_seconds:
            services.case_file(
                procedure=procedure, applicant=APPLICANT, channel="counter", by=clerk
            )
            filed += 1
            time.sleep(max(0.0, started + filed * interval - time.monotonic()))
        pending = Message.objects.filter(pk__gt=first, sent_at=None)
        deadline = time.monotonic() + 120
        while pending.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        worker.terminate()
        worker.wait()
    waits = sorted(
        (m.sent_at - m.created_at).total_seconds()
        for m in Message.objects.filter(pk__gt=first).exclude(sent_at=None)
    )
    late = Message.objects.filter(pk__gt=first, sent_at=None).count()
    print(
        f"LATENCY {filed} filings at {args.filings_per_second}/s for {args.latency_seconds} s "
        f"({len(waits)} messages), one solo worker: from writing to acknowledgement "
        f"p50 {statistics.median(waits):.2f} s, p99 {waits[int(len(waits) * 0.99) - 1]:.2f} s, "
        f"max {waits[-1]:.2f} s (target p99 <= 5 s); undelivered after 2 min: {late}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--per-case", type=int, default=10)
    parser.add_argument("--delay-ms", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--port", type=int, default=8223)
    parser.add_argument("--filings-per-second", type=float, default=5)
    parser.add_argument("--latency-seconds", type=int, default=60)
    parser.add_argument("--child", choices=["ordered", "unordered"])
    args = parser.parse_args()
    if args.child:
        return child(args.child)
    print("uptime before:", uptime())
    fresh_database(DB_NAME)
    import django

    django.setup()
    from dvcqg import simulator

    build(args)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "onestop.wsgi:application", "-k", "gthread",
         "-w", "2", "--threads", "16", "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env={**os.environ, **portal_env(args), "DEBUG": "false"},
    )  # fmt: skip
    try:
        time.sleep(3)
        simulator.set_control(**{**simulator.DEFAULT_CONTROL, "delay_ms": args.delay_ms})
        throughput(args)
        latency(args)
    finally:
        server.terminate()
        server.wait()
    print("uptime after:", uptime())


if __name__ == "__main__":
    main()
