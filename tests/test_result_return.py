"""Online result return: the applicant downloads the signed result; the first download
returns the case online, once."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cases import services
from cases.exceptions import ActionForbidden
from cases.models import Case, ReturnChannel, Status
from documents.models import ResultDocument
from documents.services import result_download

from .conftest import APPLICANT
from .moments import MONDAY_9AM
from .signing import sign, submit, two_page_pdf, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolved(file_case, staff, client_for, use_pki, media):
    """A counter case, signed electronically; its receipt PIN on `.pin`."""
    case = file_case(MONDAY_9AM)
    pin = case.pin
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    submit(client_for(staff["officer"]), case.code, file=upload(two_page_pdf()))
    assert sign(client_for(staff["signer"]), case.code).status_code == 200
    case.refresh_from_db()
    case.pin = pin
    return case


def download(client, case, pin):
    return client.get(f"/api/v1/public/cases/{case.code}/result/", {"pin": pin})


def test_the_first_public_download_returns_the_case_online_exactly_once(resolved, client):
    first = download(client, resolved, resolved.pin)
    second = download(client, resolved, resolved.pin)

    assert first.status_code == second.status_code == 200
    first_bytes, second_bytes = (
        b"".join(first.streaming_content),
        b"".join(second.streaming_content),
    )
    assert first["Content-Type"] == "application/pdf" and first_bytes.startswith(b"%PDF-")
    assert first_bytes == second_bytes
    resolved.refresh_from_db()
    assert resolved.status == Status.RETURNED
    assert resolved.return_channel == ReturnChannel.ONLINE
    [event] = resolved.events.filter(action="return")
    assert event.actor is None and event.data == {"channel": "online", "system": "onestop"}
    assert ResultDocument.objects.get(case=resolved).first_downloaded_at is not None


def test_a_wrong_pin_downloads_nothing_and_returns_nothing(resolved, client):
    answer = download(client, resolved, "WRONG000")
    assert answer.status_code == 404
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_the_public_lookup_links_the_download_and_the_verification(resolved, client):
    body = client.get(f"/api/v1/public/cases/{resolved.code}/", {"pin": resolved.pin}).json()
    document = ResultDocument.objects.get(case=resolved)
    assert body["result"] == {
        "document_id": str(document.pk),
        "download_url": f"/api/v1/public/cases/{resolved.code}/result/",
        "verify_url": f"/api/v1/public/verify/{document.pk}/",
    }


def test_staff_may_download_without_returning_the_case(resolved, staff, client_for):
    answer = client_for(staff["counter"]).get(f"/api/v1/cases/{resolved.code}/result/")
    assert answer.status_code == 200
    resolved.refresh_from_db()
    assert resolved.status == Status.RESOLVED


def test_the_citizen_account_download_returns_an_online_case(
    staff, procedure, client_for, use_pki, media
):
    case = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="online", by=staff["citizen"]
    )
    case = services.case_act(case=case, action="accept", by=staff["counter"])
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    submit(client_for(staff["officer"]), case.code, file=upload(two_page_pdf()))
    sign(client_for(staff["signer"]), case.code)

    answer = client_for(staff["citizen"]).get(f"/api/v1/cases/{case.code}/result/")

    assert answer.status_code == 200
    case.refresh_from_db()
    assert case.status == Status.RETURNED and case.return_channel == ReturnChannel.ONLINE


def test_no_download_before_the_result_is_signed(file_case, client):
    case = file_case(MONDAY_9AM)
    assert download(client, case, case.pin).status_code == 409


def test_the_system_may_only_return_online(resolved):
    """The applicant's stand-in cannot record a counter or postal hand-over."""
    with pytest.raises(ActionForbidden):
        services.case_act(
            case=resolved, action="return", by=services.ONESTOP, channel="counter", recipient="X"
        )
    with pytest.raises(ActionForbidden):
        services.case_act(case=resolved, action="assign", by=services.ONESTOP, officer=None)


def test_the_lookup_page_links_the_download_and_the_check(resolved, client):
    page = client.post("/", {"code": resolved.code, "pin": resolved.pin}, follow=True)
    document = ResultDocument.objects.get(case=resolved)
    html = page.content.decode()
    assert 'href="/result/"' in html and resolved.pin not in html  # no PIN in any link
    assert f"/verify/{document.pk}/" in html


def test_the_lookup_page_downloads_the_result_of_the_case_it_proved(resolved, client):
    client.post("/", {"code": resolved.code, "pin": resolved.pin})

    download = client.get("/result/")

    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    resolved.refresh_from_db()
    assert resolved.status == "returned" and resolved.return_channel == "online"


def test_the_result_link_without_a_proven_case_goes_back_to_the_lookup(client):
    assert client.get("/result/").status_code == 302


def test_a_counter_return_records_who_collected_it(resolved, staff, client_for):
    answer = client_for(staff["counter"]).post(
        f"/api/v1/cases/{resolved.code}/actions/return/",
        {"channel": "counter", "recipient": "Lò Thị Mai", "recipient_id_number": "010190001234"},
        format="json",
    )
    assert answer.status_code == 200
    assert resolved.events.get(action="return").data == {
        "channel": "counter",
        "recipient": "Lò Thị Mai",
        "recipient_id_number": "010190001234",
    }


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_downloads_record_one_return(resolved):
    """Eight downloads at once, each in its own transaction: one `return` event."""

    def download_once(_):
        try:
            return result_download(case=Case.objects.get(pk=resolved.pk), applicant=True).pk
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        documents = set(pool.map(download_once, range(8)))

    assert len(documents) == 1
    resolved.refresh_from_db()
    assert resolved.status == Status.RETURNED
    assert resolved.events.filter(action="return").count() == 1
