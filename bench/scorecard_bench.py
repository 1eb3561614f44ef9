"""The KPI report (the national scorecard) of a province-year, cold and warm, next to the same
report of another revision on the same database, in interleaved rounds.

    .venv/bin/python bench/scorecard_bench.py [--cases 300000] [--compare-to 79ead1b]

It uses the database `onestop_reports_bench` (BENCH_DATABASE_URL to change it; REDIS_URL as
the tests), fills it with `generate_cases` (one year before `--until`) when it holds fewer
cases than asked, and runs each round in a fresh process per revision: `--runs` cold
reports (a step's stamp moved first) each followed by three warm ones; it prints the medians
of every round. `--compare-to` is checked out with `git archive` into a temporary folder and
imported before this checkout's packages; the older code reads the columns it knows.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop_reports_bench"
)

TIMING = """
import json, os, statistics, sys, time
root, until, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
sys.path.insert(0, root)
os.chdir(root)
import django
django.setup()
from datetime import date, timedelta
from django.db.models import F
from reports.kpis import kpi_report
from reports.scope import Scope
from reports.models import ReportStamp
last = date.fromisoformat(until)
scope = Scope(last - timedelta(days=364), last)
kpi_report(scope)
cold, warm = [], []
for _ in range(runs):
    ReportStamp.objects.filter(pk=0).update(changes=F("changes") + 1)
    start = time.perf_counter(); items = kpi_report(scope); cold.append(time.perf_counter() - start)
    for _ in range(3):
        start = time.perf_counter(); kpi_report(scope); warm.append(time.perf_counter() - start)
print(json.dumps({"items": len(items), "cold": statistics.median(cold),
                  "warm": statistics.median(warm)}))
"""


def environment() -> dict:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, DJANGO_SETTINGS_MODULE="onestop.settings")
    env.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
    env.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    return env


def prepare(cases: int, until: date) -> None:
    env = environment()
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    count = subprocess.run(
        [*manage, "shell", "-c", "from cases.models import Case; print(Case.objects.count())"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout.split()[-1]  # fmt: skip
    if int(count) < cases:
        subprocess.run(
            [*manage, "generate_cases", "--cases", str(cases - int(count)), "--seed", "1",
             "--years", "1", "--until", until.isoformat()],
            env=env, check=True,
        )  # fmt: skip


def timed(tree: Path, until: date, runs: int) -> dict:
    answer = subprocess.run(
        [sys.executable, "-c", TIMING, str(tree), until.isoformat(), str(runs)],
        env=environment(), check=True, capture_output=True, text=True, cwd=tree,
    )  # fmt: skip
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=300_000)
    parser.add_argument("--until", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--compare-to", default="", help="a git revision to run beside")
    args = parser.parse_args()
    prepare(args.cases, args.until)
    trees = {"this checkout": ROOT}
    with tempfile.TemporaryDirectory() as folder:
        if args.compare_to:
            archive = subprocess.run(
                ["git", "-C", str(ROOT), "archive", args.compare_to],
                check=True, capture_output=True,
            )  # fmt: skip
            subprocess.run(["tar", "-x", "-C", folder], input=archive.stdout, check=True)
            trees[args.compare_to] = Path(folder)
        results = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                results[name].append(timed(tree, args.until, args.runs))
    print(f"KPI report of the year to {args.until}, {args.cases:,} cases, load {os.getloadavg()}")
    for name, rounds in results.items():
        cold = ", ".join(f"{r['cold'] * 1000:,.0f}" for r in rounds)
        warm = ", ".join(f"{r['warm'] * 1000:,.1f}" for r in rounds)
        print(f"  {name} ({rounds[0]['items']} items): cold {cold} ms; warm {warm} ms")
        cold_median = statistics.median(r["cold"] for r in rounds)
        print(f"    median of the rounds: cold {cold_median * 1000:,.0f} ms")


if __name__ == "__main__":
    main()
