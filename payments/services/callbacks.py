"""The gateway's callbacks (IPN) and the reconciliation that recovers those never received.

A callback is applied exactly once: it is kept in the inbox (`GatewayCallback`) as it came,
then applied in a transaction that claims the inbox row (`SKIP LOCKED`), locks the payment
request, checks its state, and marks the row processed. A gateway transaction id pays at
most one request (a unique column). A burst of callbacks is applied in batches: one drain
task claims many rows in one transaction, each applied in its own savepoint.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime
from time import monotonic

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from cases.models.case import FINAL_STATES
from cases.services import SystemActor
from onestop.ratelimit import Hit, Limit, exceeded
from onestop.tasks import enqueue

from .. import selectors
from ..gateways import GatewayError, gateway
from ..models import CallbackOutcome, GatewayCallback, PaymentRequest, PaymentState
from .requests import PAYMENTS, locked, record_on_case, settle

logger = logging.getLogger(__name__)


# What is kept of a body that is not a gateway's message at all (not JSON, not a form).
UNPARSED_EXCERPT_CHARS = 500


class CallbackThrottled(Exception):
    """This client sent too many callbacks, or too many unsigned ones (HTTP 429): nothing
    was kept; `wait` seconds until it may send again."""

    def __init__(self, wait: int):
        super().__init__(wait)
        self.wait = wait


@transaction.atomic
def callback_receive(
    *,
    gateway_name: str,
    payload,
    source: str = "callback",
    enqueue: bool = True,
    client: str | None = None,
) -> tuple[GatewayCallback, dict]:
    """Keep a callback in the inbox whatever it says, and the gateway's reply to it.

    A bad checksum is kept and logged, never applied. A good one is applied by the drain
    task asked for after commit (one for a burst); if the broker is down, the sweep
    applies it. From a `client` over its limits (PAYGOV_CALLBACK_RATE,
    PAYGOV_CALLBACK_MAX_REJECTED_PER_HOUR for bad checksums) nothing is kept:
    `CallbackThrottled`.
    """
    module = gateway(gateway_name)
    if not isinstance(payload, dict):
        payload = {"_body": str(payload)[:UNPARSED_EXCERPT_CHARS]}
    # PostgreSQL's JSON cannot hold NUL; such a callback is forged or broken anyway.
    payload = _without_nul(payload)
    ok = module.verify(payload)
    if client is not None:
        wait = exceeded(_limits_of(client, ok))
        if wait is not None:
            raise CallbackThrottled(wait)
    reference, transaction_id = module.identify(payload)
    callback = GatewayCallback.objects.create(
        gateway=gateway_name,
        payload=payload,
        checksum_ok=ok,
        reference=reference[:40],
        transaction_id=transaction_id[:64],
        source=source,
        outcome=CallbackOutcome.RECEIVED if ok else CallbackOutcome.REJECTED,
        processed_at=None if ok else timezone.now(),
        note="" if ok else "bad checksum or partner code",
    )
    if ok and enqueue:
        transaction.on_commit(_ask_for_drain, robust=True)
    elif not ok:
        logger.warning(
            "%s callback %s rejected: bad checksum (reference %r)",
            gateway_name,
            callback.pk,
            callback.reference,
        )
    return callback, module.reply(ok)


def _limits_of(client: str, ok: bool) -> list[Hit]:
    hits = [Hit(Limit.parse("gateway-callback", settings.PAYGOV_CALLBACK_RATE), client)]
    if not ok:  # a signed callback comes from the gateway: its own failures never hold it back
        limit = Limit(
            "gateway-callback-rejected", settings.PAYGOV_CALLBACK_MAX_REJECTED_PER_HOUR, 3600
        )
        hits.append(Hit(limit, client))
    return hits


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


# Callbacks gather for a moment under one drain task, which applies every row received: a
# burst of callbacks costs one task, not one a callback (a task per callback capped the
# rate at the rate a worker takes tasks, whatever the work). The task runs half a second
# after the gathering ends, for the clocks of the web and worker hosts: every callback
# that found a task asked for has committed by then. A process that asked itself knows
# without the cache until its own gathering ends.
DRAIN_GATHER_SECONDS = 0.5
DRAIN_ASKED_KEY = "payments:drain-asked"
_asked_until = 0.0  # monotonic: this process's gathering ends then


def _ask_for_drain() -> None:
    global _asked_until
    asking_at = monotonic()
    if asking_at < _asked_until:
        return
    if cache.add(DRAIN_ASKED_KEY, True, timeout=DRAIN_GATHER_SECONDS):
        # No retries: the gateway waits for our answer, and the sweep applies what is not
        # asked for.
        enqueue("payments.tasks.drain_callbacks", countdown=DRAIN_GATHER_SECONDS + 0.5, retry=False)
        # Measured from before the key was set, it ends before the key does.
        _asked_until = asking_at + DRAIN_GATHER_SECONDS


@transaction.atomic
def callback_apply(*, callback_id: int, now: datetime | None = None) -> str | None:
    """Apply one inbox row exactly once; its outcome, or None if it was not ours to apply.

    The row is claimed with SKIP LOCKED and marked processed in the same transaction: a
    second task, the sweep, or a retry after a crash finds it done (or held) and does
    nothing; a crash before the commit leaves it for the next one.
    """
    callback = (
        GatewayCallback.objects.select_for_update(skip_locked=True)
        .filter(pk=callback_id, processed_at=None, checksum_ok=True)
        .first()
    )
    if callback is None:
        return None
    return _apply_claimed(callback, now or timezone.now())


@dataclass
class Drained:
    claimed: int = 0
    outcomes: list[str] = field(default_factory=list)
    failed: set[int] = field(default_factory=set)  # left unprocessed, for a later drain


@transaction.atomic
def callbacks_apply(
    *, limit: int, skip: set[int] = frozenset(), now: datetime | None = None
) -> Drained:
    """Apply up to `limit` inbox rows received, oldest first, in one transaction.

    The rows are claimed together (`SKIP LOCKED`: another drain, the sweep or a single
    apply takes others) and each is applied as `callback_apply` applies one, in a
    savepoint of its own: a row that fails leaves no trace and undoes none of the others;
    it stays unprocessed for a later drain or the sweep. `skip`: rows that failed before.
    The batch holds its rows' locks to its commit, so batches are kept small
    (PAYMENT_CALLBACK_BATCH).
    """
    rows = list(
        GatewayCallback.objects.select_for_update(skip_locked=True)
        .filter(processed_at=None, checksum_ok=True)
        .exclude(pk__in=skip)
        .order_by("received_at", "id")[:limit]
    )
    drained = Drained(claimed=len(rows))
    for callback in rows:
        try:
            with transaction.atomic():
                drained.outcomes.append(_apply_claimed(callback, now or timezone.now()))
        except Exception:
            logger.exception("callback %s could not be applied; left for later", callback.pk)
            drained.failed.add(callback.pk)
    return drained


def _apply_claimed(callback: GatewayCallback, now: datetime) -> str:
    """Apply an inbox row this transaction holds, and mark it processed."""
    outcome, note = _apply_notice(callback, now)
    callback.outcome, callback.note, callback.processed_at = outcome, note, now
    callback.save(update_fields=["outcome", "note", "processed_at"])
    if outcome in {CallbackOutcome.UNKNOWN, CallbackOutcome.FLAGGED}:
        logger.warning("%s callback %s: %s: %s", callback.gateway, callback.pk, outcome, note)
    return outcome


def _apply_notice(callback: GatewayCallback, now: datetime) -> tuple[str, str]:
    try:
        notice = gateway(callback.gateway).notice(callback.payload)
    except ValueError as exc:
        return CallbackOutcome.IGNORED, f"unusable: {exc}"
    payment = locked(reference=notice.reference, gateway=callback.gateway)
    if payment is None:
        return CallbackOutcome.UNKNOWN, f"no payment request {notice.reference!r}"
    actor = SystemActor(callback.gateway)

    if notice.pending:
        return CallbackOutcome.IGNORED, "not finished at the gateway yet"
    if not notice.success:
        if payment.state != PaymentState.PENDING:
            return (
                CallbackOutcome.IGNORED,
                f"failure {notice.result_code} on a {payment.state} request",
            )
        payment.state = PaymentState.CANCELLED
        payment.save(update_fields=["state"])
        record_on_case(
            payment, actor=actor, now=now, case=payment.case, result_code=notice.result_code
        )
        return CallbackOutcome.APPLIED, f"payment failed ({notice.result_code})"
    return _apply_success(payment, notice, actor=actor, callback=callback, now=now)


def _apply_success(payment, notice, *, actor, callback, now) -> tuple[str, str]:
    if payment.state == PaymentState.PAID and payment.transaction_id == notice.transaction_id:
        return CallbackOutcome.DUPLICATE, "already paid by this transaction"
    already_flagged = (
        payment.needs_review
        and GatewayCallback.objects.filter(
            gateway=callback.gateway,
            reference=notice.reference,
            transaction_id=notice.transaction_id,
            outcome=CallbackOutcome.FLAGGED,
        ).exists()
    )
    if already_flagged:
        return CallbackOutcome.DUPLICATE, "this transaction is already flagged for review"

    problem = ""
    if notice.amount != payment.amount or notice.currency != payment.currency:
        problem = (
            f"paid {notice.amount} {notice.currency}, requested {payment.amount} {payment.currency}"
        )
    elif not notice.transaction_id or len(notice.transaction_id) > 64:
        problem = f"unusable transaction id {notice.transaction_id[:80]!r}"
    elif PaymentRequest.objects.filter(transaction_id=notice.transaction_id).exists():
        problem = f"transaction {notice.transaction_id} already paid another request"
    elif payment.state == PaymentState.PAID:
        problem = f"paid twice: also by transaction {notice.transaction_id} (refund one)"
    elif payment.state == PaymentState.REFUNDED:
        problem = "paid after a refund"
    elif payment.case.status in FINAL_STATES:
        problem = f"paid after the case was {payment.case.status} (refund it)"
    elif payment.state in {PaymentState.CANCELLED, PaymentState.EXPIRED}:
        due = {item.code for item in selectors.fees_due(payment.case).items}
        if not {item["code"] for item in payment.items} <= due:
            problem = f"paid after the request was {payment.state}, and the fees are settled"
    if problem:
        payment.needs_review = True
        payment.review_note = "\n".join(filter(None, [payment.review_note, problem]))
        payment.save(update_fields=["needs_review", "review_note"])
        record_on_case(
            payment,
            actor=actor,
            now=now,
            case=payment.case,
            review=problem,
            transaction=notice.transaction_id,
        )
        return CallbackOutcome.FLAGGED, problem

    settle(
        payment,
        actor=actor,
        now=now,
        case=payment.case,
        transaction_id=notice.transaction_id,
        bank_code=notice.bank_code,
        transaction=notice.transaction_id,
    )
    return CallbackOutcome.APPLIED, "paid"


# --- reconciliation --------------------------------------------------------------------


def payment_reconcile(*, payment_id: int, now: datetime | None = None) -> str | None:
    """Ask the gateway about a request still pending; apply a final answer like a callback.

    "Not finished yet" is not kept (it would fill the inbox every few minutes); still
    unfinished after PAYMENT_EXPIRE_AFTER, the request expires.
    """
    now = now or timezone.now()
    payment = PaymentRequest.objects.get(pk=payment_id)
    if payment.state != PaymentState.PENDING:
        return None
    module = gateway(payment.gateway)
    try:
        answer = module.query(payment)
        unfinished = module.verify(answer) and module.notice(answer).pending
    except (GatewayError, ValueError) as exc:
        logger.warning("payment %s: QUERY failed: %s", payment.reference, exc)
        return None
    if unfinished:
        if payment.created_at < now - settings.PAYMENT_EXPIRE_AFTER:
            _expire(payment_id=payment.pk, now=now)
            return PaymentState.EXPIRED
        return None
    callback, _reply = callback_receive(
        gateway_name=payment.gateway, payload=answer, source="query", enqueue=False
    )
    return callback_apply(callback_id=callback.pk, now=now)


@transaction.atomic
def _expire(*, payment_id: int, now: datetime) -> None:
    payment = locked(pk=payment_id)
    if payment.state == PaymentState.PENDING:
        payment.state = PaymentState.EXPIRED
        payment.save(update_fields=["state"])
        record_on_case(payment, actor=PAYMENTS, now=now, case=payment.case)
