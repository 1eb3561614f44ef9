"""The counter, officer and signer desks and the case page, through the browser's forms."""

import re

import pytest

from cases import services
from cases.models import Case, CaseEvent, Status
from documents import signing
from documents.models import ResultDocument

from .conftest import APPLICANT, vn
from .signing import two_page_pdf, upload

pytestmark = pytest.mark.django_db


def intake_data(procedure, token="tok-1", **changes):
    return {
        "procedure": procedure.code,
        "token": token,
        **APPLICANT,
        "channel": "counter",
        "documents": list(procedure.required_documents),
        "digitised": [procedure.required_documents[0]],
        **changes,
    }


@pytest.fixture
def counter(client, staff):
    client.force_login(staff["counter"])
    return client


def test_the_procedure_search_answers_as_you_type(counter, procedure):
    fragment = counter.get(
        "/desk/counter/procedures/", {"q": "lý lịch"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert procedure.name in fragment
    assert f"?procedure={procedure.code}" in fragment
    assert "<html" not in fragment  # a fragment for HTMX, not a page


def test_the_intake_form_lists_the_procedures_documents_checked(counter, procedure):
    html = counter.get("/desk/counter/", {"procedure": procedure.code}).content.decode()
    for name in procedure.required_documents:
        assert re.search(rf'value="{name}"[^>]*checked', html)


def test_intake_files_the_case_and_prints_the_receipt_with_its_pin(counter, procedure):
    answer = counter.post("/desk/counter/", intake_data(procedure))

    case = Case.objects.get()
    assert case.status == Status.RECEIVED and case.channel == "counter"
    assert [(d.name, d.digitised) for d in case.documents.all()] == [
        ("Tờ khai", True),
        ("Bản sao CCCD", False),
    ]
    assert answer["Location"] == f"/desk/cases/{case.reference}/receipt/"
    receipt = counter.get(answer["Location"]).content.decode()
    assert case.code in receipt and APPLICANT["full_name"] in receipt
    pin = re.search(r'<p class="pin">([0-9A-Z]{8})</p>', receipt).group(1)
    assert services.pin_matches(case, pin)


def test_a_double_submitted_intake_files_one_case(counter, procedure):
    first = counter.post("/desk/counter/", intake_data(procedure, token="same"))
    second = counter.post("/desk/counter/", intake_data(procedure, token="same"))
    assert Case.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_bad_intake_input_is_shown_next_to_the_field_and_kept(counter, procedure):
    answer = counter.post("/desk/counter/", intake_data(procedure, id_number="12ab"))
    html = answer.content.decode()
    assert answer.status_code == 400
    assert Case.objects.count() == 0
    assert 'aria-invalid="true"' in html and 'value="12ab"' in html
    assert f'value="{APPLICANT["full_name"]}"' in html


def test_a_refused_filing_is_a_form_error_not_a_crash(counter, procedure):
    procedure.is_active = False
    procedure.save()
    assert counter.post("/desk/counter/", intake_data(procedure)).status_code == 404


def test_the_counter_accepts_an_online_submission_from_its_queue(counter, procedure):
    submitted = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online")
    queue = counter.get("/desk/counter/submissions/").content.decode()
    assert submitted.reference in queue

    answer = counter.post(f"/desk/cases/{submitted.reference}/actions/accept/")

    submitted.refresh_from_db()
    assert submitted.status == Status.RECEIVED and submitted.code
    assert answer["Location"] == f"/desk/cases/{submitted.code}/"
    assert submitted.reference not in counter.get("/desk/counter/submissions/").content.decode()


def test_refusing_a_submission_needs_a_reason_shown_next_to_the_field(counter, procedure):
    submitted = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online")
    answer = counter.post(
        f"/desk/cases/{submitted.reference}/actions/reject/", {"reject-reason": ""}
    )
    assert answer.status_code == 400
    assert re.search(
        r'<textarea name="reject-reason"[^>]*aria-invalid="true"', answer.content.decode()
    )
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def action_buttons(html: str) -> set[str]:
    return set(re.findall(r'/actions/([a-z-]+)/"', html))


def test_the_case_page_offers_exactly_the_allowed_actions(client, staff, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    for who in ("counter", "signer"):
        client.force_login(staff[who])
        html = client.get(f"/desk/cases/{case.code}/").content.decode()
        assert action_buttons(html) == set(services.allowed_actions(case, staff[who]))
        assert "Tờ khai" in html  # the documents and the timeline are there too


def test_an_action_not_allowed_now_becomes_a_message(counter, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    answer = counter.post(
        f"/desk/cases/{case.code}/actions/return/",
        {"return-channel": "counter", "return-recipient": "Mai"},
    )
    assert answer.status_code == 302
    page = counter.get(answer["Location"]).content.decode()
    assert 'class="error"' in page
    case.refresh_from_db()
    assert case.status == Status.RECEIVED


def test_a_case_of_another_agency_is_not_found(client, staff, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    client.force_login(staff["builder"])
    assert client.get(f"/desk/cases/{case.code}/").status_code == 404
    assert client.post(f"/desk/cases/{case.code}/actions/withdraw/").status_code == 404


def test_assign_then_the_officer_submits_and_the_signer_signs_several(client, staff, file_case):
    cases = [file_case(vn(2026, 11, 27, 9, 0)) for _ in range(2)]
    client.force_login(staff["counter"])
    for case in cases:
        client.post(
            f"/desk/cases/{case.code}/actions/assign/", {"assign-officer": staff["officer"].pk}
        )

    client.force_login(staff["officer"])
    desk = client.get("/desk/officer/").content.decode()
    assert all(case.code in desk for case in cases)
    for case in cases:
        client.post(
            f"/desk/cases/{case.code}/actions/submit-result/", {"submit-result-result": "generated"}
        )

    client.force_login(staff["signer"])
    assert all(case.code in client.get("/desk/signer/").content.decode() for case in cases)
    client.post("/desk/signer/sign/", {"case": [case.code for case in cases]})
    assert set(Case.objects.values_list("status", flat=True)) == {Status.RESOLVED}


def test_the_signer_sends_a_result_back_with_a_reason(client, staff, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    services.case_act(case=case, action="submit-result", by=staff["officer"])
    client.force_login(staff["signer"])

    client.post(f"/desk/cases/{case.code}/actions/send-back/", {"send-back-reason": "Thiếu căn cứ"})

    case.refresh_from_db()
    assert case.status == Status.PROCESSING
    assert CaseEvent.objects.filter(case=case, action="send-back", reason="Thiếu căn cứ").exists()


def test_the_work_queue_marks_late_cases_and_filters_by_officer(client, staff, file_case):
    late = file_case(vn(2026, 11, 2, 9, 0))
    mine = file_case(vn(2026, 11, 27, 9, 0))
    services.case_act(case=mine, action="assign", by=staff["counter"], officer=staff["officer"])
    client.force_login(staff["counter"])

    html = client.get("/desk/queue/").content.decode()
    assert re.search(rf'<tr class="late">\s*<td><a href="/desk/cases/{late.code}/"', html)

    filtered = client.get("/desk/queue/", {"officer": "officer"}).content.decode()
    assert mine.code in filtered and late.code not in filtered


@pytest.mark.parametrize(
    ("method", "path", "data", "expected"),
    [
        ("get", "/desk/queue/", {"officer": "nobody", "due": "x", "status": "x", "page": "x"}, 200),
        ("post", "/desk/cases/{code}/actions/assign/", {"assign-officer": "abc"}, 400),
        (
            "post",
            "/desk/cases/{code}/actions/apologise/",
            {"apologise-new_appointment_at": "soon", "apologise-reason": "x"},
            400,
        ),
        ("post", "/desk/cases/{code}/actions/fly/", {}, 404),
        ("get", "/desk/cases/NO-SUCH-CASE/", {}, 404),
        ("get", "/desk/counter/", {"procedure": "9.999999"}, 404),
        ("get", "/procedures/", {"agency": "x", "level": "x", "page": "999"}, 200),
    ],
)
def test_bad_input_to_the_pages_never_crashes(
    client, staff, file_case, method, path, data, expected
):
    case = file_case(vn(2026, 11, 27, 9, 0))
    client.force_login(staff["counter"])
    answer = getattr(client, method)(path.format(code=case.code), data)
    assert answer.status_code == expected


def test_signing_on_the_signer_desk_pades_signs_the_result(client, staff, file_case, media):
    case = file_case(vn(2026, 11, 27, 9, 0))
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    client.force_login(staff["officer"])
    client.post(
        f"/desk/cases/{case.code}/actions/submit-result/", {"submit-result-result": "generated"}
    )

    client.force_login(staff["signer"])
    client.post("/desk/signer/sign/", {"case": [case.code]})

    result = ResultDocument.objects.get(case=case)
    assert result.is_signed and result.signed_by == staff["signer"]
    with result.signed.open("rb") as stored:
        assert signing.verify_pdf(stored.read()).verdict == signing.Verdict.AUTHENTIC
    event = CaseEvent.objects.get(case=case, action="sign")
    assert event.data == {"signature": "pades", "document": str(result.pk)}


@pytest.fixture
def officer_case(client, staff, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    client.force_login(staff["officer"])
    return case


def invalid_field(answer, name) -> str:
    """The HTML of the field marked invalid that holds the input `name`."""
    for field in answer.content.decode().split('<div class="field invalid">')[1:]:
        field = field.split("</form>")[0].split('<div class="field')[0]
        if f'name="{name}"' in field:
            return field
    raise AssertionError(f"{name} is not marked invalid")


def submit_result(client, case, **data):
    return client.post(
        f"/desk/cases/{case.code}/actions/submit-result/", data, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_the_officer_uploads_the_result_pdf_from_the_case_page(client, officer_case, media):
    page = client.get(f"/desk/cases/{officer_case.code}/").content.decode()
    assert 'enctype="multipart/form-data"' in page and 'type="file"' in page

    answer = submit_result(
        client,
        officer_case,
        **{"submit-result-result": "uploaded", "submit-result-file": upload(two_page_pdf())},
    )

    assert answer.status_code == 302
    result = ResultDocument.objects.get(case=officer_case)
    assert result.origin == ResultDocument.Origin.UPLOADED and not result.is_signed
    officer_case.refresh_from_db()
    assert officer_case.status == Status.AWAITING_SIGNATURE


@pytest.mark.parametrize(
    ("file", "message"),
    [
        (lambda: upload(b"just text, not a PDF", name="ket-qua.txt"), "must be a PDF"),
        (lambda: upload(b"%PDF-1.7 broken beyond repair"), ""),
        (lambda: None, "Choose the PDF to upload"),
    ],
    ids=["not-a-pdf", "unparsable", "missing"],
)
def test_a_bad_result_file_is_an_error_next_to_the_field_and_nothing_is_written(
    client, officer_case, media, file, message
):
    data = {"submit-result-result": "uploaded"}
    if (chosen := file()) is not None:
        data["submit-result-file"] = chosen

    answer = submit_result(client, officer_case, **data)

    assert answer.status_code == 400
    field = invalid_field(answer, "submit-result-file")
    assert "errorlist" in field and message in field
    officer_case.refresh_from_db()
    assert officer_case.status == Status.PROCESSING
    assert not ResultDocument.objects.exists()
    assert not CaseEvent.objects.filter(action="submit-result").exists()


def test_a_result_over_the_size_limit_is_refused_next_to_the_field(
    client, officer_case, media, settings
):
    settings.RESULT_MAX_BYTES = 1000
    answer = submit_result(
        client,
        officer_case,
        **{"submit-result-result": "uploaded", "submit-result-file": upload(two_page_pdf())},
    )
    assert answer.status_code == 400 and "larger than" in answer.content.decode()
    assert not ResultDocument.objects.exists()


def test_the_timeline_names_the_assigned_officer_by_full_name(client, staff, file_case):
    """Regression (issue 20): the timeline said "Chuyên viên xử lý: officer" (a username)."""
    officer = staff["officer"]
    officer.first_name, officer.last_name = "Minh", "Lê Văn"
    officer.save()
    case = file_case()
    services.case_act(case=case, action="assign", by=staff["counter"], officer=officer)
    client.force_login(staff["counter"])

    page = client.get(f"/desk/cases/{case.code}/").content.decode()

    assert "Chuyên viên xử lý: Lê Văn Minh" in page
    assert "Chuyên viên xử lý: officer" not in page
