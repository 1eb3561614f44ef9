"""Handing leased outbox rows to their channels, many at once, and recording each attempt.

A round over a batch of leased rows:

1. **Decide, in the database, what may go now.** An address suppressed on its channel
   falls back at once; a channel whose provider is down waits until its next probe (one
   row probes it, the others follow once it answers), so the waiting rows share one time
   and go in order when it is back; a non-transactional message waits for the end of the
   night on the channels that keep sending hours; a channel's daily quota, once spent,
   holds the rest until the next day, in order. A row whose last attempt on a provider
   that takes no idempotency key never answered (a timeout after it was sent, or a worker
   that died mid-send) is never sent again on its own: it waits for the delivery report,
   then is parked for an administrator.
2. **Claim the attempts**: one row each, committed before any provider is called.
3. **Send**, outside any transaction, up to `MESSAGING_CONCURRENCY` at once, so that a
   provider that takes 100 ms does not hold a worker to ten messages a second: the HTTP
   providers' from one event loop (`channels.http`), the others from a pool of threads.
   The messages to one address go one after another, in order, each only while the lease
   lasts.
4. **Record** the outcomes: delivered rows are marked sent; a transient failure retries
   the channel with backoff; a failure of the channel or of the person moves the row to
   the applicant's next channel (once each), sent in the next round of the same call; a
   row with nowhere left to go is parked.
"""

import logging
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from functools import cache

from django.conf import settings
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.utils import timezone

from onestop.bulk import update_each

from .channels import Message, NoContent, Result, channel
from .channels.http import HttpChannel, send_all
from .channels.zalo import next_morning
from .compose import CARE_ACTIONS, address_on, context_from, render
from .models import (
    ChannelDay,
    ChannelOutage,
    DeliveryAttempt,
    Notification,
    Outcome,
    Suppression,
)

logger = logging.getLogger(__name__)


@dataclass
class Dispatched:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    parked: int = 0
    fell_back: int = 0
    waiting: int = 0


@dataclass
class Sending:
    row: Notification
    message: Message
    attempt: DeliveryAttempt | None = None
    result: Result | None = None  # None: not sent (the lease ran out first)


@dataclass
class Round:
    now: datetime
    sending: list[Sending] = field(default_factory=list)
    probing: dict[str, Sending] = field(default_factory=dict)  # channel → its probe
    after_probe: dict[str, list[Notification]] = field(default_factory=lambda: defaultdict(list))
    next_round: list[Notification] = field(default_factory=list)


MAX_ROUNDS = 4  # the first channel and at most three fallbacks


def deliver(rows: list[Notification], result: Dispatched) -> None:
    """Send these leased rows; a row that falls back goes again in the next round."""
    for _ in range(MAX_ROUNDS):
        if not rows:
            return
        rows = _round(rows, result)


def _round(rows: list[Notification], result: Dispatched) -> list[Notification]:
    work = Round(now=timezone.now())
    _decide(rows, work, result)
    _claim_attempts(work)
    _send(work)
    _record(work, result)
    return work.next_round


# --- 1. what may go now --------------------------------------------------------------------


def _decide(rows: list[Notification], work: Round, result: Dispatched) -> None:
    now = work.now
    unanswered = _unanswered_attempts([r for r in rows if r.attempts > 1])
    suppressed = set(
        Suppression.objects.filter(
            channel__in={r.channel for r in rows}, address__in={r.recipient for r in rows}
        ).values_list("channel", "address")
    )
    down = ChannelOutage.objects.filter(channel__in={r.channel for r in rows})
    outages = {outage.channel: outage for outage in down}
    candidates: dict[str, list[Notification]] = defaultdict(list)
    for row in rows:
        ch = channel(row.channel)
        attempt = unanswered.get((row.pk, row.channel))
        if attempt is not None and not ch.takes_key:
            _unanswered(row, attempt, now, result)
        elif (row.channel, row.recipient) in suppressed:
            _fall_back(row, work, result, reason=f"{row.channel} address suppressed")
        elif (outage := outages.get(row.channel)) and outage.retry_at > now:
            _wait(row, outage.retry_at, "provider down: waiting for its next probe", result)
        elif (
            row.kind in CARE_ACTIONS
            and row.channel in settings.MESSAGING_NIGHT_CHANNELS
            and (_is_night(now))
        ):
            _wait(row, next_morning(now), "not at night", result)
        else:
            candidates[row.channel].append(row)
    for name, waiting in candidates.items():
        allowed = _take_quota(name, len(waiting), now)
        for row in waiting[allowed:]:
            _wait(row, _tomorrow(now), f"daily quota of {name} spent", result)
        ch = channel(name)
        if hasattr(ch, "prepare"):
            ch.prepare()
        for row in waiting[:allowed]:
            try:
                message = ch.content(row)
            except NoContent as exc:
                _fall_back(row, work, result, reason=str(exc))
                continue
            if name in outages and name not in work.probing:
                work.probing[name] = sending = Sending(row, message)
                work.sending.append(sending)
            elif name in outages:
                work.after_probe[name].append(row)
            else:
                work.sending.append(Sending(row, message))


def _unanswered_attempts(rows: list[Notification]) -> dict[tuple[int, str], DeliveryAttempt]:
    if not rows:
        return {}
    attempts = DeliveryAttempt.objects.filter(
        notification__in=rows, outcome__in=[Outcome.SENDING, Outcome.UNKNOWN]
    )
    return {(a.notification_id, a.channel): a for a in attempts}


def _unanswered(row: Notification, attempt: DeliveryAttempt, now: datetime, result) -> None:
    """The provider may have this message already: wait for its delivery report, then
    leave it to an administrator; never send it again on our own."""
    if attempt.outcome == Outcome.SENDING:  # the worker died mid-send
        DeliveryAttempt.objects.filter(pk=attempt.pk).update(
            outcome=Outcome.UNKNOWN, finished_at=now, reply="no answer recorded"
        )
    waited_until = attempt.started_at + timedelta(seconds=settings.MESSAGING_UNKNOWN_WAIT_SECONDS)
    if now < waited_until:
        _wait(row, waited_until, "outcome unknown: waiting for the delivery report", result)
    else:
        _park(row, "outcome unknown (no answer, no delivery report): not sent again", result)


def _is_night(now: datetime) -> bool:
    start, end = settings.MESSAGING_NIGHT
    hour = timezone.localtime(now).hour
    return hour >= start or hour < end


def _tomorrow(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return timezone.make_aware(
        datetime.combine(local.date() + timedelta(days=1), time()), local.tzinfo
    )


def _take_quota(name: str, wanted: int, now: datetime) -> int:
    """How many of `wanted` messages the channel's daily quota still allows (taken)."""
    quota = settings.MESSAGING_DAILY_QUOTA.get(name, 0)
    if not quota:
        return wanted
    day = timezone.localtime(now).date()
    ChannelDay.objects.get_or_create(channel=name, day=day)
    with transaction.atomic():
        today = ChannelDay.objects.select_for_update().get(channel=name, day=day)
        granted = max(0, min(wanted, quota - today.used))
        ChannelDay.objects.filter(pk=today.pk).update(used=today.used + granted)
    return granted


# --- 2. claim, 3. send ---------------------------------------------------------------------


def _claim_attempts(work: Round) -> None:
    for sending in work.sending:
        sending.attempt = DeliveryAttempt(
            notification=sending.row,
            channel=sending.row.channel,
            recipient=sending.message.to,
            key=sending.message.key,
            started_at=work.now,
        )
    DeliveryAttempt.objects.bulk_create([s.attempt for s in work.sending])


@cache
def _pool(size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=size, thread_name_prefix="outbox-send")


def _send(work: Round) -> None:
    """Each address's messages in order, the addresses at once: the HTTP providers' from
    one event loop, the others (SMTP, a gateway backend) from a pool of threads."""
    by_address: dict[tuple[str, str], list[Sending]] = defaultdict(list)
    for sending in work.sending:
        by_address[(sending.row.channel, sending.message.to)].append(sending)
    over_http, others = [], []
    for (name, _address), sendings in by_address.items():
        (over_http if isinstance(channel(name), HttpChannel) else others).append(sendings)

    def send_in_order(sendings: list[Sending]) -> None:
        for sending in sendings:
            if timezone.now() >= sending.row.claimed_until:
                return  # slow sends ate the lease: the rest may be someone else's by now
            try:
                sending.result = channel(sending.row.channel).send(sending.message)
            except Exception as exc:
                sending.result = _own_bug(sending, exc)

    async def send_in_order_async(sendings: list[Sending], limit) -> None:
        for sending in sendings:
            if timezone.now() >= sending.row.claimed_until:
                return
            try:
                sending.result = await channel(sending.row.channel).send_async(
                    sending.message, limit
                )
            except Exception as exc:
                sending.result = _own_bug(sending, exc)

    threads = [_pool(settings.MESSAGING_CONCURRENCY).submit(send_in_order, s) for s in others]
    if over_http:
        send_all(lambda limit: [send_in_order_async(s, limit) for s in over_http])
    for thread in threads:
        thread.result()


def _own_bug(sending: Sending, exc: Exception) -> Result:
    """A channel's own bug: retried, and logged."""
    logger.exception("Channel %s failed on %s", sending.row.channel, sending.row.pk, exc_info=exc)
    return Result(Outcome.RETRY, reply=f"{type(exc).__name__}: {exc}")


# --- 4. record -----------------------------------------------------------------------------


def _record(work: Round, result: Dispatched) -> None:
    now = timezone.now()
    answered = [s for s in work.sending if s.result is not None]
    unsent = [s.attempt.pk for s in work.sending if s.result is None]
    if unsent:
        DeliveryAttempt.objects.filter(pk__in=unsent).delete()
    for sending in answered:
        attempt, answer = sending.attempt, sending.result
        attempt.outcome, attempt.finished_at = answer.outcome, now
        attempt.reply, attempt.provider_id = answer.reply[:2000], answer.provider_id[:80]
    update_each([s.attempt for s in answered], ["outcome", "finished_at", "reply", "provider_id"])
    for name in {s.row.channel for s in work.sending}:
        ch = channel(name)
        if hasattr(ch, "finish"):
            ch.finish()

    # A channel whose every answer this round was a transient failure (or none came) is
    # down: its rows wait together for one probe. Otherwise a failing row backs off alone.
    down = {s.row.channel for s in answered if _transient(s.result)} - {
        s.row.channel for s in answered if not _transient(s.result)
    }
    down_until = {name: _outage(name, now) for name in down}
    sent = []
    for sending in answered:
        row, answer = sending.row, sending.result
        if answer.outcome == Outcome.DELIVERED:
            sent.append(row.pk)
        elif answer.outcome == Outcome.RETRY and (answer.retry_now or answer.not_before):
            _wait(row, answer.not_before or now, answer.reply, result, counts=True)
        elif answer.outcome == Outcome.RETRY:
            backoff = min(
                settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (row.attempts - 1),
                settings.OUTBOX_RETRY_MAX_SECONDS,
            )
            _retry(row, down_until.get(row.channel) or now + timedelta(seconds=backoff),
                   answer.reply, result)  # fmt: skip
        elif answer.outcome == Outcome.UNKNOWN:
            later = now + timedelta(seconds=settings.MESSAGING_UNKNOWN_WAIT_SECONDS)
            _wait(row, later, f"outcome unknown: {answer.reply}", result, counts=True)
        else:
            if answer.outcome == Outcome.PERSON_FAILED:
                Suppression.objects.bulk_create(
                    [Suppression(channel=row.channel, address=row.recipient,
                                 reason=answer.reply[:255])],
                    ignore_conflicts=True,
                )  # fmt: skip
            _fall_back(row, work, result, reason=answer.reply)
    # Only now, after the providers accepted them. The PIN is not kept any longer.
    Notification.objects.filter(pk__in=sent, sent_at=None).update(
        sent_at=now, claimed_until=None, secret="", last_error=""
    )
    result.sent += len(sent)

    answered_channels = {s.row.channel for s in answered} - down
    if up := answered_channels & set(work.probing):
        ChannelOutage.objects.filter(channel__in=up).delete()
    for name, rows in work.after_probe.items():
        if name in answered_channels:
            work.next_round += rows  # it is back: they go now, in order
        else:  # still down, or the probe never went (the lease ran out)
            for row in rows:
                _wait(row, down_until.get(name, now), "waiting for the provider", result)


def _transient(answer: Result) -> bool:
    return answer.outcome == Outcome.UNKNOWN or (
        answer.outcome == Outcome.RETRY and not (answer.retry_now or answer.not_before)
    )


def _outage(name: str, now: datetime) -> datetime:
    """The channel failed again: when to probe it next (backoff doubling, capped)."""
    outage, _ = ChannelOutage.objects.get_or_create(
        channel=name, defaults={"retry_at": now, "failures": 0}
    )
    failures = outage.failures + 1
    delay = min(
        settings.OUTBOX_RETRY_BASE_SECONDS * 2 ** (failures - 1),
        settings.OUTBOX_RETRY_MAX_SECONDS,
    )
    retry_at = now + timedelta(seconds=delay)
    ChannelOutage.objects.filter(channel=name).update(failures=failures, retry_at=retry_at)
    logger.warning("Channel %s failing (%d in a row): next try at %s", name, failures, retry_at)
    return retry_at


def _retry(row: Notification, at: datetime, error: str, result: Dispatched) -> None:
    if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _park(row, error, result)
        return
    Notification.objects.filter(pk=row.pk, sent_at=None).update(
        claimed_until=None, next_attempt_at=at, last_error=error
    )
    result.retried += 1


def _wait(row, at: datetime, reason: str, result: Dispatched, *, counts: bool = False) -> None:
    """Not sent now: due again at `at`. A wait that called no provider costs no attempt."""
    Notification.objects.filter(pk=row.pk, sent_at=None).update(
        claimed_until=None,
        next_attempt_at=at,
        last_error=reason[:2000],
        attempts=row.attempts if counts else max(row.attempts - 1, 0),
    )
    if counts:
        result.retried += 1
    else:
        result.waiting += 1


def _fall_back(row: Notification, work: Round, result: Dispatched, *, reason: str) -> None:
    """The applicant's next channel carries the message (in this call's next round)."""
    plan = row.channels or [row.channel]
    for name in plan[plan.index(row.channel) + 1 :] if row.channel in plan else []:
        address = address_on(row, name)
        if not address:
            continue
        subject = body = ""
        if name != Notification.Channel.ZALO:
            try:
                subject, body = render(row.kind, name, context_from(row.params), row.language)
            except TemplateDoesNotExist:
                continue
        row.channel, row.recipient, row.subject, row.body = name, address, subject, body
        Notification.objects.filter(pk=row.pk).update(
            channel=name, recipient=address, subject=subject, body=body,
            last_error=f"fell back to {name}: {reason}"[:2000],
        )  # fmt: skip
        result.fell_back += 1
        work.next_round.append(row)
        return
    _park(row, reason, result)


def _park(row: Notification, error: str, result: Dispatched) -> None:
    Notification.objects.filter(pk=row.pk, sent_at=None).update(
        parked_at=timezone.now(), claimed_until=None, secret="", last_error=error[:2000]
    )
    logger.error("Notification %s parked: %s", row.pk, error)
    result.parked += 1
