"""Fees at the counter desk and the receipt (biên lai) as a PDF."""

import re
import threading

import pytest
import time_machine
from django.db import connection
from django.test import Client

from cases.models import Case, CaseEvent, CollectionMode, Status
from payments import services as payments
from payments.models import FeeExemption, PaymentRequest, PaymentState

from . import pdf_tools
from .conftest import FRIDAY_9AM
from .paying import fee_procedure

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday_morning(simulated_paygov):
    with time_machine.travel(FRIDAY_9AM, tick=False):
        yield


@pytest.fixture
def counter(client, staff):
    client.force_login(staff["counter"])
    return client


def token_of(page: str, form: str) -> str:
    """The once-token of one of the fees panel's forms, as the page rendered it."""
    marker = f'name="{form}-token" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def paid_in_cash(case, staff):
    return payments.payment_request_create(case=case, method="cash", by=staff["counter"])


def test_the_receipt_pdf_reads_number_case_items_and_total(file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = paid_in_cash(case, staff)
    Case.objects.filter(pk=case.pk).update(applicant_user=staff["citizen"])
    client = Client()
    client.force_login(staff["citizen"])

    response = client.get(f"/api/v1/cases/{case.code}/payments/{payment.reference}/receipt/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_tools.text(response.content)
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ" in text
    assert f"Số: {payment.receipt.number:07d}" in text
    assert f"{case.receiving_agency.code}/2026" in text  # the series: agency and year
    assert case.code in text
    assert "Phí LP-DKDN" in text and "50.000" in text
    assert "Phí PHI-CBTT" in text and "100.000" in text
    assert "150.000" in text
    assert "Một trăm năm mươi nghìn đồng" in text
    assert "Tiền mặt" in text
    assert case.applicant_full_name in text
    assert pdf_tools.pdfinfo(response.content)["Pages"] == "1"  # one A5 page, both signatures
    printed = " ".join(pdf_tools.pdftotext(response.content).split())
    assert "NGƯỜI NỘP TIỀN" in printed and "NGƯỜI THU TIỀN" in printed


def test_only_staff_of_the_case_and_its_applicant_get_the_receipt(
    file_case, upfront, staff, province
):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = paid_in_cash(case, staff)
    url = f"/api/v1/cases/{case.code}/payments/{payment.reference}/receipt/"

    def status_for(user):
        client = Client()
        client.force_login(user)
        return client.get(url).status_code

    assert status_for(staff["counter"]) == 200
    assert status_for(staff["officer"]) == 200  # the deciding agency's
    assert status_for(staff["builder"]) == 404  # another department
    assert status_for(staff["citizen"]) == 404  # not the applicant
    assert Client().get(url).status_code == 401


def test_an_unpaid_request_has_no_receipt(file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    pending = payments.payment_request_create(case=case, method="online")
    client = Client()
    client.force_login(staff["counter"])
    url = f"/api/v1/cases/{case.code}/payments/{pending.reference}/receipt/"
    assert client.get(url).status_code == 404


def test_the_public_page_links_the_receipt_once_paid(client, file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    client.post("/", {"code": case.code, "pin": case.pin})
    assert "/payments/receipt/" not in client.get("/").content.decode()

    payment = paid_in_cash(case, staff)
    page = client.get("/").content.decode()
    link = f"/payments/receipt/{payment.reference}/"
    assert link in page
    assert case.code in pdf_tools.text(client.get(link).content)
    assert Client().get(link).status_code == 404  # another browser proved no PIN


def test_the_staff_case_page_shows_fees_due_and_the_requests(counter, file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payments.payment_request_create(case=case, method="online")
    page = counter.get(f"/desk/cases/{case.code}/").content.decode()
    assert 'id="fees"' in page
    assert "150.000 ₫" in page
    assert PaymentRequest.objects.get(case=case).reference in page
    assert "data-confirm" in page  # the cash button asks first


def test_the_cash_button_clicked_twice_records_one_payment_and_moves_the_case_on(
    counter, file_case, upfront
):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    assert case.status == Status.AWAITING_PAYMENT
    page = counter.get(f"/desk/cases/{case.code}/").content.decode()
    data = {"fee-cash-token": token_of(page, "fee-cash")}
    url = f"/desk/cases/{case.code}/fees/cash/"

    first = counter.post(url, data)
    second = counter.post(url, data)  # the double click

    assert first.status_code == second.status_code == 302
    [payment] = PaymentRequest.objects.filter(case=case)
    assert (payment.method, payment.state) == ("cash", PaymentState.PAID)
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert case.appointment_at is not None  # the clock started at payment
    assert case.events.filter(action="payment-confirmed").count() == 1
    page = counter.get(f"/desk/cases/{case.code}/").content.decode()
    assert payment.receipt.label in page


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_cash_posts_of_one_form_record_one_payment(staff, file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    client = Client()
    client.force_login(staff["counter"])
    page = client.get(f"/desk/cases/{case.code}/").content.decode()
    data = {"fee-cash-token": token_of(page, "fee-cash")}
    statuses = []

    def click():
        try:
            statuses.append(client.post(f"/desk/cases/{case.code}/fees/cash/", data).status_code)
        finally:
            connection.close()

    clicks = [threading.Thread(target=click) for _ in range(2)]
    for thread in clicks:
        thread.start()
    for thread in clicks:
        thread.join()

    assert statuses == [302, 302]
    assert PaymentRequest.objects.filter(case=case, state=PaymentState.PAID).count() == 1


def test_a_bank_transfer_needs_its_reference(counter, file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    page = counter.get(f"/desk/cases/{case.code}/").content.decode()
    token = token_of(page, "fee-transfer")
    url = f"/desk/cases/{case.code}/fees/transfer/"

    missing = counter.post(
        url, {"fee-transfer-token": token, "fee-transfer-transfer_reference": ""}
    )
    assert missing.status_code == 400
    assert not PaymentRequest.objects.filter(case=case).exists()

    done = counter.post(
        url, {"fee-transfer-token": token, "fee-transfer-transfer_reference": "FT2633100123"}
    )
    assert done.status_code == 302
    payment = PaymentRequest.objects.get(case=case)
    assert (payment.method, payment.transfer_reference) == ("transfer", "FT2633100123")


def test_a_waiver_without_a_reason_is_a_form_error_and_writes_nothing(counter, file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    events = case.events.count()
    page = counter.get(f"/desk/cases/{case.code}/").content.decode()
    data = {
        "fee-exempt-token": token_of(page, "fee-exempt"),
        "fee-exempt-fees": ["LP-DKDN"],
        "fee-exempt-reason": "  ",
    }

    response = counter.post(f"/desk/cases/{case.code}/fees/exempt/", data)

    assert response.status_code == 400
    assert 'class="field invalid"' in response.content.decode()
    assert not FeeExemption.objects.filter(case=case).exists()
    assert case.events.count() == events


def test_waiving_every_fee_moves_an_upfront_case_on(counter, file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    page = counter.get(f"/desk/cases/{case.code}/").content.decode()
    data = {
        "fee-exempt-token": token_of(page, "fee-exempt"),
        "fee-exempt-fees": ["LP-DKDN", "PHI-CBTT"],
        "fee-exempt-reason": "Điều 5 Thông tư 85/2019/TT-BTC: hộ nghèo",
    }
    assert counter.post(f"/desk/cases/{case.code}/fees/exempt/", data).status_code == 302
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    assert FeeExemption.objects.filter(case=case).count() == 2


def test_a_refund_of_a_paid_request_is_an_event_on_the_timeline(counter, file_case, upfront, staff):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = paid_in_cash(case, staff)
    page = counter.get(f"/desk/cases/{case.code}/").content.decode()
    prefix = f"fee-refund-{payment.reference}"
    url = f"/desk/cases/{case.code}/fees/refund/{payment.reference}/"

    no_reason = counter.post(
        url, {f"{prefix}-token": token_of(page, prefix), f"{prefix}-reason": ""}
    )
    assert no_reason.status_code == 400

    done = counter.post(
        url, {f"{prefix}-token": token_of(page, prefix), f"{prefix}-reason": "Nộp trùng hai lần"}
    )

    assert done.status_code == 302
    payment.refresh_from_db()
    assert payment.state == PaymentState.REFUNDED
    event = CaseEvent.objects.filter(case=case, action="payment").latest("id")
    assert event.data["state"] == "refunded"
    assert event.reason == "Nộp trùng hai lần"
    timeline = counter.get(f"/desk/cases/{case.code}/").content.decode()
    assert "Nộp trùng hai lần" in timeline


def test_an_officer_sees_the_fees_but_no_counter_buttons(client, staff, file_case, upfront):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    client.force_login(staff["officer"])
    page = client.get(f"/desk/cases/{case.code}/").content.decode()
    assert 'id="fees"' in page
    assert "fee-cash-token" not in page
    response = client.post(f"/desk/cases/{case.code}/fees/cash/", {"fee-cash-token": "x"})
    assert response.status_code == 302  # refused with a message, nothing recorded
    assert not PaymentRequest.objects.filter(case=case).exists()


def visible_text(page: str) -> str:
    """What a person reads on the page: the words between the tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def test_fees_read_by_name_with_money_written_one_way_and_the_fee_receipt_called_so(
    counter, staff, file_case, province
):
    """Regression (issue 20): the fees panel, the timeline and the fee receipt showed fee
    codes (PHI-LLTP) where people expect names; money was written "200.000 VND", "200.000"
    and "200.000 đồng"; the fee receipt was headed "Giấy tiếp nhận", the name of form 01."""
    procedure = fee_procedure(province, CollectionMode.UPFRONT, fees=(("PHI-LLTP", 200_000),))
    procedure.fees.update(name="Phí cung cấp thông tin lý lịch tư pháp")
    case = file_case(FRIDAY_9AM, procedure=procedure)  # waits for the fee (request-payment)

    page = visible_text(counter.get(f"/desk/cases/{case.code}/").content.decode())
    assert "Phí cung cấp thông tin lý lịch tư pháp 200.000 ₫" in page  # still due
    assert "Ghi nhận nộp tiền mặt (200.000 ₫)" in page
    assert "PHI-LLTP" not in page and "VND" not in page and "đồng" not in page

    payment = paid_in_cash(case, staff)
    page = visible_text(counter.get(f"/desk/cases/{case.code}/").content.decode())
    assert "Số tiền Biên lai" in page  # the payments table's heads
    receipt = pdf_tools.pdftotext(
        counter.get(f"/api/v1/cases/{case.code}/payments/{payment.reference}/receipt/").content
    )
    assert "Phí cung cấp thông tin lý lịch tư pháp" in receipt and "200.000 ₫" in receipt
    assert "PHI-LLTP" not in receipt and "Số tiền (đồng)" not in receipt
    payment_page = visible_text(
        counter.get(f"/payments/return/{payment.reference}/").content.decode()
    )
    assert f"Biên lai: {payment.receipt.label}" in payment_page
    assert "Giấy tiếp nhận" not in payment_page
