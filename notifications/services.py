"""The outbox: messages written with their cause, then dispatched after commit.

Writing: `notify_applicant` renders the message about one case step for each channel the
applicant chose, in the same transaction as the step, and asks for a dispatch after commit.
Dispatching: `outbox_dispatch` claims rows with a lease, sends them, and marks them sent
only once the backend has accepted them.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases import seams
from cases.models import Case, CaseEvent, NotifyBy
from onestop.tasks import enqueue

from .backends import PermanentFailure, send_email, send_sms
from .models import PIN_PLACEHOLDER, Notification

logger = logging.getLogger(__name__)


# --- writing ---------------------------------------------------------------------------


def _render(template: str, context: dict) -> str:
    with translation.override(settings.NOTIFICATION_LANGUAGE):
        return render_to_string(template, context).strip()


def render_message(name: str, context: dict, *, email: bool, sms: bool) -> tuple[str, str, str]:
    """(subject, e-mail body, SMS text): if `email`, from `notifications/<name>.txt`
    (subject on the first line, then the body); if `sms`, from
    `notifications/<name>.sms.txt`. What is not asked for is left empty, unrendered.

    Raises TemplateDoesNotExist when there is no message for `name`.
    """
    subject = body = text = ""
    if email:
        subject, _, body = _render(f"notifications/{name}.txt", context).partition("\n")
    if sms:
        text = _render(f"notifications/{name}.sms.txt", context)
    return subject.strip(), body.strip(), text


def _applicant_context(case: Case, event: CaseEvent) -> dict:
    base = settings.SITE_URL.rstrip("/")
    code = case.code or case.reference
    return {
        "case": case,
        "event": event,
        "code": code,
        "procedure": case.procedure.name,
        "appointment": timezone.localtime(case.appointment_at) if case.appointment_at else None,
        "items": event.data.get("items", []),
        "reason": event.reason,
        # The plain PIN exists only while the case is being filed (see cases.services).
        "pin": PIN_PLACEHOLDER if getattr(case, "pin", None) else "",
        "lookup_url": f"{base}/?code={code}",
        # A fee due: the signed pay link (valid a day; the lookup page makes a new one).
        "pay_url": _pay_url(case, base) if event.action == "request-payment" else "",
    }


def _pay_url(case: Case, base: str) -> str:
    path = seams.case_part("pay_path", case)
    return f"{base}{path}" if path else ""


def on_step(done: seams.StepDone) -> None:
    """The notifications' part in every step (`cases.seams`): the applicant's message."""
    if done.event is not None:
        notify_applicant(case=done.case, event=done.event)


def notify_applicant(*, case: Case, event: CaseEvent) -> list[Notification]:
    """Queue the message about this step to the applicant, one row per channel they chose.

    The message is a function of the step's action: a template per action
    (`notifications/applicant/<action>.txt` and `.sms.txt`); a step without one is silent.
    """
    wants = case.applicant_notify_by
    recipients = []
    if case.applicant_email and wants in (NotifyBy.ALL, NotifyBy.EMAIL):
        recipients.append((Notification.Channel.EMAIL, case.applicant_email))
    if case.applicant_phone and wants in (NotifyBy.ALL, NotifyBy.SMS):
        recipients.append((Notification.Channel.SMS, case.applicant_phone))
    if not recipients:
        return []
    context = _applicant_context(case, event)
    channels = {channel for channel, _ in recipients}
    try:
        subject, body, sms = render_message(
            f"applicant/{event.action}",
            context,
            email=Notification.Channel.EMAIL in channels,
            sms=Notification.Channel.SMS in channels,
        )
    except TemplateDoesNotExist:
        return []
    secret = getattr(case, "pin", "") or ""
    notifications = Notification.objects.bulk_create(
        Notification(
            case=case,
            event=event,
            kind=event.action,
            channel=channel,
            recipient=recipient,
            subject=subject if channel == Notification.Channel.EMAIL else "",
            body=body if channel == Notification.Channel.EMAIL else sms,
            secret=secret if PIN_PLACEHOLDER in (body + sms) else "",
            created_at=event.at,
            next_attempt_at=event.at,
        )
        for channel, recipient in recipients
    )
    enqueue_after_commit()
    return notifications


# Steps gather for a second under one dispatch task, which sends every due row: a busy
# counter queues a task a second, not one a case (publishing one cost a filing 0.9 ms of
# its 7.7 of CPU). The task runs half a second after the gathering ends, for the clocks of
# the web and worker hosts: every step that found a task asked for has committed by then.
# A process that asked itself knows without the cache (a round trip that cost a busy
# worker as much as a statement) until its own gathering ends.
DISPATCH_GATHER_SECONDS = 1
DISPATCH_ASKED_KEY = "notifications:dispatch-asked"
_asked_until = 0.0  # monotonic: this process's gathering ends then


def enqueue_after_commit() -> None:
    """Ask a worker to send the rows this transaction wrote, once it commits.

    robust: the cause has committed; a broker or cache that is down must not turn it into
    an error. The beat sweep sends whatever was not asked for.
    """
    transaction.on_commit(_ask_for_dispatch, robust=True)


def _ask_for_dispatch() -> None:
    global _asked_until
    asking_at = monotonic()
    if asking_at < _asked_until:
        return
    if cache.add(DISPATCH_ASKED_KEY, True, timeout=DISPATCH_GATHER_SECONDS):
        enqueue("notifications.tasks.dispatch_outbox", countdown=DISPATCH_GATHER_SECONDS + 0.5)
        # Measured from before the key was set, it ends before the key does.
        _asked_until = asking_at + DISPATCH_GATHER_SECONDS


# --- dispatching -----------------------------------------------------------------------

SENDERS = {Notification.Channel.EMAIL: send_email, Notification.Channel.SMS: send_sms}


@dataclass
class Dispatched:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    parked: int = 0


def _pending(now: datetime) -> Q:
    return Q(sent_at=None, parked_at=None, next_attempt_at__lte=now) & (
        Q(claimed_until=None) | Q(claimed_until__lt=now)
    )


@transaction.atomic
def outbox_claim(*, now: datetime, limit: int, ids: list[int] | None = None) -> list[Notification]:
    """Lease up to `limit` due rows to this caller.

    The rows are locked while being leased, skipping those another dispatcher holds, so two
    dispatchers never lease the same row; the lease (`claimed_until`) outlives the send, and
    once it runs out an unsent row is due again.
    """
    rows = Notification.objects.select_for_update(skip_locked=True).filter(_pending(now))
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    rows = list(rows.order_by("next_attempt_at", "id")[:limit])
    lease = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
        claimed_until=lease, attempts=F("attempts") + 1
    )
    for n in rows:
        n.claimed_until, n.attempts = lease, n.attempts + 1
    return rows


def outbox_dispatch(
    *, ids: list[int] | None = None, limit: int = 100, now: datetime | None = None
) -> Dispatched:
    """Send the due rows (these `ids`, or the oldest `limit`), each at least once.

    The rows the backends accepted are marked sent together at the end of the batch (one
    write instead of one commit a message): a worker killed mid-batch leaves them leased,
    to be sent again when the lease runs out.
    """
    result, sent = Dispatched(), []
    for notification in outbox_claim(now=now or timezone.now(), limit=limit, ids=ids):
        if timezone.now() >= notification.claimed_until:
            break  # slow sends ate the lease: the rest may be someone else's by now
        result.claimed += 1
        outcome = _send(notification)
        if outcome == "sent":
            sent.append(notification.pk)
        setattr(result, outcome, getattr(result, outcome) + 1)
    # Only now, after the backend accepted them. The PIN is not kept any longer.
    Notification.objects.filter(pk__in=sent, sent_at=None).update(
        sent_at=timezone.now(), claimed_until=None, secret="", last_error=""
    )
    return result


def _send(notification: Notification) -> str:
    try:
        SENDERS[notification.channel](notification)
    except PermanentFailure as exc:
        return _park(notification, str(exc))
    except Exception as exc:  # the backend's own errors: network, timeouts, 5xx
        if notification.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            return _park(notification, f"{type(exc).__name__}: {exc}")
        delay = min(
            settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (notification.attempts - 1),
            settings.OUTBOX_RETRY_MAX_SECONDS,
        )
        Notification.objects.filter(pk=notification.pk, sent_at=None).update(
            claimed_until=None,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            last_error=f"{type(exc).__name__}: {exc}",
        )
        logger.warning("Notification %s failed, retry in %ss: %s", notification.pk, delay, exc)
        return "retried"
    return "sent"


def _park(notification: Notification, error: str) -> str:
    Notification.objects.filter(pk=notification.pk, sent_at=None).update(
        parked_at=timezone.now(), claimed_until=None, secret="", last_error=error
    )
    logger.error("Notification %s parked: %s", notification.pk, error)
    return "parked"


@transaction.atomic
def notifications_resend(*, ids: list[int]) -> int:
    """Give parked (or failed) rows a fresh start; an administrator's decision."""
    count = Notification.objects.filter(pk__in=ids, sent_at=None).update(
        parked_at=None, claimed_until=None, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        enqueue_after_commit()
    return count


# --- staff alerts ----------------------------------------------------------------------


def staff_alerts_mark_read(*, alerts, now: datetime | None = None) -> int:
    """Mark these alerts read (the caller has chosen them among the user's own)."""
    return alerts.filter(read_at=None).update(read_at=now or timezone.now())
