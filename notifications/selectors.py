"""Reads: a staff member's alerts, a case's apology draft, the health of the machinery."""

from datetime import datetime

from django.conf import settings
from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from cases import deadlines
from cases.models import Case, Role
from cases.selectors import user_agency_ids

from .models import (
    DeadlineCrossing,
    DeliveryAttempt,
    Heartbeat,
    Notification,
    StaffAlert,
    Threshold,
)
from .scan import SCAN_HEARTBEAT


def alerts_for(user) -> QuerySet[StaffAlert]:
    """Alerts addressed to the user, and those of the queues of their agencies (officers).

    A queue alert is shared: once one officer has read it, it is read for the queue.
    """
    mine = Q(recipient=user)
    if Role.OFFICER in user.roles:
        mine |= Q(recipient=None, agency_id__in=user_agency_ids(user))
    return StaffAlert.objects.filter(mine).select_related("case", "case__procedure")


def apology_draft(case: Case, *, now: datetime | None = None) -> dict | None:
    """Form 04 as drafted when the case turned overdue, for the appointment in force.

    None if the case is not late or already has its letter for this appointment.
    """
    if not case.is_open or case.appointment_at is None:
        return None
    crossing = (
        DeadlineCrossing.objects.filter(
            case=case, threshold__gte=Threshold.OVERDUE, appointment_at=case.appointment_at
        )
        .order_by("at")
        .first()
    )
    if crossing is None:
        return None
    now = now or timezone.now()
    return {
        "case": case,
        "appointment_at": case.appointment_at,
        "drafted_at": crossing.at,
        "suggested_appointment_at": deadlines.apology_suggestion(case, now),
    }


def health(*, now: datetime | None = None) -> tuple[bool, dict]:
    """The age of the oldest undispatched outbox row and of the last successful SLA scan;
    not ok when either is older than its setting (`onestop.health`)."""
    now = now or timezone.now()
    pending = Notification.objects.filter(sent_at=None, parked_at=None)
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    beat = Heartbeat.objects.filter(name=SCAN_HEARTBEAT).first()
    report = {
        "outbox_pending": pending.count(),
        "outbox_oldest_pending_seconds": (now - oldest).total_seconds() if oldest else 0,
        "outbox_parked": Notification.objects.exclude(parked_at=None).count(),
        "last_scan_at": beat.at if beat else None,
        "last_scan_seconds": (now - beat.at).total_seconds() if beat else None,
    }
    stale = report["outbox_oldest_pending_seconds"] > settings.HEALTH_MAX_OUTBOX_AGE_SECONDS or (
        report["last_scan_seconds"] is None
        or report["last_scan_seconds"] > settings.HEALTH_MAX_SCAN_AGE_SECONDS
    )
    return not stale, report


def attempts_for(case: Case) -> QuerySet[DeliveryAttempt]:
    """Every attempt to reach the applicant of `case`, oldest first: the channel, the
    address, what the provider answered, when; for the staff case page."""
    return (
        DeliveryAttempt.objects.filter(notification__case=case)
        .select_related("notification")
        .order_by("started_at", "id")
    )
