"""The gateway's side: callbacks over HTTP, bad input, the simulator, reconciliation, the API."""

import csv
import io
import json
import logging
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.urls import reverse

from cases import services
from cases.models import Status
from payments import reports, tasks
from payments import services as payments
from payments.gateways import paygov
from payments.models import CallbackOutcome, GatewayCallback, PaymentRequest, PaymentState

from .conftest import APPLICANT, FRIDAY_9AM
from .paying import platform_callbacks

pytestmark = pytest.mark.django_db

CALLBACK = "/api/v1/payments/callback/paygov/"


@pytest.fixture(autouse=True)
def _friday_morning(simulated_paygov):
    with time_machine.travel(FRIDAY_9AM, tick=False):
        yield


@pytest.fixture
def waiting(file_case, upfront):
    """A case waiting for its upfront fee, and its pending online request."""
    case = file_case(FRIDAY_9AM, procedure=upfront)
    return case, payments.payment_request_create(case=case, method="online")


def post(client, payload, **meta):
    return client.post(CALLBACK, payload, format="json", **meta)


def signed_callback(**fields) -> dict:
    base = {
        "LoaiBanTin": "PAYMENT",
        "MaLoi": "00",
        "MaDoiTac": "ONESTOP",
        "MaThamChieu": "OSNOSUCHREFERENCE",
        "SoTien": "150000",
        "MaTienTe": "VND",
        "MaGiaoDich": "PG00000000000001",
        "MaNganHang": "VCB",
        "ThoiGianGD": "20261127090000",
        "ThongTinGiaoDich": "test",
    }
    return paygov.signed({**base, **fields}, paygov.IPN_FIELDS)


def apply_all():
    return [payments.callback_apply(callback_id=c.pk) for c in GatewayCallback.objects.all()]


def test_the_callback_is_answered_in_paygovs_format_with_its_checksum(waiting, client_for):
    _case, payment = waiting
    [callback] = platform_callbacks(payment)

    answer = post(client_for(), callback)

    assert answer.status_code == 200
    reply = answer.json()
    assert reply["MaLoi"] == "00" and reply["MaDoiTac"] == "ONESTOP"
    assert reply["MaXacThuc"] == paygov.checksum(reply, paygov.REPLY_FIELDS)
    # Kept, not yet applied: a task does that after the answer.
    row = GatewayCallback.objects.get()
    assert (row.outcome, row.processed_at, row.reference) == ("received", None, payment.reference)


def test_a_forged_callback_is_rejected_logged_and_never_applied(waiting, client_for, caplog):
    case, payment = waiting
    forged = platform_callbacks(payment, forged=True)[-1]

    with caplog.at_level(logging.WARNING, logger="payments.services"):
        answer = post(client_for(), forged)

    assert answer.json()["MaLoi"] == paygov.REPLY_BAD_CHECKSUM
    row = GatewayCallback.objects.get()
    assert row.outcome == CallbackOutcome.REJECTED and not row.checksum_ok
    assert "rejected: bad checksum" in caplog.text
    assert apply_all() == [None]
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    assert not case.events.filter(action__startswith="payment-").exists()


def test_without_a_secret_no_callback_verifies(waiting, client_for, settings):
    """Regression: with DEBUG off and PAYGOV_SECRET unset, a callback signed with the
    simulator's secret, published in the repository, was applied. Unset is now no secret,
    and a checksum anyone can compute without one verifies nothing."""
    settings.PAYGOV_SECRET = ""
    case, payment = waiting
    [callback] = platform_callbacks(payment)  # signed with the empty secret

    answer = post(client_for(), callback)

    assert answer.json()["MaLoi"] == paygov.REPLY_BAD_CHECKSUM
    assert apply_all() == [None]
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_a_body_that_is_not_json_is_kept_and_rejected(client_for):
    answer = client_for().post(CALLBACK, "MaLoi=00&", content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["MaLoi"] == paygov.REPLY_BAD_CHECKSUM
    assert GatewayCallback.objects.get().outcome == CallbackOutcome.REJECTED


def test_a_body_larger_than_any_callback_is_refused_and_not_kept(client_for, settings):
    """Regression: 40 posts of 2.4 MB junk to the callback grew the inbox by 100 MB."""
    junk = {"MaLoi": "00", "junk": "x" * 2_400_000}
    answer = post(client_for(), junk)  # it parses: every field would have been kept
    assert answer.status_code == 413
    assert not GatewayCallback.objects.exists()
    just_under = {"MaLoi": "00", "junk": "x" * (settings.PAYGOV_CALLBACK_MAX_BYTES - 1000)}
    assert post(client_for(), just_under).status_code == 200


def test_of_a_body_that_is_not_a_message_a_bounded_excerpt_is_kept(client_for):
    junk = "{" + "x" * 3000  # no JSON
    answer = client_for().post(CALLBACK, junk, content_type="application/json")
    assert answer.json()["MaLoi"] == paygov.REPLY_BAD_CHECKSUM
    assert GatewayCallback.objects.get().payload == {"_body": junk[:500]}


def test_unsigned_callbacks_are_limited_per_client_signed_ones_never(waiting, client_for, settings):
    settings.PAYGOV_CALLBACK_MAX_REJECTED_PER_HOUR = 3
    _case, payment = waiting
    forged = {"MaLoi": "00", "MaThamChieu": payment.reference}
    statuses = [post(client_for(), forged).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    assert GatewayCallback.objects.count() == 3  # nothing kept past the limit
    # The gateway's signed callback from the same address still goes through.
    [callback] = platform_callbacks(payment)
    assert post(client_for(), callback).json()["MaLoi"] == "00"
    # Another client is its own.
    assert post(client_for(), forged, REMOTE_ADDR="198.51.100.9").status_code == 200


def test_callbacks_are_limited_per_client(client_for, settings):
    settings.PAYGOV_CALLBACK_RATE = "2/minute"
    statuses = [post(client_for(), signed_callback()).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_the_callback_may_be_restricted_to_the_gateways_addresses(waiting, client_for, settings):
    settings.PAYGOV_CALLBACK_ALLOWED_IPS = ["203.0.113.0/28", "2001:db8::7/128"]
    _case, payment = waiting
    [callback] = platform_callbacks(payment)
    assert post(client_for(), callback, REMOTE_ADDR="198.51.100.9").status_code == 403
    assert post(client_for(), callback, REMOTE_ADDR="2001:db8::8").status_code == 403
    assert not GatewayCallback.objects.exists()
    assert post(client_for(), callback, REMOTE_ADDR="2001:db8::7").status_code == 200
    assert post(client_for(), callback, REMOTE_ADDR="203.0.113.14").status_code == 200


def test_a_callback_with_a_nul_character_is_kept_without_it(client_for):
    """Regression: PostgreSQL's JSON rejects \\u0000, which made the endpoint answer 500."""
    answer = post(client_for(), signed_callback(ThongTinGiaoDich="a\x00b"))
    assert answer.status_code == 200
    assert GatewayCallback.objects.get().payload["ThongTinGiaoDich"] == "ab"


def test_a_callback_with_the_text_backslash_u0000_is_kept_as_sent(client_for):
    """Regression (found by the fuzz test): stripping NULs from the JSON text also cut the
    six characters `\\u0000` typed as text, leaving broken JSON and a 500."""
    answer = client_for().post(
        "/api/v1/payments/callback/paygov/",
        {"MaDoiTac": "\\u0000", "LoaiBanTin": "a\x00b"},
        format="json",
    )
    assert answer.status_code == 200
    assert GatewayCallback.objects.get().payload == {"MaDoiTac": "\\u0000", "LoaiBanTin": "ab"}


def test_an_unknown_reference_is_logged_and_changes_nothing(waiting, client_for, caplog):
    post(client_for(), signed_callback())
    with caplog.at_level(logging.WARNING, logger="payments.services"):
        assert apply_all() == [CallbackOutcome.UNKNOWN]
    assert "OSNOSUCHREFERENCE" in caplog.text
    assert not PaymentRequest.objects.filter(state=PaymentState.PAID).exists()


@pytest.mark.parametrize(
    "mismatch", [{"SoTien": "149000"}, {"MaTienTe": "USD"}], ids=["amount", "currency"]
)
def test_a_mismatch_is_flagged_for_review_and_never_paid(waiting, client_for, mismatch):
    case, payment = waiting
    post(client_for(), signed_callback(MaThamChieu=payment.reference, **mismatch))
    post(client_for(), signed_callback(MaThamChieu=payment.reference, **mismatch))  # again

    assert apply_all() == [CallbackOutcome.FLAGGED, CallbackOutcome.DUPLICATE]
    payment.refresh_from_db()
    assert (payment.state, payment.needs_review) == (PaymentState.PENDING, True)
    case.refresh_from_db()
    assert case.status == Status.AWAITING_PAYMENT
    assert case.events.filter(action="payment", data__review__isnull=False).count() == 1


def test_a_duplicate_changes_nothing(waiting, client_for):
    case, payment = waiting
    callback, duplicate = platform_callbacks(payment, duplicate=True)
    post(client_for(), callback)
    post(client_for(), duplicate)

    assert apply_all() == [CallbackOutcome.APPLIED, CallbackOutcome.DUPLICATE]
    assert case.events.filter(action="payment-confirmed").count() == 1


def test_a_late_callback_found_by_the_sweep_is_applied(waiting, client_for, settings):
    """The on-commit task never ran (broker down): the beat's sweep applies the row."""
    case, payment = waiting
    [callback] = platform_callbacks(payment)
    post(client_for(), callback)
    assert tasks.apply_pending_callbacks() == 0  # too fresh: its task may still come

    with time_machine.travel(FRIDAY_9AM + settings.PAYMENT_SWEEP_AFTER + timedelta(seconds=1)):
        assert tasks.apply_pending_callbacks() == 1
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


# --- reconciliation --------------------------------------------------------------------


def test_reconciliation_recovers_a_callback_that_never_came(waiting, settings):
    case, payment = waiting
    platform_callbacks(payment)  # paid at the platform; its callback is lost

    with time_machine.travel(FRIDAY_9AM + settings.PAYMENT_QUERY_AFTER + timedelta(minutes=1)):
        assert tasks.reconcile_pending_payments() == 1

    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert GatewayCallback.objects.get().source == "query"
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_a_request_never_paid_expires(waiting, settings):
    case, payment = waiting
    later = FRIDAY_9AM + settings.PAYMENT_EXPIRE_AFTER + timedelta(minutes=1)
    with time_machine.travel(later):
        tasks.reconcile_pending_payments()

    payment.refresh_from_db()
    assert payment.state == PaymentState.EXPIRED
    assert case.events.filter(action="payment", data__state="expired").count() == 1
    assert not GatewayCallback.objects.exists()  # "not finished yet" answers are not kept


def test_the_reconciliation_report_shows_the_days_payments(file_case, upfront, staff, waiting):
    for _ in range(2):
        case = file_case(FRIDAY_9AM, procedure=upfront)
        payments.payment_request_create(case=case, method="cash", by=staff["counter"])

    [row] = reports.reconciliation_csv(FRIDAY_9AM.date()).splitlines()[1:]
    fields = dict(zip(reports.reconciliation_csv(FRIDAY_9AM.date()).splitlines()[0].split(","),
                      row.split(","), strict=True))  # fmt: skip
    assert fields["agency"] == "000.00.01.H38"
    assert (fields["requests"], fields["paid"], fields["paid_amount"]) == ("3", "2", "300000")
    assert (fields["cash_paid"], fields["pending"]) == ("2", "1")


def test_the_reconciliation_report_runs_no_formula_from_an_agency_name(
    file_case, upfront, staff, province
):
    """Regression (CSV injection): text starting with a formula sign went into the CSV raw."""
    province["centre"].name = "\t=1+1"  # set by an admin, read by the finance team
    province["centre"].save()
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payments.payment_request_create(case=case, method="cash", by=staff["counter"])

    [row] = csv.DictReader(io.StringIO(reports.reconciliation_csv(FRIDAY_9AM.date())))

    assert row["agency_name"] == "'\t=1+1"


def test_the_reconciliation_report_is_in_the_admin(client, province, staff, waiting):
    from .factories import UserFactory

    root = UserFactory(username="root", is_staff=True, is_superuser=True, agency=province["ubnd"])
    client.force_login(root)
    url = reverse("admin:payments_reconciliation")
    assert "000.00.01.H38" in client.get(url, {"date": "2026-11-27"}).content.decode()
    csv = client.get(url, {"date": "2026-11-27", "format": "csv"})
    assert csv["Content-Type"] == "text/csv" and b"000.00.01.H38" in csv.content


def test_a_supervisor_sees_the_days_payments_of_their_agencies_on_a_page(
    client, file_case, upfront, staff, waiting, province
):
    from .factories import UserFactory

    for _ in range(2):
        case = file_case(FRIDAY_9AM, procedure=upfront)
        payments.payment_request_create(case=case, method="cash", by=staff["counter"])
    client.force_login(staff["supervisor"])  # the People's Committee: the whole province
    dashboard = client.get(reverse("reports-dashboard")).content.decode()
    assert reverse("reports-payments") in dashboard

    page = client.get(reverse("reports-payments"), {"date": "2026-11-27"})
    assert page.status_code == 200
    text = page.content.decode()
    assert "000.00.01.H38" in text and "300.000" in text  # two 150,000 cash fees
    csv = client.get(reverse("reports-payments"), {"date": "2026-11-27", "format": "csv"})
    assert csv["Content-Type"] == "text/csv" and b"000.00.01.H38" in csv.content

    # A supervisor of another department sees none of the centre's payments.
    other = UserFactory(username="sup2", agency=province["construction"], roles=["supervisor"])
    client.force_login(other)
    assert (
        "000.00.01.H38"
        not in client.get(reverse("reports-payments"), {"date": "2026-11-27"}).content.decode()
    )
    client.force_login(staff["counter"])  # not a report reader
    assert client.get(reverse("reports-payments")).status_code == 403


# --- the gateway over HTTP -------------------------------------------------------------


def test_an_init_answer_with_a_bad_checksum_is_not_trusted(file_case, upfront, staff, settings):
    """A real gateway URL: mocked at the HTTP boundary, answering with a forged checksum."""
    settings.PAYGOV_URL = "https://paygov.example/api"
    case = file_case(FRIDAY_9AM, procedure=upfront)
    forged = {"MaLoi": "00", "MaThamChieu": "x", "UrlThanhToan": "https://evil", "MaXacThuc": "0"}
    with mock.patch("urllib.request.urlopen", return_value=io.BytesIO(json.dumps(forged).encode())):
        with pytest.raises(payments.GatewayUnavailable):
            payments.payment_request_create(case=case, method="online")
    # The attempt is recorded, cancelled with its reason; nothing else is written.
    attempt = PaymentRequest.objects.get()
    assert attempt.state == PaymentState.CANCELLED and "INIT failed" in attempt.review_note
    assert not case.events.filter(action__in=["payment", "payment-confirmed"]).exists()


def test_init_over_http_sends_a_signed_message_and_takes_the_payment_url(
    file_case, upfront, settings
):
    settings.PAYGOV_URL = "https://paygov.example/api"
    case = file_case(FRIDAY_9AM, procedure=upfront)
    sent = {}

    def gateway(request, timeout):
        message = json.loads(request.data)
        sent.update(message)
        answer = {"MaLoi": "00", "MaThamChieu": message["MaThamChieu"],
                  "UrlThanhToan": "https://paygov.example/pay/1"}  # fmt: skip
        return io.BytesIO(json.dumps(paygov.signed(answer, paygov.INIT_ANSWER_FIELDS)).encode())

    with mock.patch("urllib.request.urlopen", side_effect=gateway):
        payment = payments.payment_request_create(case=case, method="online")

    assert payment.payment_url == "https://paygov.example/pay/1"
    assert sent["MaXacThuc"] == paygov.checksum(sent, paygov.INIT_FIELDS)
    assert (sent["LoaiBanTin"], sent["SoTien"], sent["MaTienTe"]) == ("INIT", "150000", "VND")


# --- the API and the pages -------------------------------------------------------------


def test_the_applicant_pays_online_and_the_counter_in_cash_over_the_api(staff, upfront, client_for):
    case = services.case_file(
        procedure=upfront, applicant=APPLICANT, channel="online", by=staff["citizen"]
    )
    case = services.case_act(case=case, action="accept", by=staff["counter"])
    citizen, counter, officer = (client_for(staff[u]) for u in ("citizen", "counter", "officer"))
    url = f"/api/v1/cases/{case.code}/payments/"

    detail = citizen.get(f"/api/v1/cases/{case.code}/").json()
    assert detail["status"] == "awaiting_payment"
    assert detail["fees"]["due"] == 150_000 and detail["fees"]["pay_url"]

    online = citizen.post(url, {"method": "online"}, format="json")
    assert online.status_code == 201
    assert online.json()["state"] == "pending" and online.json()["payment_url"]
    assert citizen.post(url, {"method": "cash"}, format="json").status_code == 403
    assert officer.post(url, {"method": "cash"}, format="json").status_code == 403

    cash = counter.post(url, {"method": "cash"}, format="json")
    assert cash.status_code == 201
    assert cash.json()["state"] == "paid" and cash.json()["receipt"].endswith("/2026/0000001")
    assert counter.post(url, {"method": "cash"}, format="json").status_code == 409
    states = [p["state"] for p in counter.get(url).json()]
    assert states == ["paid", "cancelled"]
    assert counter.get(f"/api/v1/cases/{case.code}/").json()["status"] == "received"


def test_an_exemption_over_the_api(file_case, upfront, staff, client_for):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    url = f"/api/v1/cases/{case.code}/exemptions/"
    counter = client_for(staff["counter"])

    assert counter.post(url, {"fees": ["NOPE"], "reason": "x"}, format="json").status_code == 400
    answer = counter.post(url, {"reason": "Người có công với cách mạng"}, format="json")
    assert answer.status_code == 201
    assert answer.json()["due"] == 0


def test_the_citizen_pays_through_the_simulator_from_the_public_lookup(file_case, upfront, client):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    lookup = client.get(f"/api/v1/public/cases/{case.code}/", {"pin": case.pin}).json()
    assert lookup["fees"]["due"] == 150_000
    home = client.get("/", {"code": case.code, "pin": case.pin}, follow=True).content.decode()
    assert lookup["fees"]["pay_url"] in home

    pay_page = client.get(lookup["fees"]["pay_url"])
    assert "150.000 ₫" in pay_page.content.decode()
    to_gateway = client.post(lookup["fees"]["pay_url"])
    assert to_gateway.status_code == 302
    simulator_page = to_gateway["Location"]
    assert client.get(simulator_page).status_code == 200
    back = client.post(simulator_page, {"outcome": "success", "duplicate": "on", "forged": "on"})
    assert back.status_code == 302
    assert client.get(back["Location"]).status_code == 200

    outcomes = sorted(filter(None, apply_all()))
    assert outcomes == [CallbackOutcome.APPLIED, CallbackOutcome.DUPLICATE]
    assert GatewayCallback.objects.filter(outcome=CallbackOutcome.REJECTED).count() == 1
    case.refresh_from_db()
    assert case.status == Status.RECEIVED
    receipt = PaymentRequest.objects.get(case=case).receipt
    assert receipt.label in client.get(back["Location"]).content.decode()


def test_the_simulator_is_not_there_when_a_real_gateway_is(client, settings, waiting):
    _case, payment = waiting
    settings.PAYGOV_URL = "https://paygov.example/api"
    assert client.get(payment.payment_url).status_code == 404


def test_the_counter_records_a_refund_over_the_api(file_case, upfront, staff, client_for):
    case = file_case(FRIDAY_9AM, procedure=upfront)
    payment = payments.payment_request_create(case=case, method="cash", by=staff["counter"])
    url = f"/api/v1/cases/{case.code}/payments/{payment.reference}/refund/"
    counter = client_for(staff["counter"])

    assert counter.post(url, {}, format="json").status_code == 400
    assert client_for(staff["officer"]).post(url, {"reason": "x"}).status_code == 403
    answer = counter.post(url, {"reason": "Thu trùng"}, format="json")
    assert (answer.status_code, answer.json()["state"]) == (200, "refunded")
    assert counter.post(url, {"reason": "again"}, format="json").status_code == 409
    assert (
        counter.post(url.replace(payment.reference, "OSNONE"), {"reason": "x"}).status_code == 404
    )


def test_a_pay_link_that_was_not_signed_by_us_is_not_found(client):
    assert client.get("/payments/pay/MTg:forged:signature/").status_code == 404
    assert client.get("/payments/simulator/paygov/forged/").status_code == 404


def test_a_transaction_id_too_long_to_keep_is_flagged_not_a_crash(waiting, client_for):
    _case, payment = waiting
    post(client_for(), signed_callback(MaThamChieu=payment.reference, MaGiaoDich="9" * 80,
                                       SoTien=str(payment.amount)))  # fmt: skip
    assert apply_all() == [CallbackOutcome.FLAGGED]


# --- batches ---------------------------------------------------------------------------


def test_a_burst_of_callbacks_asks_for_one_drain_which_applies_them_together(
    file_case, upfront, client_for, django_capture_on_commit_callbacks
):
    """One task for the burst, not one a callback; the duplicate changes nothing."""
    waiting = [file_case(FRIDAY_9AM, procedure=upfront) for _ in range(3)]
    requests = [payments.payment_request_create(case=case, method="online") for case in waiting]
    bodies = [callback for p in requests for callback in platform_callbacks(p)]
    with mock.patch("payments.services.callbacks.enqueue") as enqueue:
        with django_capture_on_commit_callbacks(execute=True):
            for body in [*bodies, bodies[0]]:
                assert post(client_for(), body).status_code == 200
    assert [call.args for call in enqueue.call_args_list] == [("payments.tasks.drain_callbacks",)]

    assert tasks.drain_callbacks() == 4
    outcomes = sorted(GatewayCallback.objects.values_list("outcome", flat=True))
    assert outcomes == sorted([CallbackOutcome.APPLIED] * 3 + [CallbackOutcome.DUPLICATE])
    for case in waiting:
        case.refresh_from_db()
        assert case.status == Status.RECEIVED
        assert case.events.filter(action="payment-confirmed").count() == 1


def test_a_callback_that_fails_in_a_batch_undoes_none_of_the_others(file_case, upfront):
    """Each row is applied in a savepoint of its own: the one that failed midway leaves
    nothing written and stays for a later drain; the others commit with the batch."""
    first, second = [file_case(FRIDAY_9AM, procedure=upfront) for _ in range(2)]
    doomed, fine = [
        payments.payment_request_create(case=c, method="online") for c in (first, second)
    ]
    for payment in (doomed, fine):
        [body] = platform_callbacks(payment)
        payments.callback_receive(gateway_name="paygov", payload=body, enqueue=False)
    settle = payments.callbacks.settle

    def settle_then_fail(payment, **kwargs):
        settle(payment, **kwargs)  # the request paid, the case received...
        if payment.pk == doomed.pk:
            raise RuntimeError("the worker's disk filled up")

    with mock.patch("payments.services.callbacks.settle", settle_then_fail):
        assert tasks.drain_callbacks() == 1
    doomed.refresh_from_db(), fine.refresh_from_db()
    first.refresh_from_db(), second.refresh_from_db()
    assert (doomed.state, first.status) == (PaymentState.PENDING, Status.AWAITING_PAYMENT)
    assert (fine.state, second.status) == (PaymentState.PAID, Status.RECEIVED)
    assert not first.events.filter(action="payment-confirmed").exists()
    assert GatewayCallback.objects.get(reference=doomed.reference).processed_at is None

    assert tasks.drain_callbacks() == 1  # the next drain applies it
    doomed.refresh_from_db(), first.refresh_from_db()
    assert (doomed.state, first.status) == (PaymentState.PAID, Status.RECEIVED)
