"""What a public lookup's limits cost: `make bench BENCH=bench/ratelimit_bench.py`.

Ours: the three counters of a lookup (requests, the client's failures, the client's failures
on this case) in one pipelined Redis round trip. Baseline, interleaved in the same run: DRF's
AnonRateThrottle (a pickled list of timestamps read and written back) plus one cache read
for the failure count, as the lookup did before. The baseline's history holds 600 entries,
a client at the default 600/hour; its cost grows with that list, ours does not.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("SECRET_KEY", "onestop-bench-only")  # DEBUG is off, as in production
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onestop.settings")

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from rest_framework.request import Request  # noqa: E402
from rest_framework.throttling import AnonRateThrottle  # noqa: E402

from onestop.ratelimit import Hit, Limit, exceeded  # noqa: E402

CALLS, ROUNDS, CLIENT = 1_000, 7, "203.0.113.7"


class Baseline(AnonRateThrottle):
    rate = "100000/hour"  # never blocks: the history keeps its 600 entries and more


def main() -> None:
    request = Request(RequestFactory().get("/", REMOTE_ADDR=CLIENT))
    limits = (
        Limit("bench-lookup", 100_000, 3600),
        Limit("bench-failures", 100, 3600),
        Limit("bench-case-failures", 5, 900),
    )

    def baseline():
        Baseline().allow_request(request, None)
        cache.get(f"bench-lookup-failures:{CLIENT}", 0)

    def ours():
        exceeded(
            [
                Hit(limits[0], CLIENT),
                Hit(limits[1], CLIENT, count=False),
                Hit(limits[2], f"{CLIENT}|000.00.01.H38-261127-0001", count=False),
            ]
        )

    for _ in range(600):
        baseline()
    runs = {"baseline (DRF throttle)": [], "ours (one pipeline)": []}
    for _ in range(ROUNDS):  # interleaved, so both see the same load
        for name, call in zip(runs, (baseline, ours), strict=True):
            started = time.perf_counter()
            for _ in range(CALLS):
                call()
            runs[name].append((time.perf_counter() - started) / CALLS * 1e6)
    for name, micros in runs.items():
        print(f"{name:<26} median {statistics.median(micros):7.1f} µs a lookup")
    ratio = statistics.median(runs["baseline (DRF throttle)"]) / statistics.median(
        runs["ours (one pipeline)"]
    )
    print(f"baseline / ours: {ratio:.1f}×   (load: {os.getloadavg()[0]:.1f})")
    cache.delete(Baseline().get_cache_key(request, None))


if __name__ == "__main__":
    main()
