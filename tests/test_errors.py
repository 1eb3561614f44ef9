"""One error shape across the API, in one language per answer; page sizes honoured."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Agency, Level

from .conftest import vn

pytestmark = pytest.mark.django_db

ENGLISH = re.compile(r"\b(does not exist|is required|not a valid|Invalid|Not found)\b")


@pytest.fixture
def case(file_case):
    return file_case(vn(2026, 11, 27, 9, 0))


def test_every_error_but_400_is_error_and_detail(case, staff, client_for):
    """Regression: 404s and validation errors mixed DRF's shape with {"error": ...}."""
    counter, signer = client_for(staff["counter"]), client_for(staff["signer"])
    answers = {
        "not_found": counter.get("/api/v1/cases/000.00.01.H38-261127-9999/"),
        "not_authenticated": client_for().get("/api/v1/cases/"),
        "forbidden": signer.post(  # may see the case, may not add to it
            f"/api/v1/cases/{case.code}/documents/",
            {"name": "x", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")},
            format="multipart",
        ),
        "invalid_transition": counter.post(  # not resolved yet
            f"/api/v1/cases/{case.code}/actions/return/",
            {"channel": "counter", "recipient": "Lò Thị Mai"},
            format="json",
        ),
        "method_not_allowed": counter.delete(f"/api/v1/cases/{case.code}/"),
        "parse_error": counter.post("/api/v1/cases/", "{oops", content_type="application/json"),
    }
    for code, answer in answers.items():
        body = answer.json()
        assert set(body) == {"error", "detail"}, (code, body)
        assert body["error"] == code and body["detail"]


def test_an_unknown_api_path_answers_json_too(client_for):
    answer = client_for().get("/api/v1/nothing-here/")
    assert answer.status_code == 404
    assert answer.json()["error"] == "not_found"


def test_validation_errors_keep_drf_field_errors(staff, procedure, client_for):
    answer = client_for(staff["counter"]).post(
        "/api/v1/cases/", {"procedure": "9.999999", "channel": "counter"}, format="json"
    )
    assert answer.status_code == 400
    assert set(answer.json()) == {"procedure", "applicant"}
    assert all(isinstance(messages, list) for messages in answer.json().values())


def test_one_answer_speaks_one_language(staff, procedure, client_for):
    """Regression: "Object with code=... does not exist." stood next to a Vietnamese message."""
    body = {"procedure": "9.999999", "channel": "pigeon", "applicant": {"id_number": "1"}}
    counter = client_for(staff["counter"])

    vietnamese = counter.post("/api/v1/cases/", body, format="json").content.decode()
    english = counter.post(
        "/api/v1/cases/", body, format="json", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "Không có đối tượng với code=9.999999." in vietnamese
    assert "Trường này là bắt buộc." in vietnamese
    assert not ENGLISH.search(vietnamese), vietnamese
    assert "Object with code=9.999999 does not exist." in english


def test_page_size_is_honoured_up_to_its_maximum(client_for):
    """Regression: `?page_size=` was ignored (always 50)."""
    Agency.objects.bulk_create(
        Agency(
            code=f"000.{n // 100:02d}.{n % 100:02d}.H99", name=f"Cơ quan {n}", level=Level.COMMUNE
        )  # fmt: skip
        for n in range(205)
    )
    client = client_for()
    page = client.get("/api/v1/agencies/", {"page_size": 7}).json()
    assert len(page["results"]) == 7 and "page_size=7" in page["next"]
    assert len(client.get("/api/v1/agencies/", {"page_size": 1000}).json()["results"]) == 200
    assert len(client.get("/api/v1/agencies/").json()["results"]) == 50
