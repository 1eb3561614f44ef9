"""Citizens look up a case by code and the receipt's PIN, without logging in."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import override_settings

from cases import services
from cases.public_lookup import LookupThrottled, case_public_lookup

from .conftest import vn

pytestmark = pytest.mark.django_db


def lookup(client, code, pin, ip="203.0.113.7"):
    return client.get(f"/api/v1/public/cases/{code}/", {"pin": pin}, REMOTE_ADDR=ip)


def test_the_right_pin_shows_the_public_timeline_without_staff_names(file_case, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))

    answer = lookup(client_for(), case.code, case.pin)

    assert answer.status_code == 200
    data = answer.json()
    assert data["code"] == case.code and data["status"] == "received"
    assert data["national_status"] == 2
    assert data["procedure"] == "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam"
    assert [step["action"] for step in data["timeline"]] == ["submit", "accept"]
    assert "counter" not in answer.content.decode()


def test_the_pin_is_forgiving_about_case_and_lookalike_letters(file_case, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    typed = case.pin.lower().replace("1", "l").replace("0", "o")
    assert lookup(client_for(), case.code, typed).status_code == 200


def test_a_wrong_pin_and_an_unknown_code_look_the_same(file_case, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    wrong = lookup(client_for(), case.code, "ZZZZZZZZ")
    unknown = lookup(client_for(), "000.00.01.H38-261127-9999", case.pin)

    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_the_supplement_items_are_shown_to_the_applicant(file_case, staff, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    services.case_act(
        case=case,
        action="request-supplement",
        by=staff["counter"],
        items=["Bản sao giấy khai sinh"],
        reason="Thiếu giấy tờ",
    )
    data = lookup(client_for(), case.code, case.pin).json()
    assert data["requested"] == {"supplement_items": ["Bản sao giấy khai sinh"]}


@override_settings(LOOKUP_CASE_MAX_FAILURES=3)
def test_strangers_guessing_never_lock_the_owner_out(file_case, client_for):
    """Regression: five wrong PINs from anyone locked the case, also for the right PIN."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        for _ in range(5):
            lookup(client_for(), case.code, "AAAAAAAA", ip=ip)

    assert lookup(client_for(), case.code, case.pin).status_code == 200


@override_settings(LOOKUP_CASE_MAX_FAILURES=3)
def test_a_client_that_failed_on_a_case_is_held_back_on_it_with_retry_after(file_case, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    for _ in range(3):
        assert lookup(client_for(), case.code, "AAAAAAAA").status_code == 404

    answer = lookup(client_for(), case.code, case.pin)  # even the right PIN, from this client
    assert answer.status_code == 429
    assert 0 < int(answer["Retry-After"]) <= 15 * 60
    assert answer.json()["error"] == "throttled"
    # The same client may still look up another case.
    other = file_case(vn(2026, 11, 27, 9, 5))
    assert lookup(client_for(), other.code, other.pin).status_code == 200


@override_settings(LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR=5)
def test_a_client_that_keeps_guessing_is_throttled(file_case, client_for):
    client = client_for()
    for n in range(5):
        assert lookup(client, f"000.00.01.H38-261127-{n:04d}", "AAAAAAAA").status_code == 404

    answer = lookup(client, "000.00.01.H38-261127-0099", "AAAAAAAA")
    assert answer.status_code == 429 and int(answer["Retry-After"]) > 0
    # Another client is not affected.
    assert (
        lookup(client, "000.00.01.H38-261127-0099", "AAAAAAAA", ip="192.0.2.1").status_code == 404
    )


@override_settings(LOOKUP_CASE_MAX_FAILURES=3)
def test_parallel_wrong_guesses_cannot_slip_past_the_count(file_case):
    """Regression: 8 parallel wrong guesses read the same count and none was held back."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    barrier = threading.Barrier(8)

    def guess(_):
        barrier.wait()
        try:
            case_public_lookup(code=case.code, pin="AAAAAAAA", client="198.51.100.9")
        except LookupThrottled:
            return 429
        finally:
            connection.close()
        return 404

    with ThreadPoolExecutor(8) as pool:
        answers = sorted(pool.map(guess, range(8)))

    assert answers == [404] * 3 + [429] * 5


@override_settings(PUBLIC_LOOKUP_RATE="3/hour")
def test_every_lookup_counts_against_the_request_rate(file_case, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    for _ in range(3):
        assert lookup(client_for(), case.code, case.pin).status_code == 200
    assert lookup(client_for(), case.code, case.pin).status_code == 429


def test_the_submission_reference_works_before_there_is_a_code(procedure, client_for):
    created = (
        client_for()
        .post(
            "/api/v1/cases/",
            {
                "procedure": procedure.code,
                "channel": "online",
                "applicant": {"full_name": "Vàng A Sử", "id_number": "010200001111"},
            },
            format="json",
        )
        .json()
    )
    answer = lookup(client_for(), created["reference"], created["pin"])
    assert answer.status_code == 200 and answer.json()["status"] == "submitted"
