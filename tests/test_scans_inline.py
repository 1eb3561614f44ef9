"""The counter sees an online submission's scans before accepting or refusing it (issue 20,
item 2): each uploaded file in the case page (a PDF in a frame, an image as an image), with
its SHA-256 and the document it was filed as; only staff who may see the case fetch them."""

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from cases import services
from cases.models import OnlineLevel, Role

from .conftest import APPLICANT
from .factories import AgencyFactory, ProcedureFactory, UserFactory
from .signing import two_page_pdf

pytestmark = pytest.mark.django_db

FORM, ID_CARD = "Tờ khai đăng ký kết hôn", "Bản sao CCCD"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def submitted(province, staff):
    """An online submission with a PDF and a photo, filed by the citizen's account."""
    procedure = ProcedureFactory(
        code="1.000894",
        name="Đăng ký kết hôn",
        agency=province["justice"],
        online_level=OnlineLevel.FULL,
        required_documents=[FORM, ID_CARD],
    )
    files = [
        SimpleUploadedFile("to-khai.pdf", two_page_pdf(), content_type="application/pdf"),
        SimpleUploadedFile("cccd.png", png(), content_type="image/png"),
    ]
    return services.case_file(
        procedure=procedure,
        applicant=APPLICANT,
        channel="online",
        documents=[
            {"name": name, "digitised": True, "file": file}
            for name, file in zip([FORM, ID_CARD], files, strict=True)
        ],
        by=staff["citizen"],
    )


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def scan_url(case, document) -> str:
    return f"/desk/cases/{case.reference}/documents/{document.pk}/"


def test_the_counter_sees_each_scan_in_the_page_with_its_checksum(submitted, staff):
    form, id_card = submitted.documents.order_by("id")
    page = client_of(staff["counter"]).get(f"/desk/cases/{submitted.reference}/")
    html = page.content.decode()

    assert f'<iframe src="{scan_url(submitted, form)}" title="{FORM}"' in html
    assert f'<img src="{scan_url(submitted, id_card)}"' in html
    for document in (form, id_card):
        assert f'<code class="sha256">{document.sha256}</code>' in html
        assert f"Bản quét của giấy tờ “{document.name}”" in html
    assert f'action="/desk/cases/{submitted.reference}/actions/accept/"' in html


def test_a_scan_is_served_inline_as_stored_to_the_counter(submitted, staff):
    counter = client_of(staff["counter"])
    for document, media_type in zip(
        submitted.documents.order_by("id"), ["application/pdf", "image/png"], strict=True
    ):
        answer = counter.get(scan_url(submitted, document))
        body = b"".join(answer.streaming_content)

        assert answer.status_code == 200
        assert answer["Content-Type"] == media_type
        assert answer["Content-Disposition"] == "inline"
        assert answer["X-Frame-Options"] == "SAMEORIGIN"  # the case page frames it
        assert answer["X-Content-Type-Options"] == "nosniff"
        assert hashlib.sha256(body).hexdigest() == document.sha256


def test_only_staff_who_may_see_the_case_fetch_its_scans(submitted, staff, province):
    document = submitted.documents.first()
    url = scan_url(submitted, document)
    elsewhere = AgencyFactory(code="000.00.00.H10", name="UBND tỉnh khác")
    far_counter = UserFactory(username="far", agency=elsewhere, roles=[Role.COUNTER_STAFF])
    other = services.case_file(
        procedure=submitted.procedure, applicant=APPLICANT, channel="online", documents=[]
    )

    assert Client().get(url).status_code == 302  # to the login page
    assert client_of(staff["citizen"]).get(url).status_code == 403  # the desk is for staff
    assert client_of(staff["builder"]).get(url).status_code == 404  # not their agency's case
    assert client_of(far_counter).get(url).status_code == 404  # another province
    # A document of one case is not reached through another case's address.
    wrong = f"/desk/cases/{other.reference}/documents/{document.pk}/"
    assert client_of(staff["counter"]).get(wrong).status_code == 404
