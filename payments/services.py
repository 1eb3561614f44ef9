"""Writes: exemptions, payment requests, the gateway's callbacks, refunds, reconciliation.

The payments app never writes a case's status: every payment state change is a step taken
through `cases.services.case_act` (`payment`, or `payment-confirmed` when an upfront fee is
settled and the case moves on), so it is on the case's timeline.

A callback is applied exactly once: it is kept in the inbox (`GatewayCallback`) as it came,
then applied in one transaction that claims the inbox row (`SKIP LOCKED`), locks the
payment request, checks its state, and marks the row processed. A gateway transaction id
pays at most one request (a unique column).
"""

import logging
import secrets
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Case, Status
from cases.models.case import FINAL_STATES
from cases.services import PIN_ALPHABET, SystemActor, case_act, next_in_sequence
from cases.working_time import VN_TZ

from . import selectors
from .gateways import GatewayError, gateway
from .models import (
    CallbackOutcome,
    FeeExemption,
    GatewayCallback,
    Method,
    PaymentRequest,
    PaymentState,
    Receipt,
    ReceiptSequence,
)

logger = logging.getLogger(__name__)

# Steps recorded by staff through the payments app (cash, transfer, exemption, refund) are
# the payments system's, with the clerk named in the event's data.
PAYMENTS = SystemActor("payments")


class GatewayUnavailable(Exception):
    """The payment gateway could not register the request (HTTP 503)."""


_counter_staff_of = selectors.records_payments


def _summary(payment: PaymentRequest, **extra) -> dict:
    """What the case's timeline says about a payment: never a checksum, URL or secret."""
    return {
        "reference": payment.reference,
        "method": payment.method,
        "amount": payment.amount,
        "state": payment.state,
        **extra,
    }


def _record_on_case(
    payment: PaymentRequest, *, actor, now, case: Case | None = None, reason: str = "", **extra
) -> None:
    """The payment's new state as a step of its case; an upfront fee settled moves it on.

    `case`: the case as `_locked` read it under its lock (fresh); otherwise it is read here.
    """
    case = case or (
        Case.objects.select_related("procedure", "receiving_agency").get(pk=payment.case_id)
    )
    action = "payment"
    if (
        payment.state == PaymentState.PAID
        and case.status == Status.AWAITING_PAYMENT
        and not selectors.fees_due(case).amount
    ):
        action = "payment-confirmed"
    case_act(
        case=case,
        action=action,
        by=actor,
        now=now,
        reason=reason,
        payment=_summary(payment, **extra),
    )


# --- exemptions ------------------------------------------------------------------------


@transaction.atomic
def fee_exemption_grant(
    *, case: Case, fee_codes: list[str] | None, reason: str, by, now: datetime | None = None
) -> list[FeeExemption]:
    """Miễn phí: the applicant does not pay these fee items (all when `fee_codes` is None)."""
    now = now or timezone.now()
    # The case's row first, as every writer of payments: no two writers cross.
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "receiving_agency")
        .get(pk=case.pk)
    )
    if not _counter_staff_of(by, case):
        raise ActionForbidden(_("Only the receiving counter records a fee exemption."))
    if not case.is_open:
        raise InvalidTransition(_("Fees can only be waived on an open case."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A reason is required.")})
    due = {item.code: item for item in selectors.fees_due(case).items}
    codes = list(due) if fee_codes is None else list(dict.fromkeys(fee_codes))
    unknown = [code for code in codes if code not in due]
    if unknown or not codes:
        raise ValidationError(
            {"fees": _("Not a fee this case still owes: %s.") % ", ".join(unknown or ["-"])}
        )
    exemptions = [
        FeeExemption.objects.create(
            case=case, fee_item=due[code], reason=reason, granted_by=by, granted_at=now
        )
        for code in codes
    ]
    settled = case.status == Status.AWAITING_PAYMENT and not selectors.fees_due(case).amount
    # Fully exempt (every fee item waived): the case leaves the online-payment KPI's count.
    fully = case.exemptions.count() == case.procedure.fees.count()
    case_act(
        case=case,
        action="payment-confirmed" if settled else "payment",
        by=PAYMENTS,
        now=now,
        reason=reason,
        payment={"exempted": codes, "recorded_by": by.username, "fee_exempt": fully},
    )
    return exemptions


# --- payment requests ------------------------------------------------------------------


def new_reference(choice=secrets.choice) -> str:
    """A payment request's reference; `choice` draws its characters (a seeded one for
    generated data)."""
    return "OS" + "".join(choice(PIN_ALPHABET) for _ in range(14))


@transaction.atomic
def payment_request_create(
    *,
    case: Case,
    method: str,
    by=None,
    return_base: str = "",
    transfer_reference: str = "",
    gateway_name: str = "paygov",
    now: datetime | None = None,
) -> PaymentRequest:
    """A request for what the case still owes.

    `return_base` (scheme and host) makes the gateway's return address absolute.

    Online: registered with the gateway (INIT), pending until its callback; a request still
    pending for the same amount is answered again rather than doubled. Cash and bank
    transfer: recorded by the receiving counter, paid at once, with a receipt.
    """
    now = now or timezone.now()
    if method not in Method.values:
        raise ValidationError({"method": _("Use online, cash or transfer.")})
    if method != Method.ONLINE and not _counter_staff_of(by, case):
        raise ActionForbidden(_("Only the receiving counter records cash or a bank transfer."))
    if method == Method.TRANSFER and not transfer_reference.strip():
        raise ValidationError({"transfer_reference": _("Give the bank transfer's reference.")})
    # One writer of a case's payments at a time: two clicks do not make two requests.
    case = Case.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=case.pk)
    due = selectors.fees_payable(case)
    if not due.amount:
        raise InvalidTransition(_("Nothing is due on this case."))

    pending = selectors.open_online_request(case)
    if pending is not None and method == Method.ONLINE and pending.amount == due.amount:
        return pending
    if pending is not None:
        # Paid another way, or for another amount: the old request is void. If its money
        # still arrives, the callback is flagged for a refund (see _apply_success).
        pending.state = PaymentState.CANCELLED
        pending.save(update_fields=["state"])
        _record_on_case(pending, actor=PAYMENTS, now=now)

    payment = PaymentRequest(
        case=case,
        reference=new_reference(),
        method=method,
        amount=due.amount,
        items=due.lines,
        created_by=by if getattr(by, "is_authenticated", False) else None,
        created_at=now,
        transfer_reference=transfer_reference.strip(),
    )
    if method == Method.ONLINE:
        payment.gateway = gateway_name
        payment.state = PaymentState.PENDING
        try:
            return_url = return_base.rstrip("/") + reverse(
                "payment-return", args=[payment.reference]
            )
            payment.payment_url = gateway(gateway_name).init(payment, return_url)
        except GatewayError as exc:
            logger.warning("payment %s: INIT failed: %s", payment.reference, exc)
            raise GatewayUnavailable(str(exc)) from exc
        payment.save()
        _record_on_case(payment, actor=PAYMENTS, now=now)
        return payment

    payment.save()
    _settle(payment, actor=PAYMENTS, now=now, recorded_by=by.username)
    return payment


def _locked(**match) -> PaymentRequest | None:
    """The request matching `match` (its pk, or its gateway and reference) with its row
    locked, its case's row locked first and read with it; None if there is no such request.

    Every writer of payments takes the case's lock, then the request's: two of them (a
    callback and a cash payment at the counter, say) never wait on each other crosswise.
    The case read under the lock is `payment.case`, fresh for the step that follows.
    """
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "receiving_agency")
        .filter(**{f"payment_requests__{name}": value for name, value in match.items()})
        .first()
    )
    if case is None:
        return None
    payment = PaymentRequest.objects.select_for_update().get(case=case, **match)
    payment.case = case
    return payment


def _settle(
    payment: PaymentRequest,
    *,
    actor,
    now,
    transaction_id: str | None = None,
    bank_code: str = "",
    case: Case | None = None,
    **extra,
) -> Receipt:
    """Mark a request paid, issue its receipt (biên lai), and record it on the case."""
    payment.state = PaymentState.PAID
    payment.paid_at = now
    payment.transaction_id = transaction_id or None
    payment.bank_code = bank_code
    payment.save(update_fields=["state", "paid_at", "transaction_id", "bank_code"])
    agency = payment.case.receiving_agency
    year = timezone.localtime(now, VN_TZ).year
    receipt = Receipt.objects.create(
        payment=payment,
        agency=agency,
        year=year,
        number=next_in_sequence(ReceiptSequence, agency=agency.pk, year=year),
        issued_at=now,
    )
    _record_on_case(payment, actor=actor, now=now, case=case, receipt=receipt.label, **extra)
    return receipt


@transaction.atomic
def payment_refund(*, payment: PaymentRequest, reason: str, by, now=None) -> PaymentRequest:
    """Hoàn tiền: a paid request is refunded (e.g. paid twice); the receipt stays."""
    now = now or timezone.now()
    payment = _locked(pk=payment.pk)
    if not _counter_staff_of(by, payment.case):
        raise ActionForbidden(_("Only the receiving counter records a refund."))
    if payment.state != PaymentState.PAID:
        raise InvalidTransition(_("Only a paid request can be refunded."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    payment.state = PaymentState.REFUNDED
    payment.needs_review = False
    payment.save(update_fields=["state", "needs_review"])
    _record_on_case(
        payment, actor=PAYMENTS, now=now, case=payment.case, reason=reason, recorded_by=by.username
    )
    return payment


# --- callbacks -------------------------------------------------------------------------


@transaction.atomic
def callback_receive(
    *, gateway_name: str, payload, source: str = "callback", enqueue: bool = True
) -> tuple[GatewayCallback, dict]:
    """Keep a callback in the inbox whatever it says, and the gateway's reply to it.

    A bad checksum is kept and logged, never applied. A good one is applied by a task
    queued after commit; if the broker is down, the sweep applies it.
    """
    module = gateway(gateway_name)
    payload = payload if isinstance(payload, dict) else {"_body": str(payload)[:2000]}
    # PostgreSQL's JSON cannot hold NUL; such a callback is forged or broken anyway.
    payload = _without_nul(payload)
    ok = module.verify(payload)
    callback = GatewayCallback.objects.create(
        gateway=gateway_name,
        payload=payload,
        checksum_ok=ok,
        reference=str(payload.get("MaThamChieu", ""))[:40],
        transaction_id=str(payload.get("MaGiaoDich", ""))[:64],
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


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    return value


def _enqueue(callback_id: int) -> None:
    from .tasks import apply_callback

    # No retries: the gateway waits for our answer, and the sweep applies what is not queued.
    apply_callback.apply_async((callback_id,), retry=False)


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
    payment = _locked(reference=notice.reference, gateway=callback.gateway)
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
        _record_on_case(
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
        _record_on_case(
            payment,
            actor=actor,
            now=now,
            case=payment.case,
            review=problem,
            transaction=notice.transaction_id,
        )
        return CallbackOutcome.FLAGGED, problem

    _settle(
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
    payment = _locked(pk=payment_id)
    if payment.state == PaymentState.PENDING:
        payment.state = PaymentState.EXPIRED
        payment.save(update_fields=["state"])
        _record_on_case(payment, actor=PAYMENTS, now=now, case=payment.case)
