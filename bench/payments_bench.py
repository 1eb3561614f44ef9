"""Payments benchmark: callbacks accepted per second at the endpoint, applied per second.

Run by hand (PostgreSQL and Redis on 127.0.0.1, as for the tests):

    .venv/bin/python bench/payments_bench.py [--payments 1500] [--clients 8] [--port 8140]

It builds a scratch database `onestop_payments_bench` with that many cases waiting for an
upfront fee, each with a pending online request, and one genuine signed callback per
request plus 20% duplicates, shuffled. Then:

1. accepted/s: gunicorn (2 workers) takes every callback at POST /api/v1/payments/callback/
   paygov/ from keep-alive clients, no Celery worker running (the inbox fills, and the
   drain tasks asked for, one per burst, queue up); baseline: GET /api/v1/agencies/ on
   the same server, rounds interleaved.
2. applied/s: one Celery worker (solo pool) runs the queued drain tasks, which apply the
   inbox in batches (PAYMENT_CALLBACK_BATCH), from its first task to the last row
   processed; baseline: the same worker draining as many tasks as there are callbacks,
   tasks that do nothing (a notification already sent), before and after.
3. checks: every request paid once, one receipt and one payment-confirmed event each,
   every inbox row processed; prints `uptime` before and after.
"""

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import fresh_database, uptime, wait_for_server  # noqa: E402

# A scratch database of its own (BENCH_DB_NAME: another name for a run beside others).
DB_NAME = os.environ.get("BENCH_DB_NAME", "onestop_payments_bench")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
os.environ["PAYGOV_SIMULATOR"] = "true"
# Every callback of the run comes from one client (127.0.0.1), as from the gateway; its
# limit is raised so that none answers 429.
os.environ["PAYGOV_CALLBACK_RATE"] = "100000000/minute"
os.environ.setdefault("PAYGOV_SECRET", "onestop-bench-paygov-secret")
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")  # DEBUG is off, as in production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

CALLBACK = "/api/v1/payments/callback/paygov/"
DUPLICATES = 0.2


def build(payments_count: int) -> list[dict]:
    """Cases awaiting their fee, a pending request each; the platform's callbacks."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command

    from cases import services
    from cases.models import Agency, CollectionMode, FeeItem, Level, Procedure, Role, User
    from payments import services as payments
    from payments import simulator

    # The simulator with DEBUG off, which the start-up checks refuse outside a bench.
    call_command("migrate", verbosity=0, skip_checks=True)
    ubnd = Agency.objects.create(code="000.00.00.H38", name="UBND tỉnh", level=Level.PROVINCE)
    centre = Agency.objects.create(
        code="000.00.01.H38", name="Trung tâm Phục vụ HCC", level=Level.PROVINCE, parent=ubnd
    )
    skhdt = Agency.objects.create(
        code="000.00.22.H38", name="Sở Tài chính", level=Level.PROVINCE, parent=ubnd
    )
    procedure = Procedure.objects.create(
        code="2.001610",
        name="Đăng ký thành lập doanh nghiệp tư nhân",
        level=Level.PROVINCE,
        agency=skhdt,
        processing_time_value=3,
        collection=CollectionMode.UPFRONT,
    )
    FeeItem.objects.create(
        procedure=procedure, code="LP-DKDN", name="Lệ phí đăng ký doanh nghiệp",
        kind=FeeItem.Kind.CHARGE, amount=50_000,
    )  # fmt: skip
    clerk = User.objects.create_user("counter", password="bench", agency=centre)
    clerk.groups.add(Group.objects.create(name=Role.COUNTER_STAFF))
    applicant = {"full_name": "Lò Thị Mai", "id_number": "010190001234", "email": "mai@example.vn"}

    callbacks = []
    for _ in range(payments_count):
        case = services.case_file(
            procedure=procedure, applicant=applicant, channel="counter", by=clerk
        )
        payment = payments.payment_request_create(case=case, method="online")
        data = {"reference": payment.reference, "amount": payment.amount, "info": "bench"}
        callbacks += simulator.callbacks({**data, "currency": "VND"}, "success")
    rng = random.Random(7)
    callbacks += rng.sample(callbacks, round(len(callbacks) * DUPLICATES))
    rng.shuffle(callbacks)
    return callbacks


def post_all(port: int, bodies: list[bytes], clients: int, method="POST", path=CALLBACK):
    """Send every body once, spread over keep-alive clients; (count, seconds, errors)."""
    errors: list[int] = []
    lock = threading.Lock()
    chunks = [bodies[i::clients] for i in range(clients)]

    def client(chunk):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"}
        for body in chunk:
            conn.request(method, path, body=body if method == "POST" else None, headers=headers)
            answer = conn.getresponse()
            reply = answer.read()
            ok = answer.status == 200 and (method != "POST" or json.loads(reply)["MaLoi"] == "00")
            if not ok:
                with lock:
                    errors.append(answer.status)

    threads = [threading.Thread(target=client, args=(chunk,)) for chunk in chunks]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(bodies), time.perf_counter() - started, errors


def accepted_per_second(args, callbacks) -> None:
    env = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "onestop.wsgi:application", "-w", "2",
         "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    bodies = [json.dumps(c).encode() for c in callbacks]
    rounds = 3
    try:
        wait_for_server(args.port)
        post_all(args.port, [b""] * 100, args.clients, method="GET", path="/api/v1/agencies/")
        base, took = [], []
        for r in range(rounds):  # interleaved: baseline, callbacks, baseline, callbacks...
            n, s, e = post_all(
                args.port, [b""] * (len(bodies) // rounds), args.clients, "GET", "/api/v1/agencies/"
            )
            base.append((n, s, len(e)))
            n, s, e = post_all(args.port, bodies[r::rounds], args.clients)
            took.append((n, s, len(e)))
    finally:
        server.terminate()
        server.wait()
    base_rate = sum(n for n, _, _ in base) / sum(s for _, s, _ in base)
    rate = sum(n for n, _, _ in took) / sum(s for _, s, _ in took)
    print(
        f"ACCEPTED gunicorn -w 2, {args.clients} clients: {len(bodies)} callbacks "
        f"({DUPLICATES:.0%} duplicates) at {rate:.0f}/s; errors {sum(e for *_, e in took)}"
    )
    print(
        f"  baseline GET /api/v1/agencies/ interleaved: {base_rate:.0f}/s; "
        f"ratio callbacks/baseline {rate / base_rate:.2f}"
    )


def queue_length(client) -> int:
    return client.llen("celery")


def drain(client, what: str, done=None) -> float:
    """Seconds one worker takes from its first task until `done()` (by default: the queue
    is empty); the worker is started here, stopped after."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "onestop", "worker", "--pool", "solo",
         "-l", "warning", "-n", f"bench-{os.getpid()}@%h", "--without-mingle",
         "--without-gossip"],
        cwd=ROOT, env={**os.environ, "LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    done = done or (lambda: not queue_length(client))
    try:
        start_len = queue_length(client)
        while queue_length(client) == start_len:  # started once it takes the first task
            time.sleep(0.01)
        started = time.perf_counter()
        while not done():
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait()
    return elapsed


def applied_per_second(callbacks: int) -> None:
    import redis
    from django.db import connection

    from notifications.models import Notification
    from notifications.tasks import dispatch_outbox
    from payments.models import GatewayCallback

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    # The baseline task claims nothing: every notification is already sent.
    Notification.objects.update(sent_at=Notification.objects.first().created_at)
    queued = queue_length(client)
    print(
        f"APPLIED one worker (solo pool): {callbacks} callbacks in the inbox, "
        f"{queued} drain tasks queued for them"
    )

    def noop_rate() -> float:
        for _ in range(callbacks):
            dispatch_outbox.delay()
        seconds = drain(client, "no-op tasks")
        print(f"  baseline: drained {callbacks} no-op tasks in {seconds:.2f} s")
        return callbacks / seconds

    def all_processed() -> bool:
        return not GatewayCallback.objects.filter(processed_at=None).exists()

    stash = "bench-callbacks"
    client.rename("celery", stash)  # set the drain tasks aside while the baseline runs
    base_before = noop_rate()
    client.rename(stash, "celery")
    started = time.perf_counter()
    seconds = drain(client, "callbacks", done=all_processed)
    rate = callbacks / seconds
    print(f"  applied {callbacks} callbacks in {seconds:.2f} s")
    connection.close()
    left = GatewayCallback.objects.filter(processed_at=None).count()
    client.delete("celery")  # drain tasks asked for meanwhile, with nothing left to do
    base_after = noop_rate()
    base = (base_before + base_after) / 2
    print(
        f"  applied {rate:.0f}/s; baseline no-op tasks {base:.0f}/s "
        f"(before {base_before:.0f}, after {base_after:.0f}); ratio {rate / base:.2f}; "
        f"unprocessed left {left}; wall {time.perf_counter() - started:.1f} s"
    )


def check(expected: int) -> None:
    from django.db.models import Count

    from cases.models import CaseEvent
    from payments.models import GatewayCallback, PaymentRequest, Receipt

    paid = PaymentRequest.objects.filter(state="paid").count()
    receipts = Receipt.objects.count()
    confirmed = CaseEvent.objects.filter(action="payment-confirmed")
    twice = confirmed.values("case").annotate(n=Count("id")).filter(n__gt=1).count()
    outcomes = dict(
        GatewayCallback.objects.values_list("outcome").annotate(n=Count("id")).order_by()
    )
    print(
        f"CHECK {expected} requests: paid {paid}, receipts {receipts}, "
        f"payment-confirmed events {confirmed.count()}, cases confirmed twice {twice}; "
        f"inbox {outcomes}"
    )
    if not (paid == receipts == confirmed.count() == expected and twice == 0):
        raise SystemExit("double-applied or missing payments")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--payments", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8140)
    args = parser.parse_args()
    print("uptime before:", uptime())

    fresh_database(DB_NAME)
    import django

    django.setup()
    import redis
    from django.db import connection

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("celery")
    started = time.perf_counter()
    callbacks = build(args.payments)
    connection.close()
    print(f"built {args.payments} pending requests in {time.perf_counter() - started:.1f} s")
    redis.Redis.from_url(os.environ["REDIS_URL"]).delete("celery")  # the build's own tasks

    accepted_per_second(args, callbacks)
    applied_per_second(len(callbacks))
    check(args.payments)
    print("uptime after:", uptime())


if __name__ == "__main__":
    main()
