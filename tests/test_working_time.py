"""The working-time calendar: deadlines counted through office hours of working days.

Pure: no Django, no database, no clock. Rows carry the weekday of each date (Signalen's
deadline tests); the VN holidays come from the `holidays` package as of 0.109.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cases.working_time import (
    DEFAULT_OFFICE_HOURS,
    VN_TZ,
    Unit,
    WorkCalendar,
    add,
    between,
    build_calendar,
    deadline,
    next_opening,
    subtract,
    working_days,
)

CALENDAR = build_calendar()
DAY = working_days(1, CALENDAR)
DAY_LENGTH = timedelta(hours=7, minutes=30)
NONE: frozenset[date] = frozenset()


def at(text: str) -> datetime:
    """A Vietnam wall-clock moment, "2026-11-27 15:00"."""
    return datetime.fromisoformat(text).replace(tzinfo=VN_TZ)


# --- the calendar -----------------------------------------------------------------------


def test_a_working_day_is_seven_and_a_half_hours_of_office_time():
    assert CALENDAR.day_length == DAY_LENGTH


@pytest.mark.parametrize(
    "day, working",
    [
        ("2026-11-27", True),  # Fri
        ("2026-11-28", False),  # Sat
        ("2026-11-29", False),  # Sun
        ("2026-02-16", False),  # Mon, Tết 2026 (16–20 Feb)
        ("2026-02-20", False),  # Fri, Tết 2026
        ("2026-02-23", True),  # Mon, first day back
        ("2027-02-04", False),  # Thu, Tết 2027 (4–10 Feb)
        ("2027-02-10", False),  # Wed, Tết 2027
        ("2027-02-11", True),  # Thu, first day back
        ("2026-04-27", False),  # Mon, Hùng Kings' day (Sun 26 Apr) observed
        ("2026-04-30", False),  # Thu, Reunification Day
        ("2026-05-01", False),  # Fri, Labour Day
        ("2026-08-22", True),  # Sat, make-up day for the 31 Aug swap
        ("2026-08-31", False),  # Mon, swapped with Sat 22 Aug
        ("2026-09-01", False),  # Tue, National Day (adjacent day)
        ("2026-09-02", False),  # Wed, National Day
        ("2026-11-24", False),  # Tue, Vietnam Cultural Day (new from 2026)
        ("2027-09-02", False),  # Thu, National Day
        ("2027-09-03", False),  # Fri, National Day (adjacent day)
    ],
)
def test_working_days_follow_the_vn_holidays_and_swaps(day, working):
    assert CALENDAR.is_working_day(date.fromisoformat(day)) is working


def test_the_holidays_package_reports_the_2026_make_up_saturday():
    """The library exposes swaps as `weekend_workdays`; build_calendar opens them."""
    assert date(2026, 8, 22) in CALENDAR.extra_working_days


def test_office_hours_must_be_ordered_and_not_overlap():
    with pytest.raises(ValueError):
        WorkCalendar(((time(13, 30), time(17)), (time(7, 30), time(11, 30))), NONE, NONE)
    with pytest.raises(ValueError):
        WorkCalendar(((time(8), time(12)), (time(11), time(17))), NONE, NONE)
    with pytest.raises(ValueError):
        WorkCalendar((), NONE, NONE)


# --- add: working days ------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, days, expected",
    [
        ("2026-11-27 15:00", 1, "2026-11-30 15:00"),  # Fri afternoon -> Mon
        ("2026-11-27 18:00", 1, "2026-11-30 17:00"),  # Fri after hours: counts from Mon 07:30
        ("2026-11-26 06:00", 1, "2026-11-26 17:00"),  # Thu before opening -> Thu close
        ("2026-11-25 07:30", 1, "2026-11-25 17:00"),  # Wed at opening -> Wed close, not Thu 07:30
        ("2026-11-25 12:15", 1, "2026-11-26 11:30"),  # Wed lunch: counts from 13:30; ends Thu 11:30
        ("2026-11-25 09:00", 2, "2026-11-27 09:00"),  # Wed -> Fri
        ("2026-11-28 10:00", 1, "2026-11-30 17:00"),  # Sat -> counts from Mon 07:30
        ("2026-09-02 10:00", 1, "2026-09-03 17:00"),  # Wed, National Day -> Thu
        ("2026-11-30 08:00", 15, "2026-12-21 08:00"),  # Mon -> Mon, three weeks on
        ("2026-02-13 15:00", 1, "2026-02-23 15:00"),  # Fri before Tết 2026 -> Mon after
        ("2026-02-12 15:00", 2, "2026-02-23 15:00"),  # Thu -> Fri, then Tết -> Mon
        ("2027-02-03 15:00", 1, "2027-02-11 15:00"),  # Wed before Tết 2027 -> Thu after
        ("2026-04-29 15:00", 1, "2026-05-04 15:00"),  # Wed -> (Thu 30/4, Fri 1/5) -> Mon
        ("2026-04-24 15:00", 3, "2026-05-04 15:00"),  # Fri -> Tue, Wed (Mon 27 observed) -> Mon
        ("2026-08-28 15:00", 1, "2026-09-03 15:00"),  # Fri -> (Mon 31, Tue 1, Wed 2) -> Thu
        ("2026-08-21 15:00", 1, "2026-08-22 15:00"),  # Fri -> make-up Sat 22 Aug
        ("2027-09-01 15:00", 1, "2027-09-06 15:00"),  # Wed -> (Thu 2/9, Fri 3/9) -> Mon
        ("2026-11-23 15:00", 1, "2026-11-25 15:00"),  # Mon -> (Tue, Cultural Day) -> Wed
        ("2026-12-31 15:00", 1, "2027-01-04 15:00"),  # Thu -> (Fri New Year) -> Mon
        ("2025-12-31 15:00", 1, "2026-01-02 15:00"),  # Wed -> (Thu New Year) -> Fri
    ],
)
def test_add_working_days(start, days, expected):
    assert add(at(start), working_days(days, CALENDAR), CALENDAR) == at(expected)


@pytest.mark.parametrize(
    "overrides, start, expected",
    [
        # Make-up Saturday as an override: opens it whether or not the library knows it.
        ({date(2026, 8, 22): True}, "2026-08-21 15:00", "2026-08-22 15:00"),  # Fri -> Sat
        ({date(2027, 1, 9): True}, "2027-01-08 15:00", "2027-01-09 15:00"),  # Fri -> Sat
        # An override closing the library's make-up Saturday wins over it.
        ({date(2026, 8, 22): False}, "2026-08-21 15:00", "2026-08-24 15:00"),  # Fri -> Mon
        # Bridge day: Fri 2 Jan 2026 closed by decision.
        ({date(2026, 1, 2): False}, "2025-12-31 15:00", "2026-01-05 15:00"),  # Wed -> Mon
        # An override opening a public holiday.
        ({date(2026, 9, 2): True}, "2026-08-28 15:00", "2026-09-02 15:00"),  # Fri -> Wed
    ],
)
def test_overrides_win_over_the_holiday_table(overrides, start, expected):
    calendar = build_calendar(overrides=overrides)
    assert add(at(start), DAY, calendar) == at(expected)


def test_add_returns_the_calendar_time_zone():
    start = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)  # Fri 15:00 in Vietnam
    result = add(start, DAY, CALENDAR)
    assert result == at("2026-11-30 15:00")  # Mon
    assert result.tzinfo is VN_TZ
    assert add(start, timedelta(0), CALENDAR) == start


def test_add_refuses_naive_datetimes_and_negative_durations():
    with pytest.raises(ValueError):
        add(datetime(2026, 11, 27, 15), DAY, CALENDAR)
    with pytest.raises(ValueError):
        add(at("2026-11-27 15:00"), -DAY, CALENDAR)
    with pytest.raises(ValueError):
        between(datetime(2026, 11, 27, 15), at("2026-11-30 15:00"), CALENDAR)


@pytest.mark.parametrize(
    "start, days",
    [
        ("2100-03-05 15:00", 15),  # Fri, beyond the holiday table
        ("1990-06-01 08:00", 40),  # Fri, before it
        ("2040-12-20 10:00", 30),  # Thu, running off the end of the table
        ("2019-12-02 10:00", 30),  # Mon, running into its start
    ],
)
def test_outside_the_holiday_table_working_days_are_mondays_to_fridays(start, days):
    calendar = build_calendar()
    plain = WorkCalendar(DEFAULT_OFFICE_HOURS, NONE, NONE)
    duration = working_days(days, calendar)
    assert add(at(start), duration, calendar) == reference_add(at(start), duration, calendar)
    assert add(at(start), duration, plain) == reference_add(at(start), duration, plain)


# --- deadline: the three units ----------------------------------------------------------


@pytest.mark.parametrize(
    "start, value, unit, expected",
    [
        ("2026-11-27 15:00", 1, "working_days", "2026-11-30 15:00"),  # Fri -> Mon
        ("2026-11-27 15:00", 1, Unit.WORKING_DAYS, "2026-11-30 15:00"),  # Fri -> Mon
        ("2026-11-27 15:00", 8, "working_hours", "2026-11-30 15:30"),  # Fri 2h + Mon 6h
        ("2026-11-25 10:30", 1, "working_hours", "2026-11-25 11:30"),  # Wed, ends at the close
        ("2026-11-25 10:30", 2, "working_hours", "2026-11-25 14:30"),  # Wed, over lunch
        ("2026-11-28 09:00", 4, "working_hours", "2026-11-30 11:30"),  # Sat -> Mon morning
        ("2026-11-23 10:00", 3, "calendar_days", "2026-11-26 10:00"),  # Mon -> Thu, open
        ("2026-11-25 10:00", 3, "calendar_days", "2026-11-30 07:30"),  # Wed -> Sat -> Mon opening
        (
            "2026-11-23 17:00",
            1,
            "calendar_days",
            "2026-11-25 07:30",
        ),  # Mon -> Tue, a holiday -> Wed
        ("2026-11-25 12:00", 1, "calendar_days", "2026-11-26 13:30"),  # Wed -> Thu lunch -> 13:30
        ("2026-11-26 17:00", 1, "calendar_days", "2026-11-27 17:00"),  # Thu -> Fri at the close
        ("2026-08-27 15:00", 4, "calendar_days", "2026-09-03 07:30"),  # Thu -> Mon 31 Aug -> Thu
    ],
)
def test_deadline(start, value, unit, expected):
    assert deadline(at(start), value, unit, CALENDAR) == at(expected)


def test_deadline_refuses_an_unknown_unit():
    with pytest.raises(ValueError):
        deadline(at("2026-11-27 15:00"), 1, "fortnights", CALENDAR)


def test_next_opening_keeps_a_moment_when_the_office_is_open():
    assert next_opening(at("2026-11-27 17:00"), CALENDAR) == at("2026-11-27 17:00")  # Fri close
    assert next_opening(at("2026-11-27 17:01"), CALENDAR) == at("2026-11-30 07:30")  # Fri -> Mon


# --- between and subtract ---------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("2026-11-27 15:00", "2026-11-30 15:00", DAY_LENGTH),  # Fri -> Mon
        ("2026-11-27 15:00", "2026-11-30 08:00", timedelta(hours=2, minutes=30)),  # Fri -> Mon
        ("2026-02-13 15:00", "2026-02-23 15:00", DAY_LENGTH),  # Fri -> Tết -> Mon
        ("2026-04-29 09:00", "2026-05-04 09:00", DAY_LENGTH),  # Wed -> 30/4, 1/5 -> Mon
        ("2026-11-25 11:00", "2026-11-25 14:00", timedelta(hours=1)),  # Wed, over lunch
        ("2026-11-25 12:00", "2026-11-25 13:30", timedelta(0)),  # Wed, lunch only
        ("2026-11-28 08:00", "2026-11-29 16:00", timedelta(0)),  # Sat -> Sun
        ("2026-11-30 15:00", "2026-11-27 15:00", timedelta(0)),  # Mon -> Fri: backwards
        ("2026-11-30 08:00", "2026-12-21 08:00", 15 * DAY_LENGTH),  # Mon -> Mon
    ],
)
def test_between(a, b, expected):
    assert between(at(a), at(b), CALENDAR) == expected


@pytest.mark.parametrize(
    "end, days, expected",
    [
        ("2026-11-30 15:00", 1, "2026-11-27 15:00"),  # Mon -> Fri
        ("2026-12-01 07:30", 1, "2026-11-27 17:00"),  # Tue opening -> Fri close, the earliest
        ("2026-02-23 15:00", 1, "2026-02-13 15:00"),  # Mon after Tết -> Fri before
    ],
)
def test_subtract_gives_the_earliest_moment_with_that_much_time_left(end, days, expected):
    assert subtract(at(end), working_days(days, CALENDAR), CALENDAR) == at(expected)


# --- properties -------------------------------------------------------------------------


def reference_add(start: datetime, duration: timedelta, calendar: WorkCalendar) -> datetime:
    """Walk the office intervals one by one: slow, but plainly right (duration > 0)."""
    start = start.astimezone(calendar.tz)
    day, remaining = start.date(), duration
    while True:
        if calendar.is_working_day(day):
            for opens, closes in calendar.office_hours:
                begin = max(datetime.combine(day, opens, calendar.tz), start)
                end = datetime.combine(day, closes, calendar.tz)
                if begin < end and remaining <= end - begin:
                    return begin + remaining
                remaining -= max(end - begin, timedelta(0))
        day += timedelta(days=1)


def in_office(moment: datetime, calendar: WorkCalendar) -> bool:
    local = moment.astimezone(calendar.tz)
    return calendar.is_working_day(local.date()) and any(
        opens <= local.time() <= closes for opens, closes in calendar.office_hours
    )


BOUNDARIES = [0, 7 * 60 + 30, 11 * 60 + 30, 13 * 60 + 30, 17 * 60, 23 * 60 + 59]
minutes_of_day = st.one_of(st.sampled_from(BOUNDARIES), st.integers(0, 24 * 60 - 1))


@st.composite
def moments(draw, first=date(2025, 1, 1), last=date(2028, 12, 31)):
    """Aware Vietnam moments in whole minutes, often on an opening or a closing."""
    day = first + timedelta(days=draw(st.integers(0, (last - first).days)))
    return datetime.combine(day, time(0), VN_TZ) + timedelta(minutes=draw(minutes_of_day))


durations = st.integers(0, 60 * 450).map(lambda m: timedelta(minutes=m))  # 0–60 working days
PROPERTY = settings(max_examples=200, deadline=None)


@PROPERTY
@given(moments(), durations)
def test_the_result_is_never_in_a_closed_period(start, duration):
    result = add(start, duration, CALENDAR)
    assert result == start if not duration else in_office(result, CALENDAR)


@PROPERTY
@given(moments(), durations, durations)
def test_adding_more_never_gives_an_earlier_date(start, d1, d2):
    d1, d2 = sorted([d1, d2])
    assert start <= add(start, d1, CALENDAR) <= add(start, d2, CALENDAR)


@PROPERTY
@given(moments(), durations, durations)
def test_adding_in_two_steps_is_adding_the_sum(start, a, b):
    assert add(add(start, a, CALENDAR), b, CALENDAR) == add(start, a + b, CALENDAR)


@PROPERTY
@given(moments(), durations)
def test_between_undoes_add(start, duration):
    """Holds from any start, not only in office hours: outside them counting starts at opening."""
    assert between(start, add(start, duration, CALENDAR), CALENDAR) == duration


@PROPERTY
@given(moments(), durations)
def test_between_undoes_subtract(end, duration):
    assert between(subtract(end, duration, CALENDAR), end, CALENDAR) == duration


@PROPERTY
@given(moments(), moments(), moments())
def test_between_adds_up_over_consecutive_spans(a, b, c):
    a, b, c = sorted([a, b, c])
    assert between(a, c, CALENDAR) == between(a, b, CALENDAR) + between(b, c, CALENDAR)


ONE_YEAR = build_calendar(years=[2026])  # so moments in 2025 and 2027 fall outside its table


@PROPERTY
@given(moments(first=date(2025, 6, 1), last=date(2027, 6, 30)), durations.filter(bool))
def test_add_agrees_with_walking_the_intervals(start, duration):
    for calendar in (CALENDAR, ONE_YEAR):
        assert add(start, duration, calendar) == reference_add(start, duration, calendar)
