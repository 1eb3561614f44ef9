"""What a procedure's file holds (issue 20, item 1): required documents, conditional ones
(with the condition the filer reads and answers), alternatives ("CCCD or passport"),
copies and original or certified copy; the online form, the counter's checklist, the
receipt and the supplement request (form 02) follow it.

Regression: 2.000488's authorisation letter ("trường hợp ủy quyền") was treated as required:
an online filer had to upload a letter they did not have, and the counter's checklist
ticked it, so the receipt listed a document never received."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, OnlineLevel, RequiredDocument
from cases.models.catalogue import validate_document_rules

from .conftest import APPLICANT
from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db

FORM = "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"
ID_COPY = "Bản chụp Căn cước công dân hoặc Hộ chiếu"
CCCD, PASSPORT = "Bản chụp Căn cước công dân", "Bản chụp Hộ chiếu"
LETTER = "Văn bản ủy quyền"
WHEN = "người yêu cầu ủy quyền cho người khác làm thủ tục"


@pytest.fixture
def lltp(province):
    """As the demo's 2.000488 (the conftest's `procedure` holds that code)."""
    return ProcedureFactory(
        code="2.000488.demo",
        name="Cấp Phiếu lý lịch tư pháp",
        agency=province["justice"],
        online_level=OnlineLevel.FULL,
        required_documents=[FORM, ID_COPY, LETTER],
        document_rules={
            FORM: {"form": "original"},
            ID_COPY: {"alternatives": [CCCD, PASSPORT], "form": "copy"},
            LETTER: {"condition": WHEN, "form": "original", "copies": 2},
        },
    )


def scan(name="scan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 scan", content_type="application/pdf")


def test_the_catalogue_says_what_each_document_is(lltp):
    assert lltp.documents == [
        RequiredDocument(FORM, form="original"),
        RequiredDocument(ID_COPY, alternatives=(CCCD, PASSPORT), form="copy"),
        RequiredDocument(LETTER, condition=WHEN, copies=2, form="original"),
    ]
    assert [d.conditional for d in lltp.documents] == [False, False, True]
    # A document without a rule is required, one copy.
    assert ProcedureFactory(required_documents=["Tờ khai"]).documents == [
        RequiredDocument("Tờ khai")
    ]
    for wrong in ([], {LETTER: {"when": WHEN}}, {LETTER: {"copies": 0}}, {LETTER: {"form": "x"}}):
        with pytest.raises(ValidationError):
            validate_document_rules(wrong)


def test_the_api_keeps_the_names_and_adds_what_each_document_is(lltp, client_for):
    body = client_for().get(f"/api/v1/procedures/{lltp.code}/").json()
    assert body["required_documents"] == [FORM, ID_COPY, LETTER]
    assert body["documents"][1:] == [
        {"name": ID_COPY, "requirement": "required", "condition": "",
         "alternatives": [CCCD, PASSPORT], "copies": 1, "form": "copy"},
        {"name": LETTER, "requirement": "conditional", "condition": WHEN,
         "alternatives": [], "copies": 2, "form": "original"},
    ]  # fmt: skip


def submit(client, procedure, **fields):
    data = {"token": fields.pop("token", "t"), **APPLICANT, **fields}
    return client.post(f"/procedures/{procedure.code}/submit/", data)


def test_an_online_filer_without_an_authorisation_files_without_it(lltp, client):
    form = client.get(f"/procedures/{lltp.code}/submit/").content.decode()
    assert f"{LETTER}: cần nộp chỉ khi {WHEN}" in form
    assert re.search(r'<input[^>]*name="document_2"(?![^>]*required)[^>]*>', form)

    answer = submit(client, lltp, document_0=scan(), which_1=PASSPORT, document_1=scan())

    assert answer.status_code == 302, answer.content.decode()[-3000:]
    case = Case.objects.get()
    assert list(case.documents.values_list("name", flat=True)) == [FORM, PASSPORT]


def test_an_online_filer_answers_the_condition_and_its_scan_together(lltp, client):
    said_yes = submit(
        client, lltp, document_0=scan(), which_1=CCCD, document_1=scan(), applies_2="on"
    )
    scan_alone = submit(
        client, lltp, token="u", document_0=scan(), which_1=CCCD, document_1=scan(),
        document_2=scan(),
    )  # fmt: skip
    assert (said_yes.status_code, scan_alone.status_code) == (400, 400)
    assert not Case.objects.exists()

    both = submit(
        client, lltp, token="v", document_0=scan(), which_1=CCCD, document_1=scan(),
        applies_2="on", document_2=scan(),
    )  # fmt: skip
    assert both.status_code == 302
    assert list(Case.objects.get().documents.values_list("name", flat=True)) == [
        FORM, CCCD, LETTER
    ]  # fmt: skip


def test_the_counter_ticks_what_it_holds_and_the_receipt_lists_only_that(lltp, staff, client):
    client.force_login(staff["counter"])
    page = client.get("/desk/counter/", {"procedure": lltp.code}).content.decode()
    assert "checked" not in re.search(r'id="id_documents".*?</div>', page, re.S).group(0)
    assert f"{LETTER} — 2 × bản chính · chỉ khi: {WHEN}" in page
    assert f"{PASSPORT} — 1 × bản sao · hoặc một trong: {CCCD}" in page

    answer = client.post(
        "/desk/counter/",
        {"procedure": lltp.code, "token": "x", **APPLICANT, "channel": "counter",
         "documents": [FORM, CCCD]},
    )  # fmt: skip

    case = Case.objects.get()
    assert list(case.documents.values_list("name", flat=True)) == [FORM, CCCD]
    receipt = client.get(answer["Location"]).content.decode()
    assert f"<li>{FORM} — 1 × bản chính</li>" in receipt
    assert f"<li>{CCCD} — 1 × bản sao</li>" in receipt
    assert LETTER not in receipt and PASSPORT not in receipt


def test_the_supplement_request_starts_from_what_the_catalogue_asks(lltp, staff, client, file_case):
    case = file_case(procedure=lltp)  # filed with a "Tờ khai" the catalogue does not name
    client.force_login(staff["counter"])
    page = client.get(f"/desk/cases/{case.code}/")
    form = next(a["form"] for a in page.context["actions"] if a["name"] == "request-supplement")

    assert form["items"].initial.splitlines() == [
        f"{FORM} (1 × bản chính)",
        f"{CCCD} / {PASSPORT} (1 × bản sao)",
    ]
    assert f"{LETTER} (2 × bản chính): {WHEN}" in str(form["items"].help_text)
