"""Counter staff scan the applicant's papers into the case (số hóa)."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases import services
from cases.models import CaseDocument

from .conftest import vn

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(client, code, **overrides):
    data = {
        "name": "Bản sao CCCD",
        "file": SimpleUploadedFile("cccd.pdf", PDF, content_type="application/pdf"),
        **overrides,
    }
    return client.post(f"/api/v1/cases/{code}/documents/", data, format="multipart")


def test_a_scanned_document_is_stored_with_its_sha256(file_case, staff, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))

    answer = upload(client_for(staff["counter"]), case.code)

    assert answer.status_code == 201, answer.content
    assert answer.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    document = CaseDocument.objects.get(case=case, name="Bản sao CCCD")
    assert document.digitised and document.file.read() == PDF


def test_only_pdf_or_images_of_sensible_size(file_case, staff, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    exe = SimpleUploadedFile("x.pdf", b"MZ\x90\x00", content_type="application/pdf")
    answer = upload(client_for(staff["counter"]), case.code, file=exe)
    assert answer.status_code == 400 and "file" in answer.json()


def test_no_documents_on_a_closed_case_or_by_outsiders(file_case, staff, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    assert upload(client_for(staff["builder"]), case.code).status_code == 404
    assert upload(client_for(staff["signer"]), case.code).status_code == 403
    services.case_act(case=case, action="withdraw", by=staff["counter"], reason="Rút")
    assert upload(client_for(staff["counter"]), case.code).status_code == 409
    assert CaseDocument.objects.filter(case=case).count() == 1  # the one filed with the case


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\0" * 40


def test_the_content_decides_the_type_not_the_declared_one(file_case, staff, client_for):
    """Regression: `evil.html` declared `image/png` was stored as `.html`."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    evil = SimpleUploadedFile("evil.html", b"<html><script>alert(1)</script>", "image/png")
    answer = upload(client_for(staff["counter"]), case.code, file=evil)
    assert answer.status_code == 400 and "file" in answer.json()


def test_a_scan_is_stored_under_a_generated_name_with_its_real_extension(
    file_case, staff, client_for
):
    case = file_case(vn(2026, 11, 27, 9, 0))
    disguised = SimpleUploadedFile("photo.html", PNG, content_type="application/pdf")
    assert upload(client_for(staff["counter"]), case.code, file=disguised).status_code == 201
    stored = CaseDocument.objects.get(case=case, name="Bản sao CCCD").file.name
    assert stored.endswith(".png") and "photo" not in stored


def test_an_oversized_upload_is_refused_before_the_body_is_read(file_case, staff, client_for):
    """Regression: a 200 MB upload was read fully, then refused."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    client = client_for(staff["counter"])
    # The header announces 200 MB; the body is never read, so a short one proves it.
    answer = client.generic(
        "POST",
        f"/api/v1/cases/{case.code}/documents/",
        b"--x\r\n",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert answer.status_code == 413
    assert answer.json()["error"] == "too_large"


def test_a_file_past_the_limit_is_stopped_while_it_streams(file_case, staff, client_for, settings):
    settings.DOCUMENT_MAX_BYTES = 2_000
    case = file_case(vn(2026, 11, 27, 9, 0))
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * 10_000, content_type="application/pdf")
    answer = upload(client_for(staff["counter"]), case.code, file=big)
    assert answer.status_code == 413
    assert CaseDocument.objects.filter(case=case).count() == 1  # the one filed with the case


def test_staff_of_the_case_and_its_applicant_download_the_scan(staff, procedure, client_for):
    """Regression: uploaded documents could not be downloaded by anyone."""
    case = services.case_file(
        procedure=procedure,
        applicant={"full_name": "Lò Thị Mai", "id_number": "010190001234"},
        channel="online",
        by=staff["citizen"],
    )
    case = services.case_act(case=case, action="accept", by=staff["counter"])
    created = upload(client_for(staff["counter"]), case.code).json()
    url = created["download"]

    for who in ("counter", "officer", "citizen"):
        answer = client_for(staff[who]).get(url)
        assert answer.status_code == 200, who
        assert b"".join(answer.streaming_content) == PDF
        assert answer["Content-Type"] == "application/pdf"
        assert answer["Content-Disposition"].startswith("attachment")
    assert client_for(staff["builder"]).get(url).status_code == 404  # another agency
    assert client_for().get(url).status_code == 401
    stored = CaseDocument.objects.get(pk=created["id"]).file.name
    assert client_for().get(f"/media/{stored}").status_code == 404  # never public
