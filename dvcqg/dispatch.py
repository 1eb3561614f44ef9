"""Sending the outbox to the national portal: in order per case, many cases at once.

A dispatcher leases whole cases (`PortalCase.claimed_until`, claimed with SKIP LOCKED, so two
dispatchers never hold one case) and sends each leased case's unsent messages one at a time
in id order, which is the order of its steps; cases go concurrently, each on a thread of a
pool (`DVCQG_CONCURRENCY`), so a slow portal costs waiting, not throughput. When a message
fails, the rest of its case stays where it is and other cases go on:

- a passing fault (no answer, a timeout, a 5xx, a reply that is not JSON, a "try again"
  code) is retried with exponential backoff: the case waits (`wait_until`), its messages
  too;
- a refusal, or a field the portal would refuse (found before sending,
  `payloads.problems`), parks the message with the reason and holds the case's later
  messages until an administrator pushes the case again (`services.push_again`);
- "already exists" to a new case record is answered at once with the update.

A message is marked sent only once the portal acknowledged it. A worker killed mid-send
leaves its cases leased until the lease runs out; then another sends from the first unsent
message again. Sending twice is harmless: every message carries the full state and the
portal keys cases on `MaHoSo`. A sender stops before a send could outlast its lease, so a
case's messages never go out from two senders at once.

A pending message's `next_attempt_at` is when its case may next be leased: a claim moves it
to the lease's end (or to the case's retry time), and a finished case's messages that
arrived meanwhile are due again at once.
"""

import logging
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.kept import renew_stamp
from onestop.bulk import update_each

from . import client, payloads
from .client import Outcome, Reply
from .models import Message, PortalCase, Service
from .selectors import ACKNOWLEDGED_STAMP

logger = logging.getLogger(__name__)

CHAIN_MAX = 100  # messages of one case per lease
SCAN_FACTOR = 8  # due rows read per case wanted: a busy case has several


@dataclass
class Chain:
    """A leased case and its unsent messages, oldest first."""

    portal_case: PortalCase
    messages: list[Message]
    lease_until: datetime


@dataclass
class Sent:
    """What sending a chain did: the messages acknowledged (with when), and where it stopped."""

    chain: Chain
    acknowledged: list[tuple[Message, datetime, Reply]] = field(default_factory=list)
    failed: Message | None = None
    reply: Reply | None = None
    refused: bool = False


@dataclass
class Dispatched:
    cases: int = 0
    sent: int = 0
    retried: int = 0
    parked: int = 0


def _pending() -> Q:
    return Q(sent_at=None, parked_at=None)


# --- leasing cases ------------------------------------------------------------------------


@transaction.atomic
def claim(*, now: datetime, cases: int) -> list[Chain]:
    """Lease up to `cases` cases with messages due, oldest first, with their messages.

    Cases found due but held (a parked message) have their new messages parked behind it;
    cases found waiting (a retry time, or another dispatcher's lease) have them put off to
    then, so that the scan of due messages does not meet them again.
    """
    lease = now + timedelta(seconds=settings.DVCQG_LEASE_SECONDS)
    free, put_off = [], True
    while not free and put_off:  # the cases put off no longer show: look again
        due = (
            Message.objects.filter(_pending(), next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("case_id", flat=True)[: cases * SCAN_FACTOR]
        )
        candidates = list(dict.fromkeys(due))
        if not candidates:
            return []
        free, put_off = _lease_candidates(candidates, now=now, cases=cases)
    ids = [p.case_id for p in free]
    PortalCase.objects.filter(case_id__in=ids).update(claimed_until=lease, wait_until=None)
    Message.objects.filter(_pending(), case_id__in=ids).update(next_attempt_at=lease)
    chains = {p.case_id: Chain(p, [], lease) for p in free}
    for message in Message.objects.filter(_pending(), case_id__in=ids).order_by("case_id", "id"):
        chain = chains[message.case_id]
        if len(chain.messages) < CHAIN_MAX:
            chain.messages.append(message)
    for portal_case in free:
        portal_case.claimed_until, portal_case.wait_until = lease, None
    return list(chains.values())


def _lease_candidates(candidates: list[int], *, now, cases: int) -> tuple[list, bool]:
    """(the free cases among the candidates, at most `cases`; whether any was put off)."""
    PortalCase.objects.bulk_create(
        [PortalCase(case_id=case_id) for case_id in candidates], ignore_conflicts=True
    )
    # Skipped: those another dispatcher is claiming or finishing right now.
    locked = {
        p.case_id: p
        for p in PortalCase.objects.select_for_update(skip_locked=True).filter(
            case_id__in=candidates
        )
    }
    free, later, held = [], {}, []
    for case_id in candidates:
        portal_case = locked.get(case_id)
        if portal_case is None:
            continue
        if portal_case.held_by_id:
            held.append(portal_case)
        elif portal_case.claimed_until and portal_case.claimed_until > now:
            later.setdefault(portal_case.claimed_until, []).append(case_id)
        elif portal_case.wait_until and portal_case.wait_until > now:
            later.setdefault(portal_case.wait_until, []).append(case_id)
        elif len(free) < cases:
            free.append(portal_case)
    for portal_case in held:
        Message.objects.filter(_pending(), case_id=portal_case.case_id).update(
            parked_at=now, last_error=f"held behind message #{portal_case.held_by_id}"
        )
    for until, case_ids in later.items():
        Message.objects.filter(_pending(), case_id__in=case_ids, next_attempt_at__lte=now).update(
            next_attempt_at=until
        )
    return free, bool(held or later)


# --- sending --------------------------------------------------------------------------------


def send_chain(chain: Chain) -> Sent:
    """Send a case's messages in order until one fails (runs on a thread of the pool)."""
    result = Sent(chain)
    known = chain.portal_case.acknowledged_at is not None
    # A send must end before the lease does: a case is never sent by two dispatchers.
    margin = timedelta(seconds=3 * settings.DVCQG_TIMEOUT + 1)
    for message in chain.messages:
        if timezone.now() + margin >= chain.lease_until:
            break
        found = payloads.problems(message.service, message.payload)
        if found:
            reply = Reply(
                Outcome.REFUSED, "not sent, the portal would refuse it: " + "; ".join(found)
            )
        else:
            reply = _deliver(message, known)
        if reply.outcome != Outcome.OK:
            result.failed, result.reply = message, reply
            result.refused = reply.outcome != Outcome.RETRY
            break
        result.acknowledged.append((message, timezone.now(), reply))
        known = known or message.service == Service.CASE
    return result


def _deliver(message: Message, known: bool) -> Reply:
    try:
        if message.service != Service.CASE:
            reply = client.call(message.service, data=[message.payload])
            # A progress row the portal has already: as good as sent.
            return (
                Reply(Outcome.OK, reply.detail, reply.body)
                if reply.outcome == Outcome.EXISTS
                else reply
            )
        reply = client.call(
            Service.CASE, isUpdating="True" if known else "False", data=[message.payload]
        )
        if reply.outcome == Outcome.EXISTS:  # the portal has the case: this is its update
            reply = client.call(Service.CASE, isUpdating="True", data=[message.payload])
        return (
            Reply(Outcome.OK, reply.detail, reply.body)
            if reply.outcome == Outcome.EXISTS
            else reply
        )
    except Exception as exc:  # a fault of ours must hold this case only, not the batch
        logger.exception("Sending portal message %s failed", message.pk)
        return Reply(Outcome.RETRY, f"{type(exc).__name__}: {exc}")


# --- recording what was sent -------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    seconds = settings.DVCQG_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.DVCQG_RETRY_MAX_SECONDS))


@transaction.atomic
def finish(results: list[Sent], stats: Dispatched) -> None:
    """Record what the chains did, and release their cases."""
    # The cases first, then their messages, as `claim` takes them: never a deadlock.
    list(
        PortalCase.objects.select_for_update()
        .filter(case_id__in=[r.chain.portal_case.case_id for r in results])
        .values_list("case_id", flat=True)
    )
    now = timezone.now()
    acknowledged, failed, portal_cases, again = [], [], [], []
    first_acknowledged = False
    for result in results:
        portal_case = result.chain.portal_case
        stats.cases += 1
        for message, at, reply in result.acknowledged:
            message.sent_at, message.attempts = at, message.attempts + 1
            message.reply, message.last_error = reply.body or None, ""
            acknowledged.append(message)
            portal_case.last_sent_at = at
            if message.service == Service.CASE and portal_case.acknowledged_at is None:
                portal_case.acknowledged_at = at
                first_acknowledged = True
        stats.sent += len(result.acknowledged)
        portal_case.claimed_until = None
        message = result.failed
        if message is None:
            again.append(portal_case.case_id)
        elif result.refused:
            message.parked_at, message.attempts = now, message.attempts + 1
            message.last_error, message.reply = result.reply.detail, result.reply.body or None
            failed.append(message)
            portal_case.held_by = message
            Message.objects.filter(_pending(), case_id=message.case_id, id__gt=message.pk).update(
                parked_at=now, last_error=f"held behind message #{message.pk}"
            )
            stats.parked += 1
            logger.warning("Portal message %s parked: %s", message.pk, result.reply.detail)
        else:
            message.attempts += 1
            retry_at = now + _backoff(message.attempts)
            message.last_error, message.reply = result.reply.detail, result.reply.body or None
            failed.append(message)
            portal_case.wait_until = retry_at
            Message.objects.filter(_pending(), case_id=message.case_id).exclude(
                pk=message.pk
            ).update(next_attempt_at=retry_at)
            message.next_attempt_at = retry_at
            stats.retried += 1
            logger.info(
                "Portal message %s: %s; retry at %s", message.pk, message.last_error, retry_at
            )
        portal_cases.append(portal_case)
    update_each(acknowledged, ["sent_at", "attempts", "reply", "last_error"])
    update_each(failed, ["parked_at", "attempts", "last_error", "reply", "next_attempt_at"])
    # Whatever arrived for them meanwhile (or was past the lease's end) is due now.
    Message.objects.filter(_pending(), case_id__in=again).update(next_attempt_at=now)
    update_each(
        portal_cases, ["claimed_until", "wait_until", "held_by", "acknowledged_at", "last_sent_at"]
    )
    if first_acknowledged:
        renew_stamp(ACKNOWLEDGED_STAMP)  # indicator 1.4's cached reports are stale now


# --- the loop -----------------------------------------------------------------------------------


def dispatch(*, seconds: float = 50) -> Dispatched:
    """Send what is due for up to `seconds`, then until the cases in flight are done."""
    stats = Dispatched()
    deadline = monotonic() + seconds
    threads = settings.DVCQG_CONCURRENCY
    if threads <= 1:  # in the caller's thread (and database connection)
        while monotonic() < deadline:
            chains = claim(now=timezone.now(), cases=8)
            if not chains:
                break
            finish([send_chain(chain) for chain in chains], stats)
        return stats
    with ThreadPoolExecutor(threads, thread_name_prefix="dvcqg") as pool:
        running, found_none_at = set(), None
        while True:
            # Chains enough to keep every thread busy and the next ones ready, leased a batch
            # at a time (a claim costs the same for one case as for many).
            room = 4 * threads - len(running)
            # After a claim that found nothing, ask again only now and then.
            rested = found_none_at is None or monotonic() - found_none_at > 0.25 or not running
            if (room >= threads or not running) and rested and monotonic() < deadline:
                chains = claim(now=timezone.now(), cases=room)
                found_none_at = monotonic() if len(chains) < room else None
                running |= {pool.submit(_on_thread, chain) for chain in chains}
            if not running:
                return stats
            done, running = wait(running, timeout=0.25, return_when=FIRST_COMPLETED)
            if done:
                finish([future.result() for future in done], stats)


def _on_thread(chain: Chain) -> Sent:
    try:
        return send_chain(chain)
    finally:
        if not settings.DVCQG_URL:  # the simulator in this process used this thread's database
            from .simulator import close_connections

            close_connections()
