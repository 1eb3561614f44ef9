"""Named moments of the tests, each with the reason it is chosen, in Vietnam time."""

from datetime import datetime

from cases.working_time import VN_TZ


def vn(*args) -> datetime:
    """An aware moment in Vietnam time: vn(2026, 11, 27, 9, 0)."""
    return datetime(*args, tzinfo=VN_TZ)


# Friday 27 Nov 2026, 09:00 in Vietnam, in office hours: a case filed then for three working
# days is due on Wednesday 2 Dec 09:00 (the weekend between does not count).
FRIDAY_9AM = vn(2026, 11, 27, 9, 0)
# Monday 30 Nov 2026, 09:00: the start of a full working week.
MONDAY_9AM = vn(2026, 11, 30, 9, 0)
