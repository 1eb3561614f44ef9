"""Results to sign in tests: a PDF, the API's submit and sign, and the fixtures of a case
waiting for its result and of one whose result is signed (`conftest` makes them fixtures of
every test)."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from cases import services
from documents.models import ResultDocument

from .moments import MONDAY_9AM


def two_page_pdf(text="Giấy phép xây dựng", encrypt=None, pagesize=A4) -> bytes:
    buffer = BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt, pagesize=pagesize)
    for n in (1, 2):
        page.drawString(72, 720, f"{text} - trang {n}")
        page.showPage()
    page.save()
    return buffer.getvalue()


@pytest.fixture
def processing_case(file_case, staff):
    case = file_case(MONDAY_9AM)
    return services.case_act(
        case=case, action="assign", by=staff["counter"], officer=staff["officer"]
    )


def submit(client, code, **data):
    return client.post(
        f"/api/v1/cases/{code}/actions/submit-result/", data, format="multipart" if data else None
    )


def sign(client, code):
    return client.post(
        f"/api/v1/cases/{code}/actions/sign/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )


def upload(pdf: bytes, name="ket-qua.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf, content_type=content_type)


@pytest.fixture
def signed_case(processing_case, staff, client_for, use_pki, media):
    code = processing_case.code
    answer = submit(client_for(staff["officer"]), code, file=upload(two_page_pdf()))
    assert answer.status_code == 200, answer.content
    answer = sign(client_for(staff["signer"]), code)
    assert answer.status_code == 200, answer.content
    return processing_case


def signed_bytes(case) -> bytes:
    document = ResultDocument.objects.get(case=case)
    with document.signed.open("rb") as stored:
        return stored.read()
