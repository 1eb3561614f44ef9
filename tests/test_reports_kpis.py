"""The KPIs of a hand-built October (tests/report_province.py), every figure by hand.

The period is 1–31 October 2026. Each expected numerator and denominator lists its cases.
"""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from reports.direct import direct_counts
from reports.kpis import Scope, kpi_drill_down, kpi_report

from .report_province import committed_october

pytestmark = pytest.mark.django_db

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}

# KPI id: (numerator, denominator, rate, score), each written out from the case list.
EXPECTED = {
    # Received in October: A1–A11, A15, B1–B4, C1–C4 (20); online: A2 B1 B2 B4 C1 C4 (6).
    # 6/20 = 30% against a 50% threshold: 0.6 × 12 points.
    "online_receipt": (6, 20, 30.0, 7.2),
    # Resolved in October: A1–A6, A8, A12, B1–B3, C1, C2 (13); online and digitally
    # signed: A2 B1 C1 (B3 is signed but was filed at the counter).
    "online_resolution_signed": (3, 13, 23.08, None),
    # Returned in October: A1 A2 A3 A13 B1 B2 B3 C1 C2 (9); online: A2 A13 B1 C1.
    "online_return": (4, 9, 44.44, 2.67),
    # Full-online procedure, received in October: B1–B4; online both ways: B1.
    "full_online": (1, 4, 25.0, None),
    # Finished in October (resolved, else stopped): A1–A8, A12, B1–B3, C1, C2 (14), plus
    # open at its end: A9 A10 A11 A14 B4 C3 C4 (7) = 21. Not A13 (resolved in September),
    # A15 (withdrawn), A16 and A17 (never received). On time: A1 A2 A4 A7 A8 A12 B1 B2 B3
    # C1 C2 (11), and open but not yet due: A10 A11 C3 (3) = 14. Late: A3 (after the
    # appointment), A5 (two supplements), A6 (apology), A9 A14 B4 C4 (open, past due).
    "on_time": (14, 21, 66.67, 13.33),
    # Fee-bearing, received in October, not exempt: B1 B2 B4 C1 C2 C3 C4 (B3 is exempt);
    # paid online: B1 C1.
    "online_payment": (2, 7, 28.57, 1.71),
    # Received in October (20) less those without a digitised document (A3 A5 C2) and the
    # full-online ones without a digitally signed result (B2 B4): 15.
    "digitised": (15, 20, 75.0, 3.75),
    # Rated in October: A1 A2 A3 B1 C1 A13 (6), not satisfied: A3 B1 (2). C2 in November.
    # 100 − (7 late of 21 = 33.33%) − (2 of 6 = 33.33%) = 33.33%; 33.33/90 × 6 points.
    "satisfaction": (2, 6, 33.33, 2.22),
    # Active procedures: 2.000488 (not online), 1.000001 (full), 1.000002 (partial).
    "procedures_online": (2, 3, 66.67, None),
}


@pytest.fixture(scope="module")
def october(django_db_setup, django_db_blocker):
    yield from committed_october(django_db_blocker)


@pytest.fixture
def province_scope(october):
    return Scope(date(2026, 10, 1), date(2026, 10, 31))


def by_id(report):
    return {item["id"]: item for item in report}


def test_every_kpi_matches_the_hand_count(province_scope):
    report = by_id(kpi_report(province_scope))
    for kpi, (numerator, denominator, rate, score) in EXPECTED.items():
        item = report[kpi]
        assert (item["numerator"], item["denominator"]) == (numerator, denominator), kpi
        assert (item["rate"], item["score"]) == (rate, score), kpi


def test_thresholds_and_points_are_decision_766s(province_scope):
    report = by_id(kpi_report(province_scope))
    assert {k: (v["indicator"], v["threshold"], v["max_points"]) for k, v in report.items()} == {
        "online_receipt": ("3.3", 50, 12),
        "online_resolution_signed": ("", None, None),
        "online_return": ("4.1", 100, 6),
        "full_online": ("", None, None),
        "on_time": ("2.1", 100, 20),
        "online_payment": ("3.6", 100, 6),
        "digitised": ("4.2", 80, 4),
        "satisfaction": ("5.4", 90, 6),
        "procedures_online": ("3.1", 80, None),
        "processing_time": ("2.2", None, None),
    }


def test_the_facts_equal_the_case_by_case_computation(province_scope):
    report = by_id(kpi_report(province_scope))
    direct = direct_counts(province_scope)
    for kpi, figures in direct.items():
        if kpi.startswith("processing"):
            continue
        numerator, denominator = figures
        assert (report[kpi]["numerator"], report[kpi]["denominator"]) == (numerator, denominator)
    assert report["processing_time"]["denominator"] == 13
    assert report["processing_time"]["rate"] == round(direct["processing_days_mean"], 2)
    assert report["processing_time"]["median"] == round(direct["processing_days_median"], 2)


def test_processing_time_leaves_out_the_wait_for_documents(october):
    """A4: received Mon 09:00, waited Tue 09:00 → Thu 09:00, resolved Fri 10:00: 4 working days
    and an hour elapsed, 2 of them waiting: 2 days and 1 hour of 7.5 worked."""
    assert october["A4"].fact.processing_days == round(2 + 1 / 7.5, 4)
    # A1: Mon 09:00 → Tue 10:00, no wait.
    assert october["A1"].fact.processing_days == round(1 + 1 / 7.5, 4)


def test_a_transferred_case_counts_once_under_the_agency_that_decides_it(october, province):
    from cases.selectors import agency_subtree_ids

    construction = Scope(
        date(2026, 10, 1), date(2026, 10, 31), agency_subtree_ids(province["construction"].pk)
    )
    justice = Scope(
        date(2026, 10, 1), date(2026, 10, 31), agency_subtree_ids(province["justice"].pk)
    )
    c, j = by_id(kpi_report(construction)), by_id(kpi_report(justice))
    # Construction: A8 (transferred in), C1–C4; online C1 C4. On time: A8 C1 C2 C3 of five.
    assert (c["online_receipt"]["numerator"], c["online_receipt"]["denominator"]) == (2, 5)
    assert (c["on_time"]["numerator"], c["on_time"]["denominator"]) == (4, 5)
    # Justice keeps the other 15 received in October, and A8 is not among them.
    assert j["online_receipt"]["denominator"] == 15
    assert october["A8"].fact.transfers == 1


def test_drill_down_lists_exactly_the_cases_behind_a_figure(october, province_scope):
    names = {case.pk: name for name, case in october.items() if not name.startswith("_")}
    late_open = {"A9", "A14", "B4", "C4"}
    facts, count = kpi_drill_down(province_scope, "on_time", "denominator")
    denominator = {names[f.case_id] for f in facts}
    facts, _ = kpi_drill_down(province_scope, "on_time", "numerator")
    numerator = {names[f.case_id] for f in facts}
    assert count == 21
    assert denominator - numerator == {"A3", "A5", "A6"} | late_open
    facts, count = kpi_drill_down(province_scope, "satisfaction", "numerator")
    assert {names[f.case_id] for f in facts} == {"A3", "B1"} and count == 2


def test_a_step_counts_in_the_next_report_at_once(october, province_scope, staff):
    """No lag: returning A4 now moves the online-return figure of its period."""
    from cases.models import Case

    before = by_id(kpi_report(province_scope))["online_return"]
    a4 = Case.objects.get(pk=october["A4"].pk)  # a fresh copy: the module's stays as built
    october["_builder"].give_back(a4, date_at(2026, 10, 20), "online")
    after = by_id(kpi_report(province_scope))["online_return"]
    assert (after["numerator"], after["denominator"]) == (
        before["numerator"] + 1,
        before["denominator"] + 1,
    )


def date_at(*args):
    from .conftest import vn

    return vn(*args, 9, 0)


# --- the API, and its CSV and XLSX files --------------------------------------------------


def test_the_api_gives_the_hand_counted_figures(october, staff, client_for):
    answer = client_for(staff["supervisor"]).get("/api/v1/reports/kpis/", OCTOBER)
    assert answer.status_code == 200
    got = {
        i["id"]: (i["numerator"], i["denominator"], i["rate"], i["score"]) for i in answer.json()
    }
    assert {k: got[k] for k in EXPECTED} == EXPECTED


def test_the_csv_file_has_the_same_figures(october, staff, client_for):
    answer = client_for(staff["supervisor"]).get(
        "/api/v1/reports/kpis/", {**OCTOBER, "format": "csv"}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/csv")
    assert 'filename="kpis.csv"' in answer["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    got = {r["id"]: (int(r["numerator"]), int(r["denominator"])) for r in rows if r["numerator"]}
    assert {k: got[k] for k in EXPECTED} == {k: v[:2] for k, v in EXPECTED.items()}


def test_the_xlsx_file_has_the_same_figures(october, staff, client_for):
    answer = client_for(staff["supervisor"]).get(
        "/api/v1/reports/kpis/", {**OCTOBER, "format": "xlsx"}
    )
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content)).active
    header, *rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    records = [dict(zip(header, row, strict=True)) for row in rows]
    got = {r["id"]: (r["numerator"], r["denominator"], r["rate"], r["score"]) for r in records}
    assert {k: got[k] for k in EXPECTED} == EXPECTED


def test_the_drill_down_api_pages_the_cases(october, staff, client_for):
    answer = client_for(staff["supervisor"]).get(
        "/api/v1/reports/kpis/online_receipt/cases/", {**OCTOBER, "part": "numerator"}
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 6
    assert {row["code"] for row in body["results"]} == {
        october[name].code for name in ("A2", "B1", "B2", "B4", "C1", "C4")
    }


def test_reports_are_for_supervisors_and_admins_only(october, staff, client_for):
    for who in ("counter", "officer", "citizen"):
        answer = client_for(staff[who]).get("/api/v1/reports/kpis/", OCTOBER)
        assert answer.status_code == 403, who
    assert client_for().get("/api/v1/reports/kpis/", OCTOBER).status_code in (401, 403)


def test_a_supervisor_sees_only_their_subtree(october, staff, province, client_for):
    from cases.models import Role

    from .factories import UserFactory

    local = UserFactory(username="sup-c", agency=province["construction"], roles=[Role.SUPERVISOR])
    client = client_for(local)
    mine = {i["id"]: i for i in client.get("/api/v1/reports/kpis/", OCTOBER).json()}
    assert mine["online_receipt"]["denominator"] == 5
    answer = client.get("/api/v1/reports/kpis/", {**OCTOBER, "agency": province["justice"].code})
    assert answer.status_code == 404


def test_bad_report_parameters_are_field_errors(staff, client_for):
    client = client_for(staff["supervisor"])
    answer = client.get("/api/v1/reports/kpis/", {"from": "2026-10-31", "to": "2026-10-01"})
    assert answer.status_code == 400 and "from" in answer.json()
    answer = client.get("/api/v1/reports/throughput/", {"bucket": "year"})
    assert answer.status_code == 400 and "bucket" in answer.json()
    assert client.get("/api/v1/reports/kpis/", {"agency": "999.99.99.X00"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_a_cached_report_never_hides_a_committed_step(province, staff, procedure, settings):
    """The cache serves a report only while nothing was committed since it was computed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import ReportStamp

    from .report_province import Builder

    # A transactional test empties every table at its end, the migration's rows included.
    ReportStamp.objects.bulk_create(
        [ReportStamp(id=i) for i in range(ReportStamp.SHARDS)], ignore_conflicts=True
    )
    b = Builder(province, staff, procedure)
    case = b.resolve(b.counter(date_at(2026, 10, 5)), date_at(2026, 10, 6))
    scope = Scope(date(2026, 10, 1), date(2026, 10, 31))
    first = by_id(kpi_report(scope))["online_return"]
    with CaptureQueriesContext(connection) as queries:
        again = by_id(kpi_report(scope))["online_return"]
    # Served from the cache: only the stamps were read (and the catalogue, for 3.1).
    assert again == first and len(queries) == 2
    b.give_back(case, date_at(2026, 10, 7), "online")
    after = by_id(kpi_report(scope))["online_return"]
    assert (after["numerator"], after["denominator"]) == (1, 1)
