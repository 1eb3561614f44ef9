"""The PDFs the pages reach: form 01 from the counter, forms 02–05 from the timeline, the
result draft and the signed result from the case pages."""

import hashlib
import re

import pytest

from cases import services
from cases.models import Case, CaseEvent, Status
from documents.models import ResultDocument

from .conftest import APPLICANT
from .moments import MONDAY_9AM
from .pdf_tools import text
from .signing import two_page_pdf, upload
from .test_web_desks import intake_data

pytestmark = pytest.mark.django_db


def pin_on(page) -> str:
    return re.search(r'<p class="pin">([0-9A-Z]{8})</p>', page.content.decode()).group(1)


@pytest.fixture
def filed_here(client, staff, procedure):
    """A case just filed at this browser's counter: its PIN is kept in the session."""
    client.force_login(staff["counter"])
    client.post("/desk/counter/", intake_data(procedure))
    return Case.objects.get()


def test_form_01_prints_as_a_pdf_in_one_click_with_the_pin_issued_at_filing(client, filed_here):
    receipt = client.get(f"/desk/cases/{filed_here.reference}/receipt/")
    pin = pin_on(receipt)
    assert f'href="/desk/cases/{filed_here.code}/receipt/pdf/"' in receipt.content.decode()
    case_page = client.get(f"/desk/cases/{filed_here.code}/").content.decode()
    assert f'href="/desk/cases/{filed_here.code}/receipt/pdf/"' in case_page

    answer = client.get(f"/desk/cases/{filed_here.code}/receipt/pdf/")

    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert pin in text(answer.content) and filed_here.code in text(answer.content)
    assert not CaseEvent.objects.filter(action="reprint-receipt").exists()  # as issued


def test_without_the_pin_kept_the_pdf_asks_for_a_reprint(client, staff, file_case):
    case = file_case()
    client.force_login(staff["counter"])

    assert 'receipt/pdf/"' not in client.get(f"/desk/cases/{case.code}/").content.decode()
    answer = client.get(f"/desk/cases/{case.code}/receipt/pdf/")
    assert answer.status_code == 302 and answer["Location"].endswith("/receipt/reprint/")


def test_a_reprint_asks_first_then_issues_a_new_pin_and_the_old_one_stops_working(
    client, filed_here
):
    old_pin = pin_on(client.get(f"/desk/cases/{filed_here.code}/receipt/"))
    confirm = client.get(f"/desk/cases/{filed_here.code}/receipt/reprint/")
    assert confirm.status_code == 200 and services.pin_matches(filed_here, old_pin)

    answer = client.post(f"/desk/cases/{filed_here.code}/receipt/reprint/", follow=True)

    new_pin = pin_on(answer)
    assert new_pin != old_pin and new_pin in answer.content.decode().split("<main")[1][:2000]
    filed_here.refresh_from_db()
    assert services.pin_matches(filed_here, new_pin)
    assert not services.pin_matches(filed_here, old_pin)
    assert CaseEvent.objects.filter(case=filed_here, action="reprint-receipt", form="01").exists()
    pdf = client.get(f"/desk/cases/{filed_here.code}/receipt/pdf/")
    assert new_pin in text(pdf.content)


def test_only_the_counter_reprints(client, staff, file_case):
    case = file_case()
    client.force_login(staff["officer"])
    assert client.post(f"/desk/cases/{case.code}/receipt/reprint/").status_code == 403
    assert not CaseEvent.objects.filter(action="reprint-receipt").exists()


def test_a_timeline_step_that_issued_a_form_links_its_pdf(client, staff, file_case):
    case = file_case()
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    services.case_act(
        case=case, action="request-supplement", by=staff["officer"],
        items=["Bản sao sổ hộ khẩu"], reason="Thiếu giấy tờ",
    )  # fmt: skip
    event = CaseEvent.objects.get(case=case, action="request-supplement")
    client.force_login(staff["officer"])

    page = client.get(f"/desk/cases/{case.code}/").content.decode()
    link = f"/desk/cases/{case.code}/forms/{event.pk}/"
    assert f'href="{link}"' in page

    answer = client.get(link)
    assert answer.status_code == 200 and "Bản sao sổ hộ khẩu" in text(answer.content)
    receive = CaseEvent.objects.get(case=case, action="accept")
    assert client.get(f"/desk/cases/{case.code}/forms/{receive.pk}/").status_code == 404


@pytest.fixture
def citizen_case(staff, procedure, media):
    """An online case of the citizen's account, with a result uploaded and signed."""
    case = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="online", by=staff["citizen"]
    )
    case = services.case_act(case=case, action="accept", by=staff["counter"], now=MONDAY_9AM)
    return services.case_act(
        case=case, action="assign", by=staff["counter"], officer=staff["officer"]
    )


def test_the_case_page_shows_the_draft_then_the_signed_result(client, staff, citizen_case):
    code = citizen_case.code
    client.force_login(staff["officer"])
    client.post(
        f"/desk/cases/{code}/actions/submit-result/",
        {"submit-result-result": "uploaded", "submit-result-file": upload(two_page_pdf())},
    )
    draft = ResultDocument.objects.get()
    client.force_login(staff["signer"])
    page = client.get(f"/desk/cases/{code}/").content.decode()
    assert draft.draft_sha256 in page
    download = client.get(f"/desk/cases/{code}/results/{draft.pk}/draft/")
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == draft.draft_sha256

    client.post("/desk/signer/sign/", {"case": [code]})

    draft.refresh_from_db()
    page = client.get(f"/desk/cases/{code}/").content.decode()
    assert draft.signed_sha256 in page and f'href="/verify/{draft.pk}/"' in page
    # The certificate's fields named in Vietnamese on a Vietnamese page (issue 20: they read
    # "Common Name / Organizational Unit"), in English on an English one.
    vietnamese = "Tên chung (CN): Sở Tư pháp; Đơn vị (OU): 000.00.20.H38; Tổ chức (O): Sở Tư pháp"
    assert vietnamese + "; Quốc gia (C): VN" in page
    assert "Common Name" not in page and "Organization" not in page
    english = client.get(f"/desk/cases/{code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    english_names = "Common Name: Sở Tư pháp; Organizational Unit: 000.00.20.H38; Organization"
    assert english_names + ": Sở Tư pháp; Country: VN" in english
    signed = client.get(f"/desk/cases/{code}/result/")
    assert signed.status_code == 200
    citizen_case.refresh_from_db()
    assert citizen_case.status == Status.RESOLVED  # staff downloads return nothing


def test_a_paper_result_offers_no_download(client, staff, citizen_case):
    services.case_act(case=citizen_case, action="submit-result", by=staff["officer"])
    client.force_login(staff["signer"])
    client.post(f"/desk/cases/{citizen_case.code}/actions/sign/")
    citizen_case.refresh_from_db()
    assert citizen_case.status == Status.RESOLVED
    client.force_login(staff["citizen"])
    assert "/result/" not in client.get(f"/my/cases/{citizen_case.code}/").content.decode()
    answer = client.get(f"/my/cases/{citizen_case.code}/result/")
    assert answer.status_code == 302  # back to the case page, with the reason as a message


def test_the_citizen_downloads_the_signed_result_from_their_case_page(client, staff, citizen_case):
    code = citizen_case.code
    client.force_login(staff["officer"])
    client.post(f"/desk/cases/{code}/actions/submit-result/", {"submit-result-result": "generated"})
    client.force_login(staff["signer"])
    client.post(f"/desk/cases/{code}/actions/sign/")
    client.force_login(staff["citizen"])

    page = client.get(f"/my/cases/{code}/").content.decode()
    assert f'href="/my/cases/{code}/result/"' in page
    document = ResultDocument.objects.get()
    assert f'href="/verify/{document.pk}/"' in page and document.draft_sha256 not in page

    answer = client.get(f"/my/cases/{code}/result/")
    body = b"".join(answer.streaming_content)

    assert answer.status_code == 200 and body.startswith(b"%PDF")
    citizen_case.refresh_from_db()
    assert citizen_case.status == Status.RETURNED and citizen_case.return_channel == "online"
    assert CaseEvent.objects.filter(case=citizen_case, action="return").count() == 1


def test_a_submission_not_yet_received_has_no_receipt_to_reprint(client, staff, procedure):
    submitted = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online")
    client.force_login(staff["counter"])
    assert client.get(f"/desk/cases/{submitted.reference}/receipt/reprint/").status_code == 404
    assert client.post(f"/desk/cases/{submitted.reference}/receipt/reprint/").status_code == 404


def test_a_case_filed_online_prints_its_receipt_and_reprints_it(client, staff, procedure):
    """Regression: the receipt of a case filed online was a 500 (the template read the
    username of the filing step's actor, and an online filing has none), and the reprint
    redirected there."""
    submitted = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online")
    case = services.case_act(case=submitted, action="accept", by=staff["counter"])
    client.force_login(staff["counter"])

    receipt = client.get(f"/desk/cases/{case.code}/receipt/")
    assert receipt.status_code == 200
    assert "counter" in receipt.content.decode().split('class="signatures"')[1]

    reprinted = client.post(f"/desk/cases/{case.code}/receipt/reprint/", follow=True)
    assert reprinted.status_code == 200
    case.refresh_from_db()
    assert services.pin_matches(case, pin_on(reprinted))


def test_a_draft_sent_back_is_not_shown_as_awaiting_signature(client, staff, citizen_case):
    code = citizen_case.code
    client.force_login(staff["officer"])
    client.post(f"/desk/cases/{code}/actions/submit-result/", {"submit-result-result": "generated"})
    client.force_login(staff["signer"])
    client.post(f"/desk/cases/{code}/actions/send-back/", {"send-back-reason": "Sai ngày sinh"})

    page = client.get(f"/desk/cases/{code}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Draft, sent back or replaced" in page and "awaiting signature" not in page


def test_the_printed_receipt_page_of_an_upfront_fee_says_when_the_clock_starts(
    client, staff, file_case, upfront
):
    """Regression (issue 20): with an upfront fee the appointment was blank, without the fee
    or why; the applicant's signature block had no name under it."""
    case = file_case(MONDAY_9AM, procedure=upfront)
    client.force_login(staff["counter"])

    page = client.get(f"/desk/cases/{case.code}/receipt/").content.decode()

    assert "Tính từ khi nộp đủ phí, lệ phí; ngày hẹn được báo khi thanh toán xong." in page
    assert "Phí LP-DKDN: 50.000 ₫; Phí PHI-CBTT: 100.000 ₫" in page
    assert page.count(APPLICANT["full_name"]) >= 2  # the applicant's row and signature
