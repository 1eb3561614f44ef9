"""Case codes stay unique when many clerks file at the same moment (real PostgreSQL)."""

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
