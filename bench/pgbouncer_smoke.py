"""Smoke test through PgBouncer: Onestop served by gunicorn (4 workers) and one Celery
worker, both reaching PostgreSQL only through PgBouncer in transaction mode.

    .venv/bin/python bench/pgbouncer_smoke.py [--port 8160] [--filings 200]

Builds a scratch database `onestop_pgbouncer_smoke` (BENCH_DB_NAME: another name) with the
demo province, starts Debian's `pgbouncer` (bench/pgbouncer.py), then over HTTP: a clerk
files a case, the public looks it up, the case goes through its steps to its return, the
KPI report and throughput answer; 8 clients file `--filings` cases at once (every one 201,
no case code twice); a citizen pays an upfront fee and the gateway's callbacks (with a
duplicate) are applied once by the worker's drain. Exits non-zero at the first failure.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scratch import fresh_database, uptime, wait_for_server  # noqa: E402 (the project's root first on the path)
from tests.pgbouncer import PgBouncer  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB_NAME", "onestop_pgbouncer_smoke")
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")
os.environ["PAYGOV_SIMULATOR"] = "true"
# DEBUG is off, as in production: no published secret is a default (nor passphrase).
os.environ.setdefault("PAYGOV_SECRET", "onestop-bench-paygov-secret")
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")
# A dev PKI of its own (load_demo writes it), for the signing step: the work tree's may have
# been made by other runs with another passphrase.
os.environ["SIGNING_PKI_DIR"] = tempfile.mkdtemp(prefix="onestop-smoke-pki-")
os.environ.setdefault("SIGNING_PKCS12_PASSPHRASE", "onestop-bench-pki")  # none by default
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

APPLICANT = {
    "full_name": "Lò Thị Mai",
    "id_number": "010190001234",
    "phone": "0912345678",
    "address": "Xã Gia Phú, huyện Bảo Thắng, Lào Cai",
}


def province() -> dict:
    """The demo province (written directly); tokens of its people, what to file."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from cases.models import CollectionMode, FeeItem, Procedure, User

    call_command("migrate", verbosity=0)
    call_command("load_demo", force=True, verbosity=0, stdout=open(os.devnull, "w"))
    call_command("make_dev_pki", stdout=open(os.devnull, "w"))
    tokens = {
        name: Token.objects.get_or_create(user=User.objects.get(username=name))[0].key
        for name in ("counter", "officer", "signer", "supervisor")
    }
    officer = User.objects.get(username="officer")
    plain = (
        Procedure.objects.filter(agency=officer.agency, is_active=True)
        .exclude(collection=CollectionMode.UPFRONT)
        .exclude(pk__in=FeeItem.objects.values("procedure"))
        .first()
    )
    upfront = Procedure.objects.filter(
        is_active=True, collection=CollectionMode.UPFRONT, pays_online=True
    ).first()
    connection.close()
    return {"tokens": tokens, "plain": plain.code, "upfront": upfront and upfront.code}


class Client:
    def __init__(self, port: int, token: str | None = None):
        import http.client

        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.token = token

    def call(self, method: str, path: str, body=None, expect=200) -> dict:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        self.conn.request(method, path, body=json.dumps(body) if body else None, headers=headers)
        answer = self.conn.getresponse()
        text = answer.read()
        if answer.status != expect:
            raise SystemExit(f"FAIL {method} {path}: {answer.status} {text[:400]!r}")
        return json.loads(text) if text else {}


def file_case(client: Client, procedure: str) -> dict:
    body = {"procedure": procedure, "applicant": APPLICANT, "channel": "counter"}
    return client.call("POST", "/api/v1/cases/", body, expect=201)


def lifecycle(port: int, data: dict) -> None:
    tokens = data["tokens"]
    counter, officer, signer = (Client(port, tokens[n]) for n in ("counter", "officer", "signer"))
    case = file_case(counter, data["plain"])
    code = case["code"]
    public = Client(port).call("GET", f"/api/v1/public/cases/{code}/?pin={case['pin']}")
    assert public["status"] == "received", public
    steps = [
        (counter, "assign", {"officer": "officer"}),
        (officer, "submit-result", {}),
        (signer, "sign", {}),
        (counter, "return", {"channel": "counter", "recipient": APPLICANT["full_name"]}),
    ]
    for client, action, body in steps:
        client.call("POST", f"/api/v1/cases/{code}/actions/{action}/", body)
    final = counter.call("GET", f"/api/v1/cases/{code}/")
    assert final["status"] == "returned", final["status"]
    supervisor = Client(port, tokens["supervisor"])
    kpis = supervisor.call("GET", "/api/v1/reports/kpis/")
    assert "on_time" in {item["id"] for item in kpis}, kpis
    supervisor.call("GET", "/api/v1/reports/throughput/")
    print(
        f"OK lifecycle: case {code} filed, looked up, assigned, submitted, signed, returned; "
        f"the KPI report ({len(kpis)} indicators) and throughput answered"
    )


def filings_at_once(port: int, data: dict, count: int, clients: int = 8) -> None:
    codes, errors = [], []
    lock = threading.Lock()

    def work(n):
        client = Client(port, data["tokens"]["counter"])
        for _ in range(n):
            try:
                code = file_case(client, data["plain"])["code"]
                with lock:
                    codes.append(code)
            except SystemExit as exc:
                with lock:
                    errors.append(str(exc))

    started = time.perf_counter()
    threads = [threading.Thread(target=work, args=(count // clients,)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - started
    if errors or len(set(codes)) != len(codes):
        twice = len(codes) - len(set(codes))
        raise SystemExit(f"FAIL filings at once: {errors[:3]}; codes given twice {twice}")
    print(f"OK {len(codes)} filings from {clients} clients at once in {took:.1f} s, codes unique")


def paid_once(port: int, data: dict, bouncer: PgBouncer) -> None:
    """An upfront fee paid online; its callbacks (and a duplicate) applied by the worker."""
    if not data["upfront"]:
        print("SKIP payment: the demo has no upfront fee paid online")
        return
    from cases.models import Case
    from payments import simulator
    from payments.services import payment_request_create

    counter = Client(port, data["tokens"]["counter"])
    case = Case.objects.get(code=file_case(counter, data["upfront"])["code"])
    request = payment_request_create(case=case, method="online")  # the citizen's, on the portal
    paid = {"reference": request.reference, "amount": request.amount, "currency": "VND"}
    bodies = simulator.callbacks({**paid, "info": "smoke"}, "success")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "onestop", "worker", "--pool", "solo",
         "-l", "warning", "-n", f"smoke-{os.getpid()}@%h", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env={**os.environ, **bouncer.client_env(DB_NAME), "LOG_LEVEL": "WARNING"},
    )  # fmt: skip
    try:
        gateway = Client(port)
        for body in [*bodies, bodies[0]]:
            gateway.call("POST", "/api/v1/payments/callback/paygov/", body)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            request.refresh_from_db()
            if request.state == "paid":
                break
            time.sleep(0.3)
        time.sleep(2)  # a second drain, if any, has nothing left to do
    finally:
        worker.terminate()
        worker.wait()
    from cases.models import CaseEvent

    confirmed = CaseEvent.objects.filter(case_id=request.case_id, action="payment-confirmed")
    if request.state != "paid" or confirmed.count() != 1:
        raise SystemExit(f"FAIL payment: {request.state}, confirmed {confirmed.count()} times")
    print("OK upfront fee paid online: callbacks and a duplicate applied once by the worker")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8160)
    parser.add_argument("--filings", type=int, default=200)
    args = parser.parse_args()
    print("uptime before:", uptime())
    fresh_database(DB_NAME)
    data = province()
    with PgBouncer() as bouncer:
        env = {
            **os.environ,
            **bouncer.client_env(DB_NAME),
            "DEBUG": "false",
            "LOG_LEVEL": "WARNING",
            "PYTHONWARNINGS": "ignore::UserWarning",  # whitenoise: no collected static files
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "onestop.wsgi:application", "-w", "4",
             "-b", f"127.0.0.1:{args.port}", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        try:
            wait_for_server(args.port)
            print(f"gunicorn -w 4 and a Celery worker through PgBouncer: {env['DATABASE_URL']}")
            lifecycle(args.port, data)
            filings_at_once(args.port, data, args.filings)
            paid_once(args.port, data, bouncer)
        finally:
            server.terminate()
            server.wait()
    print("uptime after:", uptime())


if __name__ == "__main__":
    main()
