"""The citizen portal: find a procedure, file it online with scans, follow one's cases."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import Case, Level, OnlineLevel, Status

from .conftest import APPLICANT
from .factories import FeeItemFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def online_procedure(province):
    procedure = ProcedureFactory(
        code="1.000894",
        name="Đăng ký kết hôn",
        level=Level.COMMUNE,
        agency=province["justice"],
        online_level=OnlineLevel.FULL,
        required_documents=["Tờ khai đăng ký kết hôn"],
    )
    FeeItemFactory(procedure=procedure, name="Lệ phí đăng ký", amount=30_000)
    return procedure


def scan(name="to-khai.pdf", content=b"%PDF-1.4 scan", kind="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=kind)


def submission(token="t-1", **changes):
    return {"token": token, **APPLICANT, "document_0": scan(), **changes}


def test_procedures_are_found_by_name_and_level_with_documents_time_and_fees(
    client, online_procedure, procedure
):
    html = client.get("/procedures/", {"q": "kết hôn", "level": "commune"}).content.decode()
    assert online_procedure.name in html and procedure.name not in html
    assert "Tờ khai đăng ký kết hôn" in html and "30.000" in html
    assert f"/procedures/{online_procedure.code}/submit/" in html

    by_agency = client.get("/procedures/", {"agency": "000.00.20.H38"}).content.decode()
    assert online_procedure.name in by_agency and procedure.name in by_agency


def test_an_online_submission_ends_with_a_reference_and_a_pin(client, online_procedure):
    answer = client.post(f"/procedures/{online_procedure.code}/submit/", submission())

    case = Case.objects.get()
    assert case.status == Status.SUBMITTED and case.channel == "online"
    document = case.documents.get()
    assert document.name == "Tờ khai đăng ký kết hôn" and len(document.sha256) == 64
    assert answer["Location"] == f"/submitted/{case.reference}/"
    page = client.get(answer["Location"]).content.decode()
    pin = re.search(r'id="pin">([0-9A-Z]{8})<', page).group(1)
    assert case.reference in page and services.pin_matches(case, pin)


def test_a_double_submitted_online_form_files_one_case(client, online_procedure):
    url = f"/procedures/{online_procedure.code}/submit/"
    first = client.post(url, submission(token="same"))
    second = client.post(url, submission(token="same"))
    assert Case.objects.count() == 1 and first["Location"] == second["Location"]


def test_a_wrong_file_type_is_refused_next_to_its_field(client, online_procedure):
    answer = client.post(
        f"/procedures/{online_procedure.code}/submit/",
        submission(document_0=scan("virus.exe", b"MZ", "application/x-msdownload")),
    )
    assert answer.status_code == 400 and Case.objects.count() == 0
    html = answer.content.decode()
    assert re.search(r'name="document_0"[^>]*aria-invalid="true"', html)
    assert f'value="{APPLICANT["full_name"]}"' in html


def test_someone_elses_submission_page_is_not_found(client, online_procedure):
    client.post(f"/procedures/{online_procedure.code}/submit/", submission())
    case = Case.objects.get()
    client.cookies.clear()
    assert client.get(f"/submitted/{case.reference}/").status_code == 404


def test_a_procedure_not_offered_online_has_no_form(client, procedure):
    procedure.online_level = OnlineLevel.NONE
    procedure.save()
    assert client.get(f"/procedures/{procedure.code}/submit/").status_code == 404


def test_a_logged_in_citizen_sees_all_their_cases_and_no_one_elses(client, staff, online_procedure):
    client.force_login(staff["citizen"])
    client.post(f"/procedures/{online_procedure.code}/submit/", submission(token="a"))
    client.post(f"/procedures/{online_procedure.code}/submit/", submission(token="b"))
    other = services.case_file(procedure=online_procedure, applicant=APPLICANT, channel="online")

    html = client.get("/my/cases/").content.decode()
    mine = Case.objects.filter(applicant_user=staff["citizen"])
    assert mine.count() == 2 and all(case.reference in html for case in mine)
    assert other.reference not in html
    assert client.get(f"/my/cases/{other.reference}/").status_code == 404


def test_a_citizen_withdraws_their_own_submission(client, staff, online_procedure):
    client.force_login(staff["citizen"])
    client.post(f"/procedures/{online_procedure.code}/submit/", submission())
    case = Case.objects.get()
    page = client.get(f"/my/cases/{case.reference}/").content.decode()
    assert "/actions/withdraw/" in page

    answer = client.post(
        f"/desk/cases/{case.reference}/actions/withdraw/", {"withdraw-reason": "Nộp nhầm"}
    )

    assert answer["Location"] == f"/my/cases/{case.reference}/"
    case.refresh_from_db()
    assert case.status == Status.WITHDRAWN
