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
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    answer = upload(client_for(staff["counter"]), case.code, file=exe)
    assert answer.status_code == 400 and "file" in answer.json()


def test_no_documents_on_a_closed_case_or_by_outsiders(file_case, staff, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    assert upload(client_for(staff["builder"]), case.code).status_code == 404
    assert upload(client_for(staff["signer"]), case.code).status_code == 403
    services.case_act(case=case, action="withdraw", by=staff["counter"], reason="Rút")
    assert upload(client_for(staff["counter"]), case.code).status_code == 409
    assert CaseDocument.objects.filter(case=case).count() == 1  # the one filed with the case
