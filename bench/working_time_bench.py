"""How fast is the deadline calculator? `.venv/bin/python bench/working_time_bench.py`

Times `add()` for a 15-working-day deadline and `between()` over three weeks, from start
moments spread over 2025–2028 (in and out of office hours, weekends, holidays).
"""

import random
import statistics
import sys
import timeit
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cases.working_time import VN_TZ, add, between, build_calendar, working_days  # noqa: E402

CALLS = 20_000
REPEATS = 7


def report(name: str, timer: timeit.Timer) -> None:
    runs = [CALLS / seconds for seconds in timer.repeat(repeat=REPEATS, number=1)]
    best, median = max(runs), statistics.median(runs)
    print(f"{name:<28} best {best:>9,.0f} calls/s   median {median:>9,.0f} calls/s")


def main() -> None:
    calendar = build_calendar()
    rnd = random.Random(42)
    first = datetime(2025, 1, 1, tzinfo=VN_TZ)
    starts = [first + timedelta(minutes=rnd.randrange(4 * 365 * 24 * 60)) for _ in range(CALLS)]
    fifteen_days = working_days(15, calendar)
    ends = [add(start, fifteen_days, calendar) for start in starts]
    pairs = list(zip(starts, ends, strict=True))

    print(f"{CALLS:,} calls per run, {REPEATS} runs, Python {sys.version.split()[0]}")
    report(
        "add(start, 15 working days)",
        timeit.Timer(lambda: [add(s, fifteen_days, calendar) for s in starts]),
    )
    report("between(start, end)", timeit.Timer(lambda: [between(a, b, calendar) for a, b in pairs]))
    seconds = min(timeit.repeat(build_calendar, repeat=3, number=1))
    print(f"{'build_calendar()':<28} {seconds * 1000:.1f} ms per calendar (2020–2040)")


if __name__ == "__main__":
    main()
