"""What the providers tell us after the fact: delivery reports and bounces.

A ZNS delivery report (`user_received_message`) marks the attempt delivered; if our side
never heard the answer to that send (a timeout), the message is sent after all and is not
tried again. An e-mail bounce suppresses the address: later messages skip it and go by the
applicant's next channel.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from .models import DeliveryAttempt, Notification, Outcome, Suppression


@transaction.atomic
def delivery_reported(*, channel: str, provider_id: str, key: str, at: datetime) -> bool:
    """Record a delivery report; False if it matches no attempt of ours."""
    matches = Q(provider_id=provider_id) if provider_id else Q(pk=None)
    if key:  # a send whose answer we never had carries no msg_id, only our tracking id
        matches |= Q(key=key, outcome=Outcome.UNKNOWN)
    attempt = (
        DeliveryAttempt.objects.select_for_update()
        .filter(matches, channel=channel)
        .order_by("-started_at", "-id")
        .first()
    )
    if attempt is None:
        return False
    attempt.delivered_at = at
    attempt.outcome = Outcome.DELIVERED
    attempt.save(update_fields=["delivered_at", "outcome"])
    Notification.objects.filter(pk=attempt.notification_id, sent_at=None).update(
        sent_at=at, parked_at=None, claimed_until=None, secret="", last_error=""
    )
    return True


@transaction.atomic
def bounce_recorded(*, address: str, reason: str, now: datetime | None = None) -> int:
    """An e-mail address bounced: suppress it, and mark its last delivered attempt."""
    now = now or timezone.now()
    Suppression.objects.get_or_create(
        channel=Notification.Channel.EMAIL, address=address, defaults={"reason": reason[:255]}
    )
    last = (
        DeliveryAttempt.objects.filter(
            channel=Notification.Channel.EMAIL, recipient=address, outcome=Outcome.DELIVERED
        )
        .order_by("-started_at", "-id")
        .values_list("pk", flat=True)[:1]
    )
    return DeliveryAttempt.objects.filter(pk__in=list(last)).update(bounced_at=now)
