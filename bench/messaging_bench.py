"""Messaging benchmark: messages handed to a provider answering in 100 ms, per second, by one
dispatcher, against the same dispatcher sending e-mail to Django's console backend (the
issue's baseline) and to its memory backend (a stricter one).

Run by hand (PostgreSQL and Redis on 127.0.0.1, as for the tests):

    .venv/bin/python bench/messaging_bench.py [--messages 10000] [--rounds 2]
        [--concurrency 32,128] [--stream-seconds 20 --stream-rate 100]

It builds a scratch database `onestop_messaging_bench`, and starts the Zalo simulator in a
process of its own, answering every message after 100 ms (real HTTP on loopback, served
from an event loop: see SIMULATOR).
Then, in alternating rounds:

1. drain: `--messages` rows queued at once (Zalo-first applicants, distinct phones), sent by
   what the worker's `dispatch_outbox` task runs (`outbox_drain`: batches of 200, two under
   way at once, until the queue is empty), once per `MESSAGING_CONCURRENCY` given;
   baselines: as many e-mail rows through the same outbox to the console backend (each
   message written out whole, here to /dev/null), and to the locmem backend (kept in a
   list: no writing at all), in the same round.
2. stream: rows committed at `--stream-rate` per second for `--stream-seconds`, one
   dispatcher asking every 1.5 s when idle (the task's gathering delay); p50/p99 from a
   row's commit to the provider's acceptance (the attempt's end), Zalo and e-mail.

Prints `uptime` before and after. The dispatcher runs in this process, not under Celery:
one task drains a queue this size, so the per-task overhead is not in these figures.
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import fresh_database, uptime  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "onestop_messaging_bench")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/12")
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

# The providers' simulators answering every request after 100 ms, served from an event loop
# (aiohttp): the tests' threaded server (`notifications.simulators.serve`) spent 0.25 ms of
# CPU a message on this 2-core machine, beside the dispatcher it is measuring, and answered
# ever later as its threads waited for each other.
SIMULATOR = """
import asyncio, os, sys, django
sys.path.insert(0, {root!r})
django.setup()
from aiohttp import web
from notifications.simulators import Simulators
sims = Simulators()

async def answer(request):
    body = await request.read()
    await asyncio.sleep(0.1)
    headers = {{k.lower(): v for k, v in request.headers.items()}} | dict(request.headers)
    status, content_type, reply = sims.handle(request.path, headers, body)
    return web.Response(status=status, body=reply, headers={{"Content-Type": content_type}})

async def main():
    app = web.Application()
    app.router.add_post("/{{path:.*}}", answer)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=1024)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    print(f"http://127.0.0.1:{{port}}/", flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def setup():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from cases.models import Agency, Case, Procedure
    from notifications.models import ProviderTemplate

    agency = Agency.objects.create(code="000.00.20.H38", name="Sở Tư pháp", level="province")
    procedure = Procedure.objects.create(
        code="2.000488",
        name="Cấp Phiếu lý lịch tư pháp",
        level="province",
        agency=agency,
        processing_time_value=3,
    )
    ProviderTemplate.objects.create(
        provider="zns", action="accept", language="vi", template_id="301001",
        params=[{"name": "ma_ho_so", "source": "code", "max_length": 30},
                {"name": "ngay_hen", "source": "appointment", "max_length": 20}],
    )  # fmt: skip
    return Case.objects.create(
        reference="HSBENCH", procedure=procedure, receiving_agency=agency,
        deciding_agency=agency, applicant_full_name="Bench", applicant_id_number="0" * 12,
    )  # fmt: skip


def phone(i: int) -> str:
    # Distinct, and none ending in 000-003 (the simulators' unreachable people).
    return f"849{1_000_000 + i * 7 // 5 * 10 + 5:08d}"


def queue(case, channel: str, count: int, start: int):
    from django.utils import timezone

    from notifications.models import Notification

    now = timezone.now()
    rows = []
    for i in range(start, start + count):
        zalo = channel == "zalo"
        rows.append(
            Notification(
                case=case,
                kind="accept",
                channel=channel,
                recipient=phone(i) if zalo else f"c{i}@example.vn",
                subject="" if zalo else "Hồ sơ đã được tiếp nhận",
                body="" if zalo else "Hồ sơ của bạn đã được tiếp nhận.",
                channels=[channel],
                language="vi",
                created_at=now,
                next_attempt_at=now,
                params={
                    "code": f"000.00.20.H38-261127-{i:05d}",
                    "appointment": now.isoformat(),
                    "phone": phone(i),
                },
            )  # fmt: skip
        )
    Notification.objects.bulk_create(rows, batch_size=2000)


def drain() -> int:
    from notifications.services import outbox_drain

    return outbox_drain(seconds=3600)


EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}


def drain_round(case, channel, count, start, concurrency, backend="locmem") -> float:
    from django.conf import settings
    from django.core import mail

    settings.MESSAGING_CONCURRENCY = concurrency
    settings.EMAIL_BACKEND = EMAIL_BACKENDS[backend]
    queue(case, channel, count, start)
    began = time.perf_counter()
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        sent = drain()  # the console backend writes to stdout when it is made
    elapsed = time.perf_counter() - began
    mail.outbox = []
    assert sent == count, (sent, count)
    return count / elapsed


def stream(case, channel, rate, seconds, start) -> list[float]:
    """Rows committed at `rate`/s; one dispatcher; seconds from commit to acceptance."""
    from django.db import connection

    from notifications.models import DeliveryAttempt, Notification
    from notifications.services import DISPATCH_GATHER_SECONDS

    stop = threading.Event()

    def dispatcher():
        try:
            while not (stop.is_set() and not Notification.objects.filter(sent_at=None).exists()):
                if not drain():
                    time.sleep(DISPATCH_GATHER_SECONDS + 0.5)  # the task's countdown
        finally:
            connection.close()

    thread = threading.Thread(target=dispatcher)
    thread.start()
    per_tick = max(1, rate // 10)  # ten commits a second
    written, began = 0, time.perf_counter()
    while time.perf_counter() - began < seconds:
        queue(case, channel, per_tick, start + written)
        written += per_tick
        time.sleep(max(0.0, began + written / rate - time.perf_counter()))
    stop.set()
    thread.join()
    attempts = DeliveryAttempt.objects.filter(
        channel=channel, outcome="delivered", notification__id__gte=0
    ).select_related("notification")
    return [
        (a.finished_at - a.notification.created_at).total_seconds()
        for a in attempts.filter(notification__recipient__in=[
            phone(i) if channel == "zalo" else f"c{i}@example.vn"
            for i in range(start, start + written)
        ])
    ]  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", default="32,128")
    parser.add_argument("--stream-seconds", type=int, default=20)
    parser.add_argument("--stream-rate", type=int, default=100)
    args = parser.parse_args()
    print("uptime before:", uptime())
    fresh_database(DB_NAME)
    simulator = subprocess.Popen(
        [sys.executable, "-c", SIMULATOR.format(root=str(ROOT))],
        stdout=subprocess.PIPE, text=True, cwd=ROOT, env=os.environ,
    )  # fmt: skip
    try:
        url = simulator.stdout.readline().strip()
        os.environ.update(
            ZALO_APP_ID="bench", ZALO_API_URL=url + "zalo/", ZALO_OAUTH_URL=url + "zalo/oauth/",
            ZALO_REFRESH_TOKEN="simulator",
        )  # fmt: skip
        case = setup()
        levels = [int(c) for c in args.concurrency.split(",")]
        emails = [("email", backend) for backend in EMAIL_BACKENDS]
        start, figures = 0, {key: [] for key in [*emails, *(("zalo", c) for c in levels)]}
        for number in range(args.rounds):
            for channel, how in figures:
                if channel == "email":
                    rate = drain_round(case, channel, args.messages, start, 32, backend=how)
                    label = f"e-mail ({how})"
                else:
                    rate = drain_round(case, channel, args.messages, start, how)
                    label = f"zalo (100 ms, {how} at once)"
                start += args.messages
                figures[(channel, how)].append(rate)
                print(f"round {number + 1}: {label}: {rate:,.0f} messages/s", flush=True)
        baselines = {how: statistics.median(figures[("email", how)]) for how in EMAIL_BACKENDS}
        print(f"drain of {args.messages:,} queued, median of {args.rounds} rounds:")
        for how, rate in baselines.items():
            print(f"  e-mail, {how} backend: {rate:,.0f}/s")
        for concurrency in levels:
            rate = statistics.median(figures[("zalo", concurrency)])
            shares = ", ".join(f"{rate / base:.0%} of {how}" for how, base in baselines.items())
            print(f"  zalo, {concurrency} at once: {rate:,.0f}/s = {shares}")
        from django.conf import settings

        settings.MESSAGING_CONCURRENCY = max(levels)
        for channel in ("email", "zalo"):
            latencies = sorted(stream(case, channel, args.stream_rate, args.stream_seconds, start))
            start += args.stream_rate * (args.stream_seconds + 1)
            p50 = statistics.median(latencies)
            p99 = latencies[int(len(latencies) * 0.99) - 1]
            print(
                f"stream {args.stream_rate}/s for {args.stream_seconds} s, {channel}: "
                f"{len(latencies)} messages, commit → accepted p50 {p50:.2f} s, p99 {p99:.2f} s",
                flush=True,
            )
    finally:
        simulator.terminate()
        print("uptime after:", uptime())


if __name__ == "__main__":
    main()
