"""Writes: exemptions, payment requests, settling them with a receipt, refunds.

The payments app never writes a case's status: every payment state change is a step taken
through `cases.services.case_act` (`payment`, or `payment-confirmed` when an upfront fee is
settled and the case moves on), so it is on the case's timeline.
"""

import logging
import secrets
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.access import is_receiving_counter
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Case, Status
from cases.services import PIN_ALPHABET, SystemActor, case_act
from cases.working_time import VN_TZ
from onestop.precompiled import Precompiled
from onestop.sequences import next_in_sequence

from .. import selectors
from ..gateways import GatewayError, gateway
from ..models import (
    FeeExemption,
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


def _summary(payment: PaymentRequest, **extra) -> dict:
    """What the case's timeline says about a payment: never a checksum, URL or secret."""
    return {
        "reference": payment.reference,
        "method": payment.method,
        "amount": payment.amount,
        "state": payment.state,
        **extra,
    }


def record_on_case(
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
    if not is_receiving_counter(by, case):
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
    pending for the same amount is answered again rather than doubled. The gateway is asked
    with no lock held (it may take PAYGOV_TIMEOUT): the request is recorded first in a short
    transaction, INIT runs, and a second transaction records its answer — a failed or
    timed-out INIT leaves the attempt cancelled with the reason, nothing else. Cash and bank
    transfer: recorded by the receiving counter, paid at once, with a receipt.
    """
    now = now or timezone.now()
    if method not in Method.values:
        raise ValidationError({"method": _("Use online, cash or transfer.")})
    if method != Method.ONLINE and not is_receiving_counter(by, case):
        raise ActionForbidden(_("Only the receiving counter records cash or a bank transfer."))
    if method == Method.TRANSFER and not transfer_reference.strip():
        raise ValidationError({"transfer_reference": _("Give the bank transfer's reference.")})
    payment = _request_recorded(
        case=case,
        method=method,
        by=by,
        transfer_reference=transfer_reference,
        gateway_name=gateway_name,
        now=now,
    )
    if method != Method.ONLINE or payment.state == PaymentState.PENDING:
        return payment  # settled at the counter, or the request already under way
    return_url = return_base.rstrip("/") + reverse("payment-return", args=[payment.reference])
    try:
        payment_url = gateway(gateway_name).init(payment, return_url)
    except GatewayError as exc:
        logger.warning("payment %s: INIT failed: %s", payment.reference, exc)
        _registration_failed(payment, reason=f"INIT failed: {exc}")
        raise GatewayUnavailable(str(exc)) from exc
    return _registered(payment, payment_url=payment_url, now=now)


@transaction.atomic
def _request_recorded(*, case, method, by, transfer_reference, gateway_name, now):
    """The first, short transaction: the request as its case allows it now. A cash or
    transfer request is settled here; an online one waits, unregistered, for its INIT."""
    # One writer of a case's payments at a time: two clicks do not make two requests.
    case = Case.objects.select_for_update(of=("self",)).select_related("procedure").get(pk=case.pk)
    due = selectors.fees_payable(case)
    if not due.amount:
        raise InvalidTransition(_("Nothing is due on this case."))

    pending = selectors.open_online_request(case)
    if pending is not None and pending.state == PaymentState.UNPAID:
        # Another click's INIT is under way: its answer comes in a moment.
        raise GatewayUnavailable(_("The payment is being registered; try again in a moment."))
    if pending is not None and method == Method.ONLINE and pending.amount == due.amount:
        return pending
    if pending is not None:
        # Paid another way, or for another amount: the old request is void. If its money
        # still arrives, the callback is flagged for a refund (see _apply_success).
        pending.state = PaymentState.CANCELLED
        pending.save(update_fields=["state"])
        record_on_case(pending, actor=PAYMENTS, now=now)

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
        payment.state = PaymentState.UNPAID  # until the gateway has registered it
        payment.save()
        return payment
    payment.save()
    settle(payment, actor=PAYMENTS, now=now, recorded_by=by.username)
    return payment


@transaction.atomic
def _registered(payment: PaymentRequest, *, payment_url: str, now) -> PaymentRequest:
    """The second transaction: the gateway registered the request. It goes on only if the
    case still owes what it asked for (a step may have settled or changed the fees while
    the gateway was asked); otherwise the registration is dropped and nothing is due."""
    payment = locked(pk=payment.pk)
    due = selectors.fees_payable(payment.case)
    if payment.state != PaymentState.UNPAID or due.amount != payment.amount:
        _cancel_registration(payment, "the fees changed while the gateway was asked")
        raise InvalidTransition(_("The fees changed meanwhile; look at what is due again."))
    payment.payment_url = payment_url
    payment.state = PaymentState.PENDING
    payment.save(update_fields=["payment_url", "state"])
    record_on_case(payment, actor=PAYMENTS, now=now, case=payment.case)
    return payment


@transaction.atomic
def _registration_failed(payment: PaymentRequest, *, reason: str) -> None:
    payment = locked(pk=payment.pk)
    if payment.state == PaymentState.UNPAID:
        _cancel_registration(payment, reason)


def _cancel_registration(payment: PaymentRequest, reason: str) -> None:
    """A request the gateway never took (or took too late to use): cancelled, with why; the
    case's timeline never showed it, so no step is recorded."""
    payment.state = PaymentState.CANCELLED
    payment.review_note = "\n".join(filter(None, [payment.review_note, reason[:500]]))
    payment.save(update_fields=["state", "review_note"])


def registrations_abandoned(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Online requests left unregistered (a worker died between recording a request and
    the gateway's answer): cancelled, so the citizen can pay afresh."""
    now = now or timezone.now()
    stale = PaymentRequest.objects.filter(
        state=PaymentState.UNPAID, gateway__gt="", created_at__lt=now - older_than
    )
    return stale.update(state=PaymentState.CANCELLED, review_note="registration abandoned")


def _case_locked(**match):
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("procedure", "receiving_agency")
        .filter(**{f"payment_requests__{name}": value for name, value in match.items()})
        .order_by("pk")[:1]
    )


def _payment_locked(case_id, **match):
    return PaymentRequest.objects.select_for_update().filter(case_id=case_id, **match)[:1]


# Every callback and payment step takes these two locks: compiled once a connection
# (compiling them cost more than running them), by what the request is found by.
_LOCKS = {
    "pk": (
        Precompiled(lambda pk: _case_locked(pk=pk), pk=int),
        Precompiled(lambda case_id, pk: _payment_locked(case_id, pk=pk), case_id=int, pk=int),
    ),
    "reference": (
        Precompiled(
            lambda gateway, reference: _case_locked(gateway=gateway, reference=reference),
            gateway=str,
            reference=str,
        ),
        Precompiled(
            lambda case_id, gateway, reference: _payment_locked(
                case_id, gateway=gateway, reference=reference
            ),
            case_id=int,
            gateway=str,
            reference=str,
        ),
    ),
}


def locked(**match) -> PaymentRequest | None:
    """The request matching `match` (its pk, or its gateway and reference) with its row
    locked, its case's row locked first and read with it; None if there is no such request.

    Every writer of payments takes the case's lock, then the request's: two of them (a
    callback and a cash payment at the counter, say) never wait on each other crosswise.
    The case read under the lock is `payment.case`, fresh for the step that follows.
    """
    case_query, payment_query = _LOCKS["pk" if "pk" in match else "reference"]
    case = case_query.first(**match)
    if case is None:
        return None
    payment = payment_query.first(case_id=case.pk, **match)
    payment.case = case
    return payment


def settle(
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
    record_on_case(payment, actor=actor, now=now, case=case, receipt=receipt.label, **extra)
    return receipt


@transaction.atomic
def payment_refund(*, payment: PaymentRequest, reason: str, by, now=None) -> PaymentRequest:
    """Hoàn tiền: a paid request is refunded (e.g. paid twice); the receipt stays."""
    now = now or timezone.now()
    payment = locked(pk=payment.pk)
    if not is_receiving_counter(by, payment.case):
        raise ActionForbidden(_("Only the receiving counter records a refund."))
    if payment.state != PaymentState.PAID:
        raise InvalidTransition(_("Only a paid request can be refunded."))
    if not (reason or "").strip():
        raise ValidationError({"reason": _("A reason is required.")})
    payment.state = PaymentState.REFUNDED
    payment.needs_review = False
    payment.save(update_fields=["state", "needs_review"])
    record_on_case(
        payment, actor=PAYMENTS, now=now, case=payment.case, reason=reason, recorded_by=by.username
    )
    return payment
