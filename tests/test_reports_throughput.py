"""Throughput on the hand-built October (tests/report_province.py), figures by hand."""

from datetime import date

import pytest

from reports.scope import Scope
from reports.throughput import throughput

from .report_province import committed_october

pytestmark = pytest.mark.django_db

OCTOBER = Scope(date(2026, 10, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def october(django_db_setup, django_db_blocker):
    yield from committed_october(django_db_blocker)


def test_october_as_one_month(october):
    (row,) = throughput(OCTOBER, bucket="month")
    assert row["bucket"] == date(2026, 10, 1)
    assert (row["received"], row["resolved"], row["returned"]) == (20, 13, 9)
    # Open at the end: A9 A10 A11 A14 B4 C3 C4; past due: A9 A14 B4 C4; due by the end of
    # the next working day (Mon 2 Nov 17:00): C3, due Mon 2 Nov 09:00.
    assert (row["backlog"], row["overdue_open"], row["due_soon"]) == (7, 4, 1)
    # Supplement requests: A4 once, A5 twice, C3 once; one transfer (A8).
    assert (row["supplement_requests"], row["transfers"]) == (4, 1)
    assert 0 < row["median_processing_days"] <= row["p90_processing_days"]


def test_backlog_day_by_day(october):
    rows = {row["bucket"]: row for row in throughput(OCTOBER, bucket="day")}
    # End of Thu 1 Oct: A14 (A12 was resolved that morning).
    assert rows[date(2026, 10, 1)]["backlog"] == 1
    # End of Mon 5 Oct: A1–A8 and A15 received that day, and A14.
    assert rows[date(2026, 10, 5)]["received"] == 9
    assert rows[date(2026, 10, 5)]["backlog"] == 10
    # End of Tue 6 Oct: A1 and A2 resolved, A15 withdrawn, B1–B4 received.
    assert rows[date(2026, 10, 6)]["backlog"] == 11
    # Weekends without any step and with a backlog still show it.
    assert rows[date(2026, 10, 10)]["backlog"] == rows[date(2026, 10, 9)]["backlog"]


def test_weeks_add_up_to_the_month(october):
    weeks = throughput(OCTOBER, bucket="week")
    (month,) = throughput(OCTOBER, bucket="month")
    for name in ("received", "resolved", "returned", "supplement_requests", "transfers"):
        assert sum(week[name] for week in weeks) == month[name], name
    assert weeks[0]["bucket"] == date(2026, 10, 1)  # the first week starts with the period
    assert weeks[-1]["backlog"] == month["backlog"]


def test_per_agency_the_transferred_case_is_with_the_agency_deciding_it(october, province):
    rows = {row["agency"]: row for row in throughput(OCTOBER, bucket="month", group_by="agency")}
    assert rows[province["construction"].code]["received"] == 5  # A8 and C1–C4
    assert rows[province["justice"].code]["received"] == 15
    assert rows[province["construction"].code]["transfers"] == 1


def test_throughput_api_and_csv(october, staff, client_for):
    client = client_for(staff["supervisor"])
    query = {"from": "2026-10-01", "to": "2026-10-31", "bucket": "month"}
    (row,) = client.get("/api/v1/reports/throughput/", query).json()
    assert (row["received"], row["backlog"], row["overdue_open"]) == (20, 7, 4)
    answer = client.get("/api/v1/reports/throughput/", {**query, "format": "csv"})
    lines = answer.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("bucket,bucket_end,")
    assert ",20,13,9,7,4,1," in lines[1]
