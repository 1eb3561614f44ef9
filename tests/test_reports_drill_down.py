"""The cases behind a figure, page after page and as a file (issue 20, item 4): the pages
keep their part (numerator or denominator) and their filters, and a file holds every row.

Regression: Django 5.2's `{% querystring %}` writes its own "?", so the links read
`??part=numerator&page=2`: "Trang sau →" went from the numerator to the denominator, and
the CSV/XLSX of the numerator held the denominator, one page (50 rows) of it."""

import csv
import io
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from .factories import ProcedureFactory
from .report_province import a_long_october

pytestmark = pytest.mark.django_db

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}


@pytest.fixture
def long_october(file_case):
    return a_long_october(file_case)


def codes_of(cases) -> set[str]:
    return {case.code for case in cases}


def links(html: str, text: str) -> list[str]:
    return [unescape(href) for href, label in re.findall(r'<a href="([^"]*)"[^>]*>([^<]*)<', html)
            if text in label]  # fmt: skip


def test_the_next_page_of_the_numerator_is_the_numerator(long_october, staff, client):
    client.force_login(staff["supervisor"])
    first = client.get("/reports/kpis/on_time/", {**OCTOBER, "part": "numerator"})
    assert first.status_code == 200 and first.context["count"] == 55

    [following] = links(first.content.decode(), "Trang sau")
    assert following.startswith("?") and not following.startswith("??")
    assert parse_qs(following[1:]) == {
        "from": ["2026-10-01"], "to": ["2026-10-31"], "part": ["numerator"], "page": ["2"]
    }  # fmt: skip
    second = client.get("/reports/kpis/on_time/" + following)

    assert second.context["part"] == "numerator"
    shown = {fact.case.code for fact in first.context["rows"] + second.context["rows"]}
    assert len(second.context["rows"]) == 5
    assert shown == codes_of(long_october["on_time"])
    [back] = links(second.content.decode(), "Trang trước")
    assert parse_qs(back[1:])["part"] == ["numerator"]


def test_the_numerators_file_holds_every_case_of_the_numerator(long_october, staff, client):
    client.force_login(staff["supervisor"])
    page = client.get("/reports/kpis/on_time/", {**OCTOBER, "part": "numerator"}).content.decode()
    [csv_link] = links(page, "CSV")
    [xlsx_link] = links(page, "XLSX")
    assert parse_qs(urlsplit(csv_link).query)["part"] == ["numerator"]

    answer = client.get(csv_link)
    assert answer.status_code == 200 and answer.streaming
    assert 'filename="cases.csv"' in answer["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == 55
    assert {row["code"] for row in rows} == codes_of(long_october["on_time"])

    answer = client.get(xlsx_link)
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(answer.streaming_content)), read_only=True)
    header, *records = list(book.active.iter_rows(values_only=True))
    assert len(records) == 55
    assert {record[header.index("code")] for record in records} == codes_of(long_october["on_time"])


def test_the_denominators_file_holds_all_61_cases(long_october, staff, client_for):
    answer = client_for(staff["supervisor"]).get(
        "/api/v1/reports/kpis/on_time/cases/", {**OCTOBER, "part": "denominator", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert {row["code"] for row in rows} == codes_of(long_october["on_time"] + long_october["late"])
    assert len(rows) == 61


def test_the_json_list_still_pages_by_fifty(long_october, staff, client_for):
    answer = client_for(staff["supervisor"]).get(
        "/api/v1/reports/kpis/on_time/cases/", {**OCTOBER, "part": "numerator", "page": 2}
    )
    body = answer.json()
    assert (body["count"], len(body["results"]), body["next"]) == (55, 5, None)


def test_a_catalogue_figures_file_holds_every_procedure(province, staff, client_for):
    ProcedureFactory.create_batch(60, agency=province["justice"])
    client = client_for(staff["supervisor"])
    query = {**OCTOBER, "part": "denominator"}
    listed = client.get("/api/v1/reports/kpis/procedures_online/procedures/", query).json()

    answer = client.get(
        "/api/v1/reports/kpis/procedures_online/procedures/", {**query, "format": "csv"}
    )

    rows = list(csv.DictReader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert (listed["count"], len(listed["results"])) == (60, 50)
    assert sorted(row["code"] for row in rows) == sorted(
        ProcedureFactory._meta.model.objects.values_list("code", flat=True)
    )
