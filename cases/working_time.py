"""Working time (thời gian làm việc): deadlines counted through office hours of working days.

A pure module: no database, no clock. The calendar is passed in; `selectors.calendar_for`
builds one for an agency from the `holidays` VN table, the override table and the agency's
office hours. N working days are N times the office time of one day, counted forward from
the moment of acceptance (DOMAIN.md): Friday 15:00 + 1 working day = Monday 15:00.

How it works: the calendar keeps an *office clock*, a count of office microseconds that
advances only while the office is open. `between` is the difference of two readings, `add`
reads the clock at the start, adds the duration and turns the reading back into a moment.
There is no loop over days or minutes, so every identity below holds by construction:
    between(t, add(t, d)) == d          add(add(t, a), b) == add(t, a + b)
"""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import holidays

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DEFAULT_OFFICE_HOURS = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
DEFAULT_YEARS = range(2020, 2041)


class Unit(StrEnum):
    """The unit of a procedure's processing time (thời hạn giải quyết); the values of `TimeUnit`."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"


_US = timedelta(microseconds=1)


def _us(t: time) -> int:
    """Microseconds since midnight."""
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _weekdays_before(ordinal: int) -> int:
    """How many Mondays–Fridays come before the day `ordinal` (day 1, 0001-01-01, is a Monday)."""
    weeks, rest = divmod(ordinal - 1, 7)
    return weeks * 5 + min(rest, 5)


def _nth_weekday(n: int) -> int:
    """The ordinal of the Monday–Friday with `n` weekdays before it: the inverse of the above."""
    weeks, rest = divmod(n, 5)
    return 1 + weeks * 7 + rest


@dataclass(frozen=True)
class WorkCalendar:
    """Lịch làm việc: which days are working days, and the office hours of one agency."""

    office_hours: tuple[tuple[time, time], ...]  # local times, sorted, non-overlapping
    closed_days: frozenset[date]  # public holidays, and overrides that close a weekday
    extra_working_days: frozenset[date]  # make-up days (ngày làm bù) that open a weekend day
    tz: ZoneInfo = VN_TZ

    # Derived once, for the office clock. All times are integer microseconds, so the
    # arithmetic is exact and the identities in the module docstring hold to the microsecond.
    _opens: tuple[int, ...] = field(init=False, repr=False, compare=False)
    # Office time of the day spent by each opening and by each closing: (0, 4h), (4h, 7h30).
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _ends: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _length: int = field(init=False, repr=False, compare=False)
    # Working days of the years that have exceptions, as ordinals; outside them a working day
    # is any Monday–Friday, and plain arithmetic counts them.
    _table: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _table_from: int = field(init=False, repr=False, compare=False)
    _table_to: int = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        spans = [(_us(a), _us(b)) for a, b in self.office_hours]
        flat = [t for span in spans for t in span]
        if not spans or flat != sorted(flat) or any(a >= b for a, b in spans):
            raise ValueError("office hours must be non-empty, ordered, non-overlapping intervals")
        ends, total = [], 0
        for opens, closes in spans:
            total += closes - opens
            ends.append(total)

        exceptions = self.closed_days | self.extra_working_days
        first = date(min(exceptions).year, 1, 1) if exceptions else date(2000, 1, 1)
        last = date(max(exceptions).year + 1, 1, 1) if exceptions else first
        days = (date.fromordinal(o) for o in range(first.toordinal(), last.toordinal()))

        derived = {
            "_opens": tuple(opens for opens, _ in spans),
            "_starts": (0, *ends[:-1]),
            "_ends": tuple(ends),
            "_length": total,
            "_table": tuple(d.toordinal() for d in days if self.is_working_day(d)),
            "_table_from": first.toordinal(),
            "_table_to": last.toordinal(),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def is_working_day(self, d: date) -> bool:
        """A make-up day is open even on a weekend; a closed day is shut even on a weekday."""
        if d in self.extra_working_days:
            return True
        return d.weekday() < 5 and d not in self.closed_days

    @property
    def day_length(self) -> timedelta:
        """The office time of one working day (7h30 with the default hours)."""
        return self._length * _US

    def in_office_hours(self, moment: datetime) -> bool:
        """Whether the office is open at `moment`; both ends of an interval count as open."""
        local = _local(moment, self.tz)
        now = local.time()
        return self.is_working_day(local.date()) and any(
            a <= now <= b for a, b in self.office_hours
        )

    # --- the office clock ---------------------------------------------------------------

    def _rank(self, ordinal: int) -> int:
        """How many working days come before the day `ordinal` (counted from the table start)."""
        if ordinal < self._table_from:
            return _weekdays_before(ordinal) - _weekdays_before(self._table_from)
        if ordinal >= self._table_to:
            return len(self._table) + _weekdays_before(ordinal) - _weekdays_before(self._table_to)
        return bisect_left(self._table, ordinal)

    def _working_day(self, rank: int) -> int:
        """The ordinal of the working day with `rank` working days before it: the inverse."""
        if rank < 0:
            return _nth_weekday(_weekdays_before(self._table_from) + rank)
        if rank >= len(self._table):
            return _nth_weekday(_weekdays_before(self._table_to) + rank - len(self._table))
        return self._table[rank]

    def _reading(self, moment: datetime) -> int:
        """The office clock at `moment`, in microseconds; when closed, as at the next opening."""
        local = _local(moment, self.tz)
        done = 0
        if self.is_working_day(local.date()):
            now = _us(local.time())
            # The interval the moment falls in or after; the previous ones are fully spent.
            i = bisect_right(self._opens, now) - 1
            if i >= 0:
                done = min(self._starts[i] + now - self._opens[i], self._ends[i])
        return self._rank(local.toordinal()) * self._length + done

    def _moment(self, reading: int, *, at_close: bool) -> datetime:
        """The moment the office clock shows `reading`.

        A reading on the boundary between two intervals or two days names two moments (11:30
        and 13:30, or 17:00 and the next 07:30): `at_close` picks the first, else the second.
        """
        # Shift by one microsecond so the day and interval searches land on the closing side.
        rank, done = divmod(reading - at_close, self._length)
        done += at_close
        i = (bisect_left if at_close else bisect_right)(self._ends, done)
        day = datetime.fromordinal(self._working_day(rank)).replace(tzinfo=self.tz)
        return day + (self._opens[i] + done - self._starts[i]) * _US


def build_calendar(
    *,
    overrides: Mapping[date, bool] | None = None,
    office_hours=DEFAULT_OFFICE_HOURS,
    years: Iterable[int] | None = None,
    tz: ZoneInfo = VN_TZ,
) -> WorkCalendar:
    """The VN public holidays and government swaps, with `overrides` (date → is working) on top.

    `holidays` knows the swaps the government had decided when it was released, including
    the make-up Saturdays (`weekend_workdays`); the override table (CalendarOverride) adds the
    later decisions and wins over the library either way.
    """
    years = set(years or DEFAULT_YEARS)
    table = holidays.country_holidays("VN", years=sorted(years))
    make_up = {d for d in getattr(table, "weekend_workdays", ()) if d.year in years}
    overrides = overrides or {}
    opened = {d for d, working in overrides.items() if working}
    closed = {d for d, working in overrides.items() if not working}
    return WorkCalendar(
        office_hours=tuple(office_hours),
        closed_days=frozenset((set(table) | closed) - opened),
        extra_working_days=frozenset((make_up | opened) - closed),
        tz=tz,
    )


def _local(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("working time needs aware datetimes")
    return moment.astimezone(tz)


def _micros(duration: timedelta) -> int:
    return (duration.days * 86_400 + duration.seconds) * 1_000_000 + duration.microseconds


def add(start: datetime, duration: timedelta, calendar: WorkCalendar) -> datetime:
    """`start` plus `duration` of office time; outside office hours counting starts at the opening.

    A result that falls exactly on a closing time stays there (11:30, not 13:30).
    A zero duration gives `start` back (in the calendar's time zone).
    """
    micros = _micros(duration)
    if micros < 0:
        raise ValueError("duration must not be negative")
    if micros == 0:
        return _local(start, calendar.tz)
    return calendar._moment(calendar._reading(start) + micros, at_close=True)


def subtract(end: datetime, duration: timedelta, calendar: WorkCalendar) -> datetime:
    """The earliest moment from which only `duration` of office time is left until `end`.

    Used for "due soon": from Friday 17:00 on, a case due Monday 17:00 has one working day
    left, so the alert comes at the close on Friday rather than at the opening on Monday.
    """
    micros = _micros(duration)
    if micros < 0:
        raise ValueError("duration must not be negative")
    if micros == 0:
        return _local(end, calendar.tz)
    return calendar._moment(calendar._reading(end) - micros, at_close=True)


def between(a: datetime, b: datetime, calendar: WorkCalendar) -> timedelta:
    """Office time elapsed from `a` to `b` (zero if `b` is not later)."""
    return max(calendar._reading(b) - calendar._reading(a), 0) * _US


def next_opening(moment: datetime, calendar: WorkCalendar) -> datetime:
    """`moment` itself if the office is open then, else the next time it opens."""
    if calendar.in_office_hours(moment):
        return _local(moment, calendar.tz)
    return calendar._moment(calendar._reading(moment), at_close=False)


def working_days(n: float, calendar: WorkCalendar) -> timedelta:
    """N working days (ngày làm việc) as office time: N times the length of one day."""
    return n * calendar.day_length


def deadline(start: datetime, value: int, unit: str, calendar: WorkCalendar) -> datetime:
    """The appointment (ngày hẹn trả) for a processing time of `value` `unit`s from `start`.

    Calendar days run round the clock: `start` + `value` days. When that moment falls while
    the office is closed (at night, on a weekend or a holiday) the appointment moves to the
    next opening, since nothing can be handed over before then; it never moves earlier.
    """
    if unit == Unit.WORKING_DAYS:
        return add(start, working_days(value, calendar), calendar)
    if unit == Unit.WORKING_HOURS:
        return add(start, timedelta(hours=value), calendar)
    if unit == Unit.CALENDAR_DAYS:
        return next_opening(_local(start, calendar.tz) + timedelta(days=value), calendar)
    raise ValueError(f"unknown time unit: {unit!r}")
