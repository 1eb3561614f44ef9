"""Fees and payments: the gates of the workflow, the methods, receipts, exemptions."""

from datetime import timedelta

import pytest
import time_machine

from cases import services
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import AppointmentChange, Status
from notifications.models import Notification
from payments import services as payments
from payments.models import CallbackOutcome, PaymentRequest, PaymentState, Receipt

from .conftest import FRIDAY_9AM, vn
from .paying import platform_callbacks, receive_and_apply

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday_morning(simulated_paygov):
    with time_machine.travel(FRIDAY_9AM, tick=False):
        yield


def test_an_upfront_fee_stops_the_case_until_it_is_paid(file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)

    assert case.status == Status.AWAITING_PAYMENT
    assert case.appointment_at is None  # the clock starts at payment
    assert case.next_alert_at is None
    request = case.events.get(action="request-payment")
    assert (request.from_status, request.actor) == (Status.RECEIVED, None)
    assert request.data == {
        "amount": 150_000,
        "items": ["LP-DKDN", "PHI-CBTT"],
        "system": "onestop",
    }
    message = Notification.objects.get(event=request, channel="email")
    assert "nộp phí" in message.subject
    assert "150.000 ₫" in message.body and "/payments/pay/" in message.body  # amount, pay link
    assert "Số tiền: 150.000 ₫" in message.body  # money written one way (not "(đồng): … ₫")
    sms = Notification.objects.get(event=request, channel="sms")
    assert "/payments/pay/" in sms.body


def test_paying_online_starts_the_clock_at_the_payment(file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    paid_at = FRIDAY_9AM + timedelta(hours=2)  # Friday 11:00
    with time_machine.travel(paid_at, tick=False):
        payment = payments.payment_request_create(case=case, method="online")
        assert payment.state == PaymentState.PENDING
        assert payment.payment_url.startswith("/payments/simulator/paygov/")
        [callback] = platform_callbacks(payment)
        outcome, _, reply = receive_and_apply(callback)

    assert outcome == CallbackOutcome.APPLIED
    assert reply["MaLoi"] == "00"
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    # 3 working days from Friday 11:00 -> Wednesday 11:00.
    assert case.appointment_at == vn(2026, 12, 2, 11, 0)
    change = AppointmentChange.objects.get(case=case)
    assert (change.old_at, change.reason) == (None, AppointmentChange.Reason.FEE_PAID)
    confirmed = case.events.get(action="payment-confirmed")
    assert confirmed.data["system"] == "paygov"
    assert confirmed.data["state"] == "paid"
    assert "MaXacThuc" not in str(confirmed.data)  # no checksum, no secret on the timeline
    payment.refresh_from_db()
    assert payment.receipt.label == f"{case.receiving_agency.code}/2026/0000001"
    # The case moves on: the counter can assign it now.
    assert "assign" in services.allowed_actions(case, case.receiving_agency.staff.first())


def test_a_second_online_request_answers_the_pending_one(file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    first = payments.payment_request_create(case=case, method="online")
    again = payments.payment_request_create(case=case, method="online")
    assert again.pk == first.pk
    assert PaymentRequest.objects.filter(case=case).count() == 1


def test_cash_at_the_counter_is_paid_at_once_with_receipts_numbered_per_agency(
    file_case, upfront, staff
):
    first, second = file_case(FRIDAY_9AM, procedure=upfront), file_case(procedure=upfront)
    for case in (first, second):
        payments.payment_request_create(case=case, method="cash", by=staff["counter"])

    labels = list(Receipt.objects.order_by("number").values_list("number", "year"))
    assert labels == [(1, 2026), (2, 2026)]
    first.refresh_from_db()
    assert first.status == Status.RECEIVED
    event = first.events.get(action="payment-confirmed")
    assert event.data["method"] == "cash"
    assert event.data["recorded_by"] == "counter"
    assert event.data["system"] == "payments"


def test_a_failed_online_payment_leaves_the_fee_due(file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = payments.payment_request_create(case=case, method="online")
    [callback] = platform_callbacks(payment, "cancel")
    outcome, *_ = receive_and_apply(callback)

    assert outcome == CallbackOutcome.APPLIED
    payment.refresh_from_db()
    assert payment.state == PaymentState.CANCELLED
    case.refresh_from_db()
    assert case.status == Status.AWAITING_PAYMENT
    assert case.events.filter(action="payment", data__state="cancelled").count() == 1


def test_a_failure_after_the_success_changes_nothing(file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = payments.payment_request_create(case=case, method="online")
    [success] = platform_callbacks(payment)
    [failure] = platform_callbacks(payment, "failure")
    receive_and_apply(success)
    events = case.events.count()

    outcome, *_ = receive_and_apply(failure)

    assert outcome == CallbackOutcome.IGNORED
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert case.events.count() == events


def test_money_arriving_for_a_request_cancelled_by_a_cash_payment_is_flagged(
    file_case, upfront, staff
):
    """Paid online after the counter took cash: never paid twice, flagged for a refund."""
    case = file_case(FRIDAY_9AM, procedure=upfront)
    online = payments.payment_request_create(case=case, method="online")
    payments.payment_request_create(case=case, method="cash", by=staff["counter"])
    [late] = platform_callbacks(online)

    outcome, *_ = receive_and_apply(late)

    assert outcome == CallbackOutcome.FLAGGED
    online.refresh_from_db()
    assert (online.state, online.needs_review) == (PaymentState.CANCELLED, True)
    assert Receipt.objects.filter(payment__case=case).count() == 1


def test_an_exemption_recorded_by_the_counter_settles_the_fee(file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payments.fee_exemption_grant(
        case=case, fee_codes=["LP-DKDN"], reason="Điều 5 Thông tư 47/2019", by=staff["counter"]
    )
    case.refresh_from_db()
    assert case.status == Status.AWAITING_PAYMENT  # the other item is still due
    payments.fee_exemption_grant(case=case, fee_codes=None, reason="Hộ nghèo", by=staff["counter"])

    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.appointment_at is not None
    assert case.events.get(action="payment-confirmed").reason == "Hộ nghèo"


def test_an_officer_cannot_record_cash_or_an_exemption(file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    with pytest.raises(ActionForbidden):
        payments.payment_request_create(case=case, method="cash", by=staff["officer"])
    with pytest.raises(ActionForbidden):
        payments.fee_exemption_grant(case=case, fee_codes=None, reason="x", by=staff["officer"])


def test_users_cannot_make_the_systems_payment_moves(file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    with pytest.raises(ActionForbidden):
        services.case_act(
            case=case, action="payment-confirmed", by=staff["counter"], payment={"state": "paid"}
        )
    assert "payment-confirmed" not in services.allowed_actions(case, staff["counter"])


def test_an_on_result_fee_must_be_paid_before_the_return(file_case, on_result, staff):
    case = file_case(FRIDAY_9AM, procedure=on_result)
    assert case.status == Status.RECEIVED  # no wait at receipt
    for action, by, params in [
        ("assign", staff["counter"], {"officer": staff["officer"]}),
        ("submit-result", staff["officer"], {}),
        ("sign", staff["signer"], {}),
    ]:
        case = services.case_act(case=case, action=action, by=by, **params)

    with pytest.raises(InvalidTransition):
        services.case_act(case=case, action="return", by=staff["counter"], channel="online")
    assert "return" not in services.allowed_actions(case, staff["counter"])

    payments.payment_request_create(case=case, method="transfer", by=staff["counter"],
                                    transfer_reference="FT26331000123")  # fmt: skip
    case.refresh_from_db()
    assert case.status == Status.RESOLVED  # a payment step keeps the state
    case = services.case_act(case=case, action="return", by=staff["counter"], channel="online")
    assert case.status == Status.RETURNED


def test_a_refund_is_a_step_on_the_timeline(file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = payments.payment_request_create(case=case, method="cash", by=staff["counter"])
    payments.payment_refund(payment=payment, reason="Thu trùng", by=staff["counter"])

    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    assert case.events.filter(action="payment", data__state="refunded").count() == 1
    with pytest.raises(InvalidTransition):
        payments.payment_refund(payment=payment, reason="again", by=staff["counter"])


def test_money_for_a_case_withdrawn_meanwhile_is_flagged_for_a_refund(file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = payments.payment_request_create(case=case, method="online")
    case.refresh_from_db()
    services.case_act(case=case, action="withdraw", by=staff["counter"], reason="Rút hồ sơ")
    [callback] = platform_callbacks(payment)

    outcome, *_ = receive_and_apply(callback)

    assert outcome == CallbackOutcome.FLAGGED
    payment.refresh_from_db()
    assert (payment.state, payment.needs_review) == (PaymentState.PENDING, True)
    assert not Receipt.objects.exists()
