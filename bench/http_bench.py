"""HTTP benchmark of the hot paths, each next to a hand-written Django baseline.

    make bench BENCH=bench/http_bench.py [ARGS="--rounds 3 --seconds 5 --compare-to main"]

Builds a scratch database (DATABASE_URL's name + `_bench`) with the demo province, starts
gunicorn (DEBUG off, 2 sync workers; 4 more for the filing check) with `bench.settings`,
whose URLconf adds the hand-written views of `bench/baseline.py`, and drives every path
with wrk (or Python threads when wrk is absent) in interleaved rounds: each round runs
every path once, so a busy moment of the machine hits them all alike. Filing is compared
with a hand-written filing that writes the same rows in the same eleven round trips, each
with 2 workers and with 4 (the hand-written one's 4-worker figure shows what the machine
alone does). Prints req/s and p99 per path (median over the rounds) and each path's ratio
to its baseline (median of the per-round ratios: the figure that counts on a shared
machine). `--only NAME` runs the paths so named, their baselines and the bare view (which
shows how fast the machine was).

Next to req/s it prints the CPU a request costs the gunicorn workers and their PostgreSQL
backends (from /proc), whose ratios hold better than req/s when others load the machine.

`--compare-to REV` also serves that git revision of Onestop (with this bench/) from a
second gunicorn, interleaved with the first: what a change bought, measured in one run.
`--revision REV` serves that revision instead of the working tree as "this code".

`--pgbouncer` also serves this code through PgBouncer in transaction mode (Debian's
`pgbouncer`, started here like the scratch database: tests/pgbouncer.py), with
`PREPARE_THRESHOLD=` (empty) and no server-side cursors, from servers of its own (2 and 4
workers), interleaved with the direct ones: rows marked `@pgbouncer`. Its own CPU is not
in their CPU column.
"""

import argparse
import contextlib
import http.client
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.pgbouncer import PgBouncer  # noqa: E402 (the project's root first on the path)

POOLED = " @pgbouncer"

_url = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop"))
DB_NAME = _url.path.lstrip("/") + "_bench"
os.environ["DATABASE_URL"] = urlunsplit(_url._replace(path=f"/{DB_NAME}"))
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")  # DEBUG is off, as in production
# The demo's fees are paid through the PayGov simulator: with DEBUG off it has no secret.
os.environ.setdefault("PAYGOV_SIMULATOR", "true")
os.environ.setdefault("PAYGOV_SECRET", "onestop-bench-paygov-secret")
os.environ.setdefault("SIGNING_PKCS12_PASSPHRASE", "onestop-bench-pki")  # none by default
# The demo's keys in a folder of the run's own: in the checkout's var/pki they would be
# under this passphrase, which `make run` then cannot open.
os.environ["SIGNING_PKI_DIR"] = tempfile.mkdtemp(prefix="onestop-bench-pki-")
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
# Every request of the run comes from one client (127.0.0.1; X-Forwarded-For counts only
# behind TRUSTED_PROXY_COUNT proxies): its limits are raised so that none answers 429. The
# limiter still counts every lookup, one pipelined round trip, as in production.
os.environ["PUBLIC_LOOKUP_RATE"] = "100000000/hour"
os.environ["LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR"] = "100000000"
os.environ["TRUSTED_PROXY_COUNT"] = "0"

PIN = "BENCH123"
FILING = {
    "procedure": "",
    "applicant": {
        "full_name": "Lò Thị Mai",
        "id_number": "010190001234",
        "phone": "0912345678",
        "address": "Xã Gia Phú, tỉnh Lào Cai",
    },
    "channel": "counter",
    "documents": [{"name": "Tờ khai", "digitised": True}, {"name": "Bản sao CCCD"}],
}


# --- the data -----------------------------------------------------------------------------


def fresh_database():
    import psycopg

    admin = urlunsplit(_url._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')


def demo_province() -> dict:
    """The demo province; the case codes to read, a known PIN on each, the clerk's token."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from rest_framework.authtoken.models import Token

    from cases import selectors, services
    from cases.models import Case, Procedure, User

    call_command("migrate", verbosity=0)
    call_command("load_demo", force=True, verbosity=0, stdout=open(os.devnull, "w"))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum soon would: the planner needs figures
    cache.clear()
    clerk = User.objects.get(username="counter")
    cases = list(
        selectors.cases_visible_to(clerk)
        .filter(code__isnull=False)
        .annotate(steps=Count("events"))
        .order_by("-steps", "id")[:40]
    )
    for case in cases:
        Case.objects.filter(pk=case.pk).update(
            pin_hash=services.pin_hash(reference=case.reference, pin=PIN)
        )
    procedure = Procedure.objects.filter(is_active=True, agency__parent__isnull=False).first()
    data = {
        "token": Token.objects.get_or_create(user=clerk)[0].key,
        "codes": [case.code for case in cases],
        "events": statistics.mean(case.steps for case in cases),
        "procedure": procedure.code,
    }
    connection.close()
    return data


def case_codes() -> tuple[int, int]:
    from cases.models import Case

    return Case.objects.filter(code__isnull=False).count(), Case.objects.values(
        "code"
    ).distinct().filter(code__isnull=False).count()


# --- servers ------------------------------------------------------------------------------


class Server:
    def __init__(self, name: str, source: Path, port: int, workers: int, env: dict | None = None):
        self.name, self.port = name, port
        env = {
            **os.environ,
            **(env or {}),
            "DEBUG": "false",
            "LOG_LEVEL": "ERROR",
            "PYTHONPATH": str(source),
            "PYTHONWARNINGS": "ignore::UserWarning",  # whitenoise: no collected static files
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "bench.wsgi_app:application",
                "--chdir",
                str(source),
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=source,  # `python -m` puts the working directory first on sys.path
            env=env,
        )

    def wait(self, seconds=180):  # a dozen workers booting at once on a busy machine
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/bench/bare/")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn {self.name} did not start on port {self.port}")

    def stop(self):
        self.process.terminate()
        self.process.wait()


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_times(server: Server) -> dict[int, float]:
    """CPU seconds so far of the server's workers and of the database's backends, by pid.

    On a machine shared with other work, req/s swings with their load; the CPU a request
    costs the server and the database hardly does: its ratio is the steadier figure.
    """
    from django.db import connection

    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    pids = [int(pid) for pid in children.read_text().split()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        )
        pids += [row[0] for row in cursor.fetchall()]
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        times[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime
    return times


def export_revision(rev: str) -> Path:
    """The tree of `rev` in a temporary folder, with this bench/ in it."""
    target = Path(tempfile.mkdtemp(prefix="onestop-bench-"))
    archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    shutil.rmtree(target / "bench", ignore_errors=True)
    shutil.copytree(ROOT / "bench", target / "bench", ignore=shutil.ignore_patterns("__pycache__"))
    return target


# --- load ---------------------------------------------------------------------------------


@dataclass
class Load:
    name: str
    method: str
    paths: list[str]
    baseline: str = ""  # the name of the path it is compared with
    token: bool = False
    body: str = ""


@dataclass
class Result:
    rate: float
    p99_ms: float
    errors: int
    requests: int = 0
    cpu_ms: float = 0.0  # CPU of the gunicorn workers and their PostgreSQL backends, a request


LUA = """
local paths = {%(paths)s}
local counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  %(auth)s
  %(body)s
  return wrk.format("%(method)s", paths[(counter %% #paths) + 1], headers, %(payload)s)
end
"""


def wrk_run(port: int, load: Load, token: str, seconds: float, connections: int) -> Result:
    auth = f'headers["Authorization"] = "Token {token}"' if load.token else ""
    body = 'headers["Content-Type"] = "application/json"' if load.body else ""
    payload = "[[" + load.body + "]]" if load.body else "nil"
    script = LUA % {
        "paths": ", ".join(f'"{p}"' for p in load.paths),
        "auth": auth,
        "body": body,
        "method": load.method,
        "payload": payload,
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--latency",
            "-s",
            file.name,
            f"http://127.0.0.1:{port}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    os.unlink(file.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    if socket_errors:
        print(f"   {load.name}: socket errors {socket_errors.group(1)}", file=sys.stderr)
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = int(errors.group(1)) if errors else 0
    return Result(rate, float(p99.group(1)) * scale, errors, requests)


def python_run(port: int, load: Load, token: str, seconds: float, connections: int) -> Result:
    """The same load from Python threads (when wrk is absent): the client costs more CPU."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def client(n: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad, i = [], 0, n
        while time.perf_counter() < stop_at:
            i += connections
            headers = {}
            if load.token:
                headers["Authorization"] = f"Token {token}"
            if load.body:
                headers["Content-Type"] = "application/json"
            started = time.perf_counter()
            conn.request(
                load.method,
                load.paths[i % len(load.paths)],
                body=load.body.encode() if load.body else None,  # UTF-8, not Latin-1
                headers=headers,
            )
            answer = conn.getresponse()
            answer.read()
            mine.append(time.perf_counter() - started)
            bad += answer.status >= 300
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99)] * 1000
    return Result(len(latencies) / elapsed, p99, errors[0], len(latencies))


# --- the run ------------------------------------------------------------------------------


def loads(data: dict) -> tuple[list[Load], list[Load]]:
    codes = data["codes"]
    lookups = [f"/api/v1/public/cases/{code}/?pin={PIN}" for code in codes]
    filing = json.dumps({**FILING, "procedure": data["procedure"]}, ensure_ascii=False)
    reads = [
        Load("bare JsonResponse", "GET", ["/bench/bare/"]),
        Load("lookup, hand-written", "GET", [f"/bench/lookup/{code}/?pin={PIN}" for code in codes]),
        Load("public lookup", "GET", lookups, baseline="lookup, hand-written"),
        Load("case page, hand-written", "GET", [f"/bench/cases/{code}/" for code in codes]),
        Load(
            "case page",
            "GET",
            [f"/api/v1/cases/{code}/" for code in codes],
            baseline="case page, hand-written",
            token=True,
        ),
        Load("case list, hand-written", "GET", ["/bench/cases/"]),
        Load(
            "case list", "GET", ["/api/v1/cases/"], baseline="case list, hand-written", token=True
        ),
        Load("procedures, hand-written", "GET", ["/bench/procedures/"]),
        Load("procedures", "GET", ["/api/v1/procedures/"], baseline="procedures, hand-written"),
        Load("agencies, hand-written", "GET", ["/bench/agencies/"]),
        Load("agencies", "GET", ["/api/v1/agencies/"], baseline="agencies, hand-written"),
    ]
    writes = [
        Load("filing, hand-written", "POST", ["/bench/filing/"], body=filing),
        Load(
            "filing",
            "POST",
            ["/api/v1/cases/"],
            baseline="filing, hand-written",
            token=True,
            body=filing,
        ),
    ]
    return reads, writes


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8120, help="first of 4 ports")
    parser.add_argument("--compare-to", metavar="REV", help="also serve this git revision")
    parser.add_argument("--revision", metavar="REV", help="serve this revision, not the tree")
    parser.add_argument("--only", help="run only the paths whose name contains this")
    parser.add_argument(
        "--pgbouncer", action="store_true", help="also serve through PgBouncer (transaction mode)"
    )
    args = parser.parse_args()

    run = wrk_run if shutil.which("wrk") else python_run
    fresh_database()
    data = demo_province()
    reads, writes = loads(data)
    if args.only:
        # The bare view stays: it tells how fast the machine was during the run.
        reads = [
            p
            for p in reads
            if args.only in p.name
            or p.name in _baselines(reads, args.only)
            or p.name.startswith("bare")
        ]
        writes = [p for p in writes if args.only in p.name]

    sources = {"": export_revision(args.revision) if args.revision else ROOT}
    if args.compare_to:
        sources[f" @{args.compare_to}"] = export_revision(args.compare_to)
    envs = {}
    servers = []
    stack = contextlib.ExitStack()
    if args.pgbouncer:
        bouncer = stack.enter_context(PgBouncer())
        sources[POOLED] = sources[""]
        envs[POOLED] = bouncer.client_env(DB_NAME)
    try:
        for n, (suffix, source) in enumerate(sources.items()):
            env = envs.get(suffix)
            servers.append((suffix, Server(f"2w{suffix}", source, args.port + 2 * n, 2, env)))
            servers.append((suffix, Server(f"4w{suffix}", source, args.port + 2 * n + 1, 4, env)))
        for _, server in servers:
            server.wait()
        two_workers = [(suffix, s) for suffix, s in servers if s.name.startswith("2w")]
        four_workers = [(suffix, s) for suffix, s in servers if s.name.startswith("4w")]

        def measure(plan, rounds):
            results: dict[str, list[Result]] = {}
            for _ in range(rounds):
                for name, server, load in plan:
                    before = cpu_times(server)
                    result = run(server.port, load, data["token"], args.seconds, args.connections)
                    after = cpu_times(server)
                    used = sum(t - before.get(pid, 0.0) for pid, t in after.items())
                    result.cpu_ms = used * 1000 / max(result.requests, 1)
                    results.setdefault(name, []).append(result)
            return results

        # Warm every worker (a worker's first requests load what it keeps: seconds, which
        # timed out in the 4-worker servers' first round), then the reads on a stable
        # database, then the filings.
        warm = [(f"warm{s}", srv, p) for s, srv in two_workers for p in reads + writes]
        warm += [(f"warm{s}", srv, p) for s, srv in four_workers for p in writes]
        for _, server, load in warm:
            run(server.port, load, data["token"], 1, args.connections)
        read_plan = []
        for load in reads:
            for suffix, server in two_workers:
                if (
                    suffix
                    and load.name.endswith("hand-written")
                    or load.name.startswith("bare")
                    and suffix
                ):
                    continue  # baselines served once
                read_plan.append((load.name + suffix, server, load))
        write_plan = []
        for load in writes:
            for workers, servers_of in (("2 workers", two_workers), ("4 workers", four_workers)):
                for suffix, server in servers_of:
                    if suffix and load.name.endswith("hand-written"):
                        continue
                    write_plan.append((f"{load.name}, {workers}{suffix}", server, load))
        started = time.monotonic()
        results = measure(read_plan, args.rounds)
        results.update(measure(write_plan, args.rounds))
        elapsed = time.monotonic() - started
    finally:
        for _, server in servers:
            server.stop()
        stack.close()
        for source in set(sources.values()):
            if source != ROOT:
                shutil.rmtree(source, ignore_errors=True)

    total, distinct = case_codes()
    report(results, reads, writes, sources, args, run, data, elapsed, total - distinct)
    from onestop.celery import app as celery_app

    celery_app.control.purge()  # the filings' outbox tasks, which no worker ran


def _baselines(reads, only):
    return {p.baseline for p in reads if only in p.name}


def report(results, reads, writes, sources, args, run, data, elapsed, duplicates):
    # A write with 2 workers is compared with its baseline's; with 4, with its own 2.
    baseline_of = {p.name: p.baseline for p in reads}
    for p in writes:
        if p.baseline:
            baseline_of[f"{p.name}, 2 workers"] = f"{p.baseline}, 2 workers"
        baseline_of[f"{p.name}, 4 workers"] = f"{p.name}, 2 workers"
    load_avg = (
        Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else []
    )
    client = "wrk -t2" if run is wrk_run else "Python threads"
    print(
        f"{client} -c{args.connections}, {args.rounds} interleaved rounds of {args.seconds:g} s,"
        f" {elapsed:.0f} s; load average {' '.join(load_avg)}; {os.cpu_count()} CPUs;"
        f" case page: {data['events']:.1f} events a case"
    )
    print(
        "ratio: median of the per-round req/s ratios; CPU: what the baseline's request costs"
        " the workers and PostgreSQL over what this one's does (steadier on a busy machine)"
    )
    print(
        f"{'path':<30} {'req/s':>7} {'p99 ms':>7} {'CPU ms':>7} {'non-2xx':>7}"
        f" {'ratio':>6} {'CPU':>5}  compared with"
    )
    cpu = {name: statistics.median(r.cpu_ms for r in rounds) for name, rounds in results.items()}
    for name, rounds in results.items():
        base_name, suffix = _split(name, sources)
        other = baseline_of.get(base_name)
        if other and suffix and base_name.endswith("4 workers"):
            other += suffix  # 4 workers of the compared revision, against its own 2
        ratio = cpu_ratio = ""
        if other in results:
            ratios = [a.rate / b.rate for a, b in zip(rounds, results[other], strict=True)]
            ratio, cpu_ratio = f"{statistics.median(ratios):.0%}", f"{cpu[other] / cpu[name]:.0%}"
        if suffix and base_name in results:
            ratios = [b.rate / a.rate for a, b in zip(rounds, results[base_name], strict=True)]
            this = "direct" if suffix == POOLED else "this code"
            other = f"{other or '-'}; {this}: {statistics.median(ratios):.2f}x req/s,"
            other += f" {cpu[name] / cpu[base_name]:.2f}x less CPU"
        print(
            f"{name:<30} {statistics.median(r.rate for r in rounds):7.0f}"
            f" {statistics.median(r.p99_ms for r in rounds):7.1f} {cpu[name]:7.2f}"
            f" {sum(r.errors for r in rounds):7d} {ratio:>6} {cpu_ratio:>5}  {other or ''}"
        )
    print(f"filing: duplicate case codes: {duplicates}")


def _split(name, sources):
    for suffix in sources:
        if suffix and name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, ""


if __name__ == "__main__":
    main()
