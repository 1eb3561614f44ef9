"""A case's deadline thresholds (due soon, overdue, escalation), which the deadline watcher
alerts once each, and the apology letter's suggested date.

All are counted in working time from the appointment in force, by the receiving agency's
calendar and settings (`due_soon_working_days`, `escalation_working_days`). Whether a case
is late or due soon now: `models.case.due_state`.
"""

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import working_time
from .selectors import calendar_for, due_soon_until, due_soon_window


class Threshold(models.IntegerChoices):
    """Deadline thresholds, in order: a case is alerted once for each."""

    DUE_SOON = 1, _("Due soon")
    OVERDUE = 2, _("Overdue")
    ESCALATED = 3, _("Escalated")


def late_or_nearly(case, now: datetime) -> bool:
    """Past the appointment, or within the due-soon window of it (when an apology letter
    may be written)."""
    return case.appointment_at is not None and (
        due_soon_until(case.receiving_agency, now) >= case.appointment_at
    )


def thresholds(agency, appointment_at: datetime, calendar=None) -> list[tuple[int, datetime]]:
    """(threshold, moment) in order, for a case of this receiving agency (whose calendar a
    caller going through many cases may pass in)."""
    calendar = calendar or calendar_for(agency)
    escalation = working_time.working_days(agency.escalation_working_days, calendar)
    return [
        (
            Threshold.DUE_SOON,
            working_time.subtract(appointment_at, due_soon_window(agency, calendar), calendar),
        ),
        (Threshold.OVERDUE, appointment_at),
        (Threshold.ESCALATED, working_time.add(appointment_at, escalation, calendar)),
    ]


def next_threshold_at(agency, appointment_at: datetime, *, alerted: int) -> datetime | None:
    """The moment of the first threshold above `alerted`, past or future; None after the last."""
    for level, at in thresholds(agency, appointment_at):
        if level > alerted:
            return at
    return None


def crossed(agency, appointment_at: datetime, *, alerted: int, now: datetime, calendar=None):
    """(threshold to alert now or None, the next moment to look or None).

    When the watcher fell behind and several thresholds passed, only the highest is alerted:
    staff need to hear that a case is overdue, not that it was due soon two days ago.
    """
    reached, next_at = None, None
    for level, at in thresholds(agency, appointment_at, calendar):
        if level <= alerted:
            continue
        if at <= now:
            reached = level
        elif next_at is None:
            next_at = at
    return reached, next_at


def apology_suggestion(case, now: datetime) -> datetime:
    """Form 04's suggested new appointment: the processing time that remains, counted from
    now by the working calendar, and never less than the due-soon window (one working day by
    default) once the case is late, so that the new date is one the officer can keep.
    """
    calendar = calendar_for(case.receiving_agency)
    remaining = working_time.between(now, case.appointment_at, calendar)
    return working_time.add(
        now, max(remaining, due_soon_window(case.receiving_agency, calendar)), calendar
    )
