"""The outbox: messages written with their cause, then dispatched after commit.

Writing: `notify_applicant` renders the message about one case step for the applicant's
channels, in the same transaction as the step, and asks for a dispatch after commit.
Dispatching: `outbox_dispatch` claims rows with a lease and hands them to their channels
(`notifications.delivery`), which record every attempt and mark a row sent only once a
provider has accepted it.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cases import seams
from cases.models import Case, CaseEvent
from onestop.tasks import enqueue

from . import compose, delivery
from .delivery import Dispatched
from .models import PIN_PLACEHOLDER, Notification, Suppression

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
    """Queue the message about this step to the applicant: by each channel they chose, or
    by their channels in order, one falling back to the next (`notifications.compose`).

    The message is a function of the step's action: a template per action
    (`notifications/applicant/<action>.txt` and `.sms.txt`); a step without one is silent.
    """
    rows = compose.applicant_messages(
        case=case, event=event, context_of=lambda: _applicant_context(case, event)
    )
    if not rows:
        return []
    notifications = Notification.objects.bulk_create(rows)
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
    """Send the due rows (these `ids`, or the oldest `limit`), each by the applicant's
    channels in order, recording every attempt (`notifications.delivery`).

    The rows the providers accepted are marked sent together at the end of the batch (one
    write instead of one commit a message): a worker killed mid-batch leaves them leased,
    to be sent again when the lease runs out (or, on a provider that takes no idempotency
    key, held for an administrator: their attempts were claimed).
    """
    rows = outbox_claim(now=now or timezone.now(), limit=limit, ids=ids)
    result = Dispatched(claimed=len(rows))
    delivery.deliver(rows, result)
    if result.fell_back or result.waiting:
        enqueue_after_commit()  # what waits for a probe or fell back late goes soon
    return result


DISPATCH_BATCH = 200
BATCHES_AT_ONCE = 3


def outbox_drain(*, seconds: float) -> int:
    """Send every due row, a batch after another, for at most `seconds`; how many were sent.

    On PostgreSQL, once a batch comes full (more are waiting), BATCHES_AT_ONCE batches are
    under way at once, each on a connection of its own: while one waits for the providers'
    answers, the others claim or record their rows, instead of the senders standing idle
    for the database (10,000 Zalo messages to a provider answering in 100 ms, 512 in
    flight, 2 cores, runs in turn: 910/s one batch at a time, 1,480-1,580/s two,
    1,610-1,910/s three, 1,880/s four). A person's two messages on either side of a
    batch's end may then arrive in either order, as with two workers; within a batch they
    go in order. The embedded SQLite takes one writer at a time: one batch.
    """
    deadline = monotonic() + seconds

    def batches() -> int:
        sent = 0
        while monotonic() < deadline:
            result = outbox_dispatch(limit=DISPATCH_BATCH)
            sent += result.sent
            if result.claimed < DISPATCH_BATCH:
                break
        return sent

    first = outbox_dispatch(limit=DISPATCH_BATCH)
    if first.claimed < DISPATCH_BATCH:
        return first.sent  # all there was: no other connection for it
    if connection.vendor != "postgresql":
        return first.sent + batches()

    def beside() -> int:
        try:
            return batches()
        finally:
            connection.close()  # this thread's own

    others = BATCHES_AT_ONCE - 1
    with ThreadPoolExecutor(max_workers=others, thread_name_prefix="outbox-batch") as pool:
        besides = [pool.submit(beside) for _ in range(others)]
        sent = first.sent + batches()
        return sent + sum(other.result() for other in besides)


@transaction.atomic
def notifications_resend(*, ids: list[int]) -> int:
    """Give parked (or failed) rows a fresh start; an administrator's decision, which
    also lifts the suppression of their addresses (the administrator checked them)."""
    rows = Notification.objects.filter(pk__in=ids, sent_at=None)
    for channel, address in rows.values_list("channel", "recipient"):
        Suppression.objects.filter(channel=channel, address=address).delete()
    count = rows.update(
        parked_at=None, claimed_until=None, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        enqueue_after_commit()
    return count


# --- staff alerts ----------------------------------------------------------------------


def staff_alerts_mark_read(*, alerts, now: datetime | None = None) -> int:
    """Mark these alerts read (the caller has chosen them among the user's own)."""
    return alerts.filter(read_at=None).update(read_at=now or timezone.now())
