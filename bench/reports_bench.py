"""Reports benchmark: KPIs and throughput of a province-year on a generated million cases.

Run by hand (PostgreSQL and Redis on 127.0.0.1, as for the tests):

    .venv/bin/python bench/reports_bench.py [--cases 1000000] [--until 2026-11-27]

It uses the database `onestop_reports_bench` (BENCH_DATABASE_URL to change it), fills it with
`generate_cases` when it holds fewer cases than asked, then times, for the year before
`--until`: the province's KPI report and its throughput by month, cold (the report cache
empty) and warm (cached), a drill-down page of 50 cases (API and page), and, as the
baseline, the same KPIs computed case by case (`reports.direct`) for the cases of districts
taken until they hold `--naive-cases` (100,000), checked equal to the report for them.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/onestop_reports_bench"
)
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")  # DEBUG is off, as in production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f} ms"


def timed(fn, runs=1):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def fresh_cache():
    """As if a step had just been committed: the next report is computed, not served."""
    from django.db.models import F

    from reports.models import ReportStamp

    ReportStamp.objects.filter(pk=0).update(changes=F("changes") + 1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--until", type=date.fromisoformat, default=date(2026, 11, 27))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--naive-cases", type=int, default=100_000)
    args = parser.parse_args()

    import django

    from bench.scratch import ensure_database, uptime

    # A first run on a new machine: the database made and migrated, then filled below.
    ensure_database(os.environ["DATABASE_URL"].rsplit("/", 1)[1])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client

    from cases.models import Agency, Case, Level, Role, User
    from cases.selectors import agency_subtree_ids
    from reports.direct import direct_counts
    from reports.kpis import kpi_report
    from reports.scope import Scope
    from reports.throughput import throughput

    print("uptime:", uptime())
    have = Case.objects.count()
    if have < args.cases:
        started = time.perf_counter()
        call_command("generate_cases", cases=args.cases - have, seed=1, years=3, until=args.until)
        print(f"generated {args.cases - have:,} cases in {time.perf_counter() - started:.1f}s")
    total = Case.objects.count()
    year = Scope(args.until - timedelta(days=364), args.until)
    print(f"{total:,} cases; the year {year.first} – {year.last}")

    def cold(fn):
        def run():
            fresh_cache()
            return fn()

        return run

    kpis = lambda: kpi_report(year)  # noqa: E731
    months = lambda: throughput(year, bucket="month")  # noqa: E731

    report, first = timed(cold(kpis))
    _, kpi_cold = timed(cold(kpis), args.runs)
    _, kpi_warm = timed(kpis, 20)
    rows, tp_first = timed(cold(months))
    _, tp_cold = timed(cold(months), args.runs)
    _, tp_warm = timed(months, 20)
    print(
        f"KPI report, a year: first {ms(first[0])}, cold median {ms(statistics.median(kpi_cold))}"
        f" (max {ms(max(kpi_cold))}), warm median {ms(statistics.median(kpi_warm))}"
    )
    print(
        f"throughput by month, a year: first {ms(tp_first[0])}, cold median "
        f"{ms(statistics.median(tp_cold))} (max {ms(max(tp_cold))}), warm median "
        f"{ms(statistics.median(tp_warm))}"
    )
    for item in report:
        print(
            f"  {item['id']:26} {item['numerator']!s:>8} / {item['denominator']!s:>8}"
            f"  rate {item['rate']!s:>6}  score {item['score']}"
        )
    print(
        f"  {len(rows)} months; last: received {rows[-1]['received']:,}, backlog "
        f"{rows[-1]['backlog']:,}, median {rows[-1]['median_processing_days']} days"
    )

    # The drill-down, through the API and the page, as the supervisor.
    supervisor = User.objects.filter(groups__name=Role.SUPERVISOR).first()
    client = Client()
    client.force_login(supervisor)
    query = {"from": year.first.isoformat(), "to": year.last.isoformat(), "part": "numerator"}
    for url in ("/api/v1/reports/kpis/on_time/cases/", "/reports/kpis/on_time/"):
        client.get(url, query)
        _, page_times = timed(lambda u=url: client.get(u, {**query, "page": 3}), 10)
        answer = client.get(url, {**query, "page": 3})
        assert answer.status_code == 200, answer.status_code
        print(
            f"drill-down page of 50 ({url}): median {ms(statistics.median(page_times))},"
            f" max {ms(max(page_times))}"
        )
    _, dash = timed(lambda: client.get("/reports/", {"from": year.first, "to": year.last}), 3)
    print(f"dashboard page (KPIs, trend, charts; warm): median {ms(statistics.median(dash))}")

    # Baseline: the same KPIs case by case, for communes taken in code order until they
    # hold --naive-cases cases.
    agency_ids, names = [], []
    for commune in Agency.objects.filter(level=Level.COMMUNE).order_by("code"):
        agency_ids += agency_subtree_ids(commune.pk)
        names.append(commune.name)
        if Case.objects.filter(deciding_agency_id__in=agency_ids).count() >= args.naive_cases:
            break
    scope = Scope(year.first, year.last, agency_ids)
    looped = Case.objects.filter(deciding_agency_id__in=scope.agency_ids)
    count = looped.count()
    fresh_cache()
    fast, fast_times = timed(lambda: kpi_report(scope))
    direct, slow_times = timed(lambda: direct_counts(scope, looped))
    fast = {item["id"]: item for item in fast}
    for kpi, figures in direct.items():
        if not kpi.startswith("processing"):
            assert (fast[kpi]["numerator"], fast[kpi]["denominator"]) == figures, kpi
    print(
        f"baseline, {', '.join(names)} ({count:,} cases): case by case {slow_times[0]:.1f}s, "
        f"report {ms(fast_times[0])} cold: {slow_times[0] / fast_times[0]:,.0f}x; "
        "figures equal"
    )
    print("uptime:", uptime())


if __name__ == "__main__":
    main()
