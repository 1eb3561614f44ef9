"""No slow call to the outside while a case's row is locked (issue 26, REVIEW 1).

Asking PayGov for a payment URL (up to PAYGOV_TIMEOUT) and signing a result (a remote
signing service, up to its timeout) used to happen inside the transaction that held the
case's row: every other writer of that case waited for the gateway. Here the gateway and
the signer are held for five seconds while the counter reprints the case's receipt — a step
of the same case, through `case_act` — which must commit long before they answer.
"""

import io
import json
import threading
import time
from unittest import mock

import pytest
from django.db import connection

from cases import services
from cases.models import Case, CaseEvent, Status
from documents import signing
from documents.models import ResultDocument
from payments import services as payments
from payments.gateways import paygov
from payments.models import PaymentRequest, PaymentState

from .conftest import FRIDAY_9AM
from .signing import sign, submit, two_page_pdf, upload

pytestmark = pytest.mark.django_db(transaction=True)

HELD = 5  # seconds the outside service takes to answer


def in_thread(work):
    """Run `work` in a thread with its own database connection; its result or exception."""
    outcome = {}

    def run():
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def reprint_while_held(case_id, counter, released: threading.Event) -> float:
    """The counter reprints the receipt while the outside service is held: the seconds the
    step took to commit (it must not wait for the service)."""
    started = time.monotonic()
    case = Case.objects.select_related("procedure", "receiving_agency").get(pk=case_id)
    services.case_act(case=case, action="reprint-receipt", by=counter)
    took = time.monotonic() - started
    assert not released.is_set(), "the step committed only after the service answered"
    return took


def test_a_step_commits_while_paygov_is_asked_for_a_payment_url(
    file_case, upfront, staff, settings
):
    settings.PAYGOV_URL = "https://paygov.example/api"
    case = file_case(FRIDAY_9AM, procedure=upfront)
    assert case.status == Status.AWAITING_PAYMENT
    asked, released = threading.Event(), threading.Event()

    def slow_gateway(request, timeout):
        message = json.loads(request.data)
        asked.set()
        time.sleep(HELD)
        released.set()
        answer = {"MaLoi": "00", "MaThamChieu": message["MaThamChieu"],
                  "UrlThanhToan": "https://paygov.example/pay/1"}  # fmt: skip
        return io.BytesIO(json.dumps(paygov.signed(answer, paygov.INIT_ANSWER_FIELDS)).encode())

    with mock.patch("urllib.request.urlopen", side_effect=slow_gateway):
        paying, paid = in_thread(
            lambda: payments.payment_request_create(case=case, method="online")
        )
        assert asked.wait(10)
        took = reprint_while_held(case.pk, staff["counter"], released)
        paying.join(30)

    assert took < HELD / 2
    assert "error" not in paid, paid.get("error")
    payment = PaymentRequest.objects.get()
    assert (payment.state, payment.payment_url) == (
        PaymentState.PENDING,
        "https://paygov.example/pay/1",
    )
    # Both steps are on the timeline, the reprint first: it did not wait.
    actions = list(case.events.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["reprint-receipt", "payment"]


def test_a_step_commits_while_the_result_is_signed_remotely(
    file_case, staff, client_for, monkeypatch
):
    case = file_case(FRIDAY_9AM)
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    answer = submit(client_for(staff["officer"]), case.code, file=upload(two_page_pdf()))
    assert answer.status_code == 200, answer.content
    signing_started, released = threading.Event(), threading.Event()
    really_sign = signing.sign_pdf

    def slow_signing_service(*args, **kwargs):
        signing_started.set()
        time.sleep(HELD)
        released.set()
        return really_sign(*args, **kwargs)

    monkeypatch.setattr(signing, "sign_pdf", slow_signing_service)
    signer = client_for(staff["signer"])
    signing_thread, signed = in_thread(lambda: sign(signer, case.code))
    assert signing_started.wait(10)
    took = reprint_while_held(case.pk, staff["counter"], released)
    signing_thread.join(30)

    assert took < HELD / 2
    assert signed["value"].status_code == 200, signed["value"].content
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert ResultDocument.objects.get(case=case).signed_sha256
    actions = list(
        CaseEvent.objects.filter(case=case).order_by("id").values_list("action", flat=True)
    )
    assert actions[-2:] == ["reprint-receipt", "sign"]


def test_a_result_signed_for_a_case_that_moved_on_meanwhile_leaves_nothing_behind(
    file_case, staff, client_for, monkeypatch, settings
):
    """The step is checked again once the signature is made: a case withdrawn while the
    service signed is not resolved, and the signed copy is not kept."""
    case = file_case(FRIDAY_9AM)
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    answer = submit(client_for(staff["officer"]), case.code, file=upload(two_page_pdf()))
    assert answer.status_code == 200, answer.content
    really_sign = signing.sign_pdf

    def withdrawn_while_signing(*args, **kwargs):
        fresh = Case.objects.select_related("procedure", "receiving_agency").get(pk=case.pk)
        services.case_act(case=fresh, action="withdraw", by=staff["counter"], reason="Rút")
        return really_sign(*args, **kwargs)

    monkeypatch.setattr(signing, "sign_pdf", withdrawn_while_signing)
    answer = sign(client_for(staff["signer"]), case.code)

    assert answer.status_code == 409
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
    document = ResultDocument.objects.get(case=case)
    assert document.signed_sha256 == "" and not document.signed
    assert list(settings.MEDIA_ROOT.rglob("*-signed.pdf")) == []  # the signed copy is gone
