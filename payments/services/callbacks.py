"""The gateway's callbacks (IPN) and the reconciliation that recovers those never received.

A callback is applied exactly once: it is kept in the inbox (`GatewayCallback`) as it came,
then applied in one transaction that claims the inbox row (`SKIP LOCKED`), locks the
payment request, checks its state, and marks the row processed. A gateway transaction id
pays at most one request (a unique column).
"""

import logging
from datetime import datetime

from django.conf import settings
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

    A bad checksum is kept and logged, never applied. A good one is applied by a task
    queued after commit; if the broker is down, the sweep applies it. From a `client`
    over its limits (PAYGOV_CALLBACK_RATE, PAYGOV_CALLBACK_MAX_REJECTED_PER_HOUR for bad
    checksums) nothing is kept: `CallbackThrottled`.
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
        transaction.on_commit(lambda: _enqueue(callback.pk), robust=True)
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


def _enqueue(callback_id: int) -> None:
    # No retries: the gateway waits for our answer, and the sweep applies what is not queued.
    enqueue("payments.tasks.apply_callback", callback_id, retry=False)


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
    now = now or timezone.now()
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
