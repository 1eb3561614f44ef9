"""Reads: which cases the portal has, how the sync keeps up, one case's messages."""

from datetime import datetime

from django.conf import settings
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from cases.kept import current_stamps

from .models import Message, PortalCase

# Renewed whenever the portal acknowledges a case for the first time: the reports cache
# indicator 1.4 under it (`reports.sources`).
ACKNOWLEDGED_STAMP = "dvcqg:acknowledged"


def acknowledged_stamp():
    stamps = current_stamps([ACKNOWLEDGED_STAMP])
    return None if stamps is None else stamps[0]


def synced_case_ids(case_ids: QuerySet) -> QuerySet:
    """The ids among `case_ids` whose case record the portal acknowledged (indicator 1.4,
    cases synchronised to the national portal): one subquery, for a count or a page."""
    return PortalCase.objects.filter(
        case_id__in=case_ids, acknowledged_at__isnull=False
    ).values_list("case_id", flat=True)


def health(*, now: datetime | None = None) -> tuple[bool, dict]:
    """For `/health/`: not ok once the oldest message waiting to be delivered (not parked:
    those wait for an administrator, and are counted) is older than
    `DVCQG_HEALTH_MAX_AGE_SECONDS`."""
    now = now or timezone.now()
    waiting = Message.objects.filter(sent_at=None).aggregate(
        pending=Count("id", filter=Q(parked_at=None)),
        failed=Count("id", filter=Q(parked_at=None, attempts__gt=0)),
        parked=Count("id", filter=~Q(parked_at=None)),
        oldest=Min("created_at", filter=Q(parked_at=None)),
    )
    age = (now - waiting["oldest"]).total_seconds() if waiting["oldest"] else 0
    return age <= settings.DVCQG_HEALTH_MAX_AGE_SECONDS, {
        "dvcqg_pending": waiting["pending"],
        "dvcqg_failed": waiting["failed"],
        "dvcqg_parked": waiting["parked"],
        "dvcqg_oldest_pending_seconds": round(age),
        "dvcqg_simulator": not settings.DVCQG_URL,
    }


def messages_of(case_id: int) -> QuerySet[Message]:
    """A case's messages in the order they go: what was sent, when, the reply, what waits."""
    return Message.objects.filter(case_id=case_id).order_by("id")


def sync_summary(case_id: int) -> dict | None:
    """Where the case stands with the national portal, for the staff case page: since when
    the portal has it, the last acknowledgement, what waits or is parked (and why), and
    what the portal holds differently; None before the case has anything to send."""
    portal_case = PortalCase.objects.filter(case_id=case_id).first()
    if portal_case is None:
        return None
    waiting = Message.objects.filter(case_id=case_id, sent_at=None)
    parked = waiting.exclude(parked_at=None).order_by("id").first()
    return {
        "acknowledged_at": portal_case.acknowledged_at,
        "last_sent_at": portal_case.last_sent_at,
        "waiting": waiting.filter(parked_at=None).count(),
        "retry_at": portal_case.wait_until,
        "parked": parked,
        "mismatch": portal_case.mismatch,
    }
