"""The public home page: a citizen checks a case with the code and PIN from the receipt."""

import pytest

from .conftest import vn

pytestmark = pytest.mark.django_db


def test_the_home_page_speaks_vietnamese_first(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'lang="vi"' in page.content.decode()


def test_the_home_page_is_available_in_english(client):
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="en"' in page.content.decode()


def test_a_citizen_sees_the_status_and_timeline(client, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    page = client.post("/", {"code": case.code, "pin": case.pin}, follow=True)
    assert page.status_code == 200
    html = page.content.decode()
    assert case.procedure.name in html
    assert "09:00 02/12/2026" in html  # the appointment, Vietnam time


def test_a_wrong_pin_is_a_form_error_not_a_crash(client, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    page = client.post("/", {"code": case.code, "pin": "WRONG123"})
    assert page.status_code == 404
    assert 'role="alert"' in page.content.decode()


def test_a_form_without_a_pin_is_a_400_with_the_error_by_the_field(client, file_case):
    case = file_case(vn(2026, 11, 27, 9, 0))
    page = client.post("/", {"code": case.code, "pin": ""})
    assert page.status_code == 400
    assert 'class="errors"' in page.content.decode()


def test_a_throttled_lookup_says_so_with_retry_after(client, file_case, settings):
    settings.LOOKUP_CASE_MAX_FAILURES = 3
    case = file_case(vn(2026, 11, 27, 9, 0))
    for _ in range(3):
        client.post("/", {"code": case.code, "pin": "WRONG123"})
    page = client.post("/", {"code": case.code, "pin": case.pin})
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert 'role="alert"' in page.content.decode()
