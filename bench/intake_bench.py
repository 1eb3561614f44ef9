"""Intake benchmark: cases filed per second, through HTTP and through the service.

Run by hand (PostgreSQL and Redis on 127.0.0.1, as for the tests):

    .venv/bin/python bench/intake_bench.py [--cases 3000] [--clients 8] [--workers 2]

It builds a scratch database `onestop_bench`, starts gunicorn on it, files cases with
concurrent keep-alive clients posting to /api/v1/cases/ as a counter clerk (Python
threads, then wrk if it is installed: `apt-get install wrk`), then files
cases by calling `services.case_file` in this process, and checks that no code repeats.
"""

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "onestop_bench"
os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/14"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

PORT = 8799
BODY = {
    "procedure": "2.000488",
    "applicant": {
        "full_name": "Lò Thị Mai",
        "id_number": "010190001234",
        "phone": "0912345678",
        "email": "",
        "address": "Xã Gia Phú, huyện Bảo Thắng, Lào Cai",
    },
    "channel": "counter",
    "documents": [{"name": "Tờ khai", "digitised": True}, {"name": "Bản sao CCCD"}],
}


def fresh_database():
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def catalogue():
    """A centre, a department, one procedure, a counter clerk with a token."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from rest_framework.authtoken.models import Token

    from cases.models import Agency, Level, Procedure, Role, User

    call_command("migrate", verbosity=0)
    ubnd = Agency.objects.create(code="000.00.00.H38", name="UBND tỉnh", level=Level.PROVINCE)
    centre = Agency.objects.create(
        code="000.00.01.H38", name="Trung tâm Phục vụ HCC", level=Level.PROVINCE, parent=ubnd
    )
    justice = Agency.objects.create(
        code="000.00.20.H38", name="Sở Tư pháp", level=Level.PROVINCE, parent=ubnd
    )
    Procedure.objects.create(
        code="2.000488",
        name="Cấp Phiếu lý lịch tư pháp",
        level=Level.PROVINCE,
        agency=justice,
        processing_time_value=10,
    )
    clerk = User.objects.create_user("counter", password="bench", agency=centre)
    clerk.groups.add(Group.objects.create(name=Role.COUNTER_STAFF))
    return clerk, Token.objects.create(user=clerk).key


def http_run(token: str, total: int, clients: int):
    per_client = total // clients
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    payload = json.dumps(BODY).encode()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine = []
        for _ in range(per_client):
            started = time.perf_counter()
            conn.request("POST", "/api/v1/cases/", body=payload, headers=headers)
            answer = conn.getresponse()
            answer.read()
            mine.append(time.perf_counter() - started)
            if answer.status != 201:
                with lock:
                    errors.append(str(answer.status))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return per_client * clients, elapsed, latencies, errors


WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = [[%s]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Token %s"
"""


def wrk_run(token: str, clients: int, seconds: int) -> str:
    """The same load from wrk (C, two threads): the client takes far less of the CPU."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % (json.dumps(BODY, ensure_ascii=False), token))
    result = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(clients),
            "-d",
            f"{seconds}s",
            "-s",
            script.name,
            f"http://127.0.0.1:{PORT}/api/v1/cases/",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    os.unlink(script.name)
    return result.stdout


def wait_for_server(seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/api/v1/agencies/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wrk-seconds", type=int, default=20, help="wrk run, if wrk is installed")
    args = parser.parse_args()

    fresh_database()
    import django

    django.setup()
    from django.db import connection

    from cases import services
    from cases.models import Case, Procedure

    clerk, token = catalogue()
    connection.close()

    env = {**os.environ, "DEBUG": "false", "LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "onestop.wsgi:application",
            "-w",
            str(args.workers),
            "-b",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for_server()
        http_run(token, args.clients * 10, args.clients)  # warm up both workers
        filed, elapsed, latencies, errors = http_run(token, args.cases, args.clients)
        wrk_report = wrk_run(token, args.clients, args.wrk_seconds) if shutil.which("wrk") else ""
    finally:
        server.terminate()
        server.wait()

    latencies.sort()
    p50, p95 = statistics.median(latencies), latencies[int(len(latencies) * 0.95)]
    print(
        f"HTTP  {args.clients} clients, gunicorn -w {args.workers}: {filed} cases"
        f" in {elapsed:.2f} s = {filed / elapsed:.0f} cases/s;"
        f" latency p50 {p50 * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms; non-201: {len(errors)}"
    )

    if wrk_report:
        lines = [line.strip() for line in wrk_report.splitlines()]
        wanted = [line for line in lines if line.startswith(("Requests/sec", "Non-2xx", "Latency"))]
        print(f"HTTP  wrk -t2 -c{args.clients} {args.wrk_seconds} s: " + "; ".join(wanted))

    procedure = Procedure.objects.get()
    started = time.perf_counter()
    for _ in range(args.cases):
        services.case_file(
            procedure=procedure,
            applicant=BODY["applicant"],
            channel="counter",
            documents=BODY["documents"],
            by=clerk,
        )
    elapsed = time.perf_counter() - started
    rate = args.cases / elapsed
    print(f"SERVICE one process: {args.cases} cases in {elapsed:.2f} s = {rate:.0f} cases/s")

    total = Case.objects.count()
    distinct = Case.objects.values("code").distinct().count()
    print(f"codes: {total} cases, {distinct} distinct codes, duplicates: {total - distinct}")

    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


if __name__ == "__main__":
    main()
