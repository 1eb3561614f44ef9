"""Case codes stay unique when many clerks file at the same moment (real PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cases import services
from cases.models import Case

from .conftest import APPLICANT, vn


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_filings_get_fifty_distinct_codes(staff, procedure):
    at = vn(2026, 11, 27, 9, 0)
    counter = staff["counter"]

    def file_one(_):
        try:  # each thread has its own connection, so its own transaction
            return services.case_file(
                procedure=procedure, applicant=APPLICANT, channel="counter", by=counter, now=at
            ).code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(file_one, range(50)))

    assert len(set(codes)) == 50
    assert sorted(code[-4:] for code in codes) == [f"{n:04d}" for n in range(1, 51)]
    assert Case.objects.count() == 50


@pytest.mark.django_db
def test_past_9999_the_sequence_grows_to_five_digits(province):
    from cases.models import CaseCodeSequence

    CaseCodeSequence.objects.create(
        agency=province["centre"], day=vn(2026, 11, 27, 9).date(), last=9999
    )
    code = services.issue_case_code(agency=province["centre"], moment=vn(2026, 11, 27, 9))
    assert code == "000.00.01.H38-261127-10000"


@pytest.mark.django_db(transaction=True)
def test_a_filing_still_writing_does_not_hold_up_the_next_one(staff, procedure, monkeypatch):
    """The day's counter is not locked for the length of a filing: while one clerk's
    filing has its number but has not committed, the next clerk's filing goes through."""
    at = vn(2026, 11, 27, 9, 0)
    first_writing, first_may_finish = threading.Event(), threading.Event()
    notify = services.notify_applicant

    def notify_slowly_the_first_time(**kwargs):
        if not first_writing.is_set():
            first_writing.set()
            assert first_may_finish.wait(10)
        return notify(**kwargs)

    monkeypatch.setattr(services, "notify_applicant", notify_slowly_the_first_time)

    def file_one():
        try:
            return services.case_file(
                procedure=procedure, applicant=APPLICANT, channel="counter",
                by=staff["counter"], now=at,
            ).code  # fmt: skip
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(file_one)
        assert first_writing.wait(10)  # the first filing is inside its transaction
        second = pool.submit(file_one)
        try:
            second_code = second.result(timeout=10)
        finally:
            first_may_finish.set()
        first_code = first.result(timeout=10)

    assert (first_code[-4:], second_code[-4:]) == ("0001", "0002")
    assert Case.objects.count() == 2
