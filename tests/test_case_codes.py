"""Case codes stay unique when many clerks file at the same moment (real PostgreSQL)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from cases import services
from cases.models import Case
from cases.services import filing

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
def test_a_filing_and_an_accept_at_the_same_counter_do_not_deadlock(staff, procedure, monkeypatch):
    """Both take the day's code number and bump the reports' stamp, in that order: the
    filing pauses at its number while the accept runs to the end, on the same stamp row."""
    from reports.models import ReportStamp

    monkeypatch.setattr(ReportStamp, "SHARDS", 1)  # every case bumps the same row
    ReportStamp.objects.get_or_create(id=0)  # (a transactional test may have flushed it)
    at = vn(2026, 11, 27, 9, 0)
    online = services.case_file(procedure=procedure, applicant=APPLICANT, channel="online", now=at)
    filing_at_number, filing_may_go_on = threading.Event(), threading.Event()
    issue = services.issue_case_code

    def issue_after_a_pause_for_the_filing(**kwargs):
        if threading.current_thread().name.startswith("filing"):
            filing_at_number.set()
            assert filing_may_go_on.wait(10)
        return issue(**kwargs)

    monkeypatch.setattr(filing, "issue_case_code", issue_after_a_pause_for_the_filing)

    def in_own_connection(work):
        def run():
            try:
                return work()
            finally:
                connection.close()

        return run

    file_one = in_own_connection(
        lambda: services.case_file(
            procedure=procedure, applicant=APPLICANT, channel="counter",
            by=staff["counter"], now=at,
        ).code
    )  # fmt: skip
    accept = in_own_connection(
        lambda: (
            services.case_act(
                case=Case.objects.get(pk=online.pk), action="accept", by=staff["counter"], now=at
            ).code
        )
    )
    with (
        ThreadPoolExecutor(1, thread_name_prefix="filing") as filer,
        ThreadPoolExecutor(1, thread_name_prefix="accept") as accepter,
    ):
        filed = filer.submit(file_one)
        assert filing_at_number.wait(10)
        accepted = accepter.submit(accept)
        try:
            accepted_code = accepted.result(timeout=10)
        finally:
            filing_may_go_on.set()
        filed_code = filed.result(timeout=10)

    assert {filed_code[-4:], accepted_code[-4:]} == {"0001", "0002"}
