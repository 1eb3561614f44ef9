"""The KPIs of a hand-built October (tests/report_province.py), every figure by hand.

The period is 1–31 October 2026. Each expected numerator and denominator lists its cases.
"""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from reports.direct import direct_counts
from reports.drilldown import kpi_drill_down
from reports.kpis import kpi_report, scorecard
from reports.scope import Scope

from .report_province import committed_october

pytestmark = pytest.mark.django_db

OCTOBER = {"from": "2026-10-01", "to": "2026-10-31"}

# KPI id: (numerator, denominator, rate, score), each written out from the case list.
# Procedures: 2.000488 "plain" (Sở Tư pháp, not online, no fee, paper result), 1.000001
# "full" (Sở Tư pháp, fully online, fee, paper result), 1.000002 "partial" (Sở Xây dựng,
# partly online, fee payable online, its result not a paper).
EXPECTED = {
    # 1.1 Decisions in force from October, never amended: plain (published 25 Sep, before
    # its 1 Oct decision: on time), partial (published 7 Oct for 5 Oct: late). 1/2 of 6 pts.
    "published_on_time": (1, 2, 50.0, 3.0),
    # 1.2 Amended in October: full, its 15 Oct decision followed on the 20th: late.
    "updated_on_time": (0, 1, 0.0, 0.0),
    # 1.3 Complete: plain and full; partial lacks its decision's number. 2/3 of 2 points.
    "procedures_complete": (2, 3, 66.67, 1.33),
    # 2.1 Finished in October: resolved A1–A6 A8 A12 B1–B3 C1 C2 (13), stopped A7,
    # withdrawn A15 (now finished, before its Thu 8 appointment: on time), C3 (waiting for a
    # supplement since Tue 27 Oct 09:00, finished then, before its Mon 2 Nov appointment) =
    # 16; open at its end: A9 A10 A11 A14 B4 C4 (6; C3 no longer) = 22. Not A13 (resolved in
    # September), A16 and A17 (never received). On time: 16 less A3 (after the
    # appointment), A5 (two supplements), A6 (apology) = 13, and open but not yet due: A10
    # A11 = 15. Late: A3 A5 A6 A9 A14 B4 C4 (7). 68.18% of 20 points.
    "on_time": (15, 22, 68.18, 13.64),
    # 3.1 Active procedures: plain (not online), full, partial. 66.67/80 × 4 points.
    "procedures_online": (2, 3, 66.67, 3.33),
    # 3.2 Online procedures with an online case received in October: full (B1 B2 B4),
    # partial (C1 C4).
    "online_services_used": (2, 2, 100.0, 4.0),
    # 3.3 Received in October: A1–A11, A15, B1–B4, C1–C4 (20); online: A2 B1 B2 B4 C1 C4
    # (6), of which with the electronic result a paper result needs: A2 B1 (signed), C1 C4
    # (partial: not a paper); not B2 (approved on paper), B4 (open). 20/50 × 4 points.
    "online_receipt": (4, 20, 20.0, 1.6),
    # 1.4: cases received in October that the national portal acknowledged: none (the sync's
    # messages wait in its outbox; no worker sends them here) of the 20 received.
    "portal_synced": (0, 20, 0.0, 0.0),
    # 3.5a Fee-bearing procedures: full, partial; payable online: partial. 3.5b: partial,
    # with C1 paid online.
    "payment_offered_online": (1, 2, 50.0, 1.0),
    "payment_used_online": (1, 1, 100.0, 2.0),
    # 3.6 Fee-bearing, received in October, not exempt: B1 B2 B4 C1 C2 C3 C4 (B3 is exempt);
    # paid online: B1 C1.
    "online_payment": (2, 7, 28.57, 1.71),
    # 4.1 Resolved in October with a paper result: A1–A6 A8 A12 B1–B3 (11; C1 C2 are not
    # paper); with an electronic result: A2 B1 B3.
    "electronic_results": (3, 11, 27.27, 1.64),
    # 4.2 Received in October (20) with digitised documents (all but A3 A5 C2) and, wherever
    # the result is a paper, an electronic one: A2 B1 B3, and C1 C3 C4. 30/80 × 4 points.
    "digitised": (6, 20, 30.0, 1.5),
    # 4.3 Received in October with a document reused from the citizen's store: A2.
    "data_reused": (1, 20, 5.0, 0.4),
    # 5.1 Filed in October: F1 F2 F6 (complaints F1 F2; suggestions F3 F6), F3, F4 (praise);
    # F5 was filed in September.
    "feedback_received": (5, None, None, None),
    # 5.2 Answers due (not F4): answered in October F1 (on time) F2 (late) F6 (on time),
    # unanswered at its end F3 (due 3 Nov: not late) F5 (due 12 Oct: late). 3/5 of 6 points.
    "feedback_on_time": (3, 5, 60.0, 3.6),
    # 5.3 Answers rated in October: F1 (not satisfied), F6 (very satisfied). 50/90 × 6.
    "feedback_satisfaction": (1, 2, 50.0, 3.33),
    # 5.4 Over 2.1's 22 cases: late 7 (31.82%); rated "not satisfied" A3 B1, or complained
    # about A9 (F1) A1 (F2) A14 (F5, whenever filed): 5 (22.73%). 100 − 31.82 − 22.73 =
    # 45.45%, 45.45/90 × 6 points. (C2's November rating is of a case in the 22, but it is
    # "satisfied".)
    "satisfaction": (5, 22, 45.45, 3.03),
    # The province's own figures, never scored. Received online: A2 B1 B2 B4 C1 C4 of 20.
    "online_receipt_rate": (6, 20, 30.0, None),
    # Resolved in October: A1–A6, A8, A12, B1–B3, C1, C2 (13); online and digitally
    # signed: A2 B1 C1 (B3 is signed but was filed at the counter).
    "online_resolution_signed": (3, 13, 23.08, None),
    # Returned in October: A1 A2 A3 A13 B1 B2 B3 C1 C2 (9); online: A2 A13 B1 C1.
    "online_return": (4, 9, 44.44, None),
    # Full-online procedure, received in October: B1–B4; online both ways: B1.
    "full_online": (1, 4, 25.0, None),
}
# Not measurable here: no figures, never 0. 4.4 and 4.5 need the national databases. (1.4
# is measured through the national portal's sync, dvcqg: see "portal_synced" above.)
NOT_MEASURABLE = {"citizen_data_store", "population_database"}
# Group scores: 1: 3 + 0 + 1.33 + 0 (1.4: nothing acknowledged yet); 2: 13.64;
# 3: 3.33 + 4 + 1.6 + 1 + 2 + 1.71; 4: 1.64 + 1.5 + 0.4 (of 14; 8 not measurable);
# 5: 3.6 + 3.33 + 3.03. Total 45.11 of the 92 points measured.
GROUPS = {
    1: (4.33, 18, 18),
    2: (13.64, 20, 20),
    3: (13.64, 22, 22),
    4: (3.54, 22, 14),
    5: (9.96, 18, 18),
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


def test_what_is_not_measurable_here_says_so_instead_of_a_figure(province_scope):
    report = by_id(kpi_report(province_scope))
    for kpi in NOT_MEASURABLE:
        item = report[kpi]
        assert item["measurable"] is False, kpi
        assert (item["numerator"], item["denominator"], item["rate"], item["score"]) == (
            None,
            None,
            None,
            None,
        )
    assert {k for k, v in report.items() if not v["measurable"]} == NOT_MEASURABLE


def test_feedback_by_kind(province_scope):
    assert by_id(kpi_report(province_scope))["feedback_received"]["parts"] == {
        "complaint": 2,
        "suggestion": 2,
        "praise": 1,
    }


def test_the_total_out_of_100_and_its_groups(province_scope):
    card = scorecard(province_scope)
    assert card["total"] == {
        "score": 45.11,
        "max_points": 100,
        "measured_points": 92,
        "not_measurable": ["citizen_data_store", "population_database"],
        "not_measurable_points": 8,
        "no_data": [],
        "no_data_points": 0,
    }
    assert {
        g["group"]: (g["score"], g["max_points"], g["measured_points"]) for g in card["groups"]
    } == GROUPS


def test_thresholds_and_points_are_the_indicator_tables(province_scope):
    report = by_id(kpi_report(province_scope))
    got = {k: (v["indicator"], v["threshold"], v["max_points"]) for k, v in report.items()}
    assert got == {
        "published_on_time": ("1.1", 100, 6),
        "updated_on_time": ("1.2", 100, 4),
        "procedures_complete": ("1.3", 100, 2),
        "portal_synced": ("1.4", 100, 6),
        "on_time": ("2.1", 100, 20),
        "processing_time": ("2.2", None, None),
        "procedures_online": ("3.1", 80, 4),
        "online_services_used": ("3.2", 100, 4),
        "online_receipt": ("3.3", 50, 4),
        "payment_offered_online": ("3.5a", 100, 2),
        "payment_used_online": ("3.5b", 100, 2),
        "online_payment": ("3.6", 100, 6),
        "electronic_results": ("4.1", 100, 6),
        "digitised": ("4.2", 80, 4),
        "data_reused": ("4.3", 50, 4),
        "citizen_data_store": ("4.4", 100, 4),
        "population_database": ("4.5", 100, 4),
        "feedback_received": ("5.1", None, None),
        "feedback_on_time": ("5.2", 100, 6),
        "feedback_satisfaction": ("5.3", 90, 6),
        "satisfaction": ("5.4", 90, 6),
        "online_receipt_rate": ("", None, None),
        "online_resolution_signed": ("", None, None),
        "online_return": ("", None, None),
        "full_online": ("", None, None),
    }
    assert sum(v[2] or 0 for v in got.values()) == 100


def test_the_facts_equal_the_case_by_case_computation(province_scope):
    report = by_id(kpi_report(province_scope))
    direct = direct_counts(province_scope)
    times = direct.pop("processing_time")
    for kpi, figures in direct.items():
        assert (report[kpi]["numerator"], report[kpi]["denominator"]) == figures, kpi
    # 2.2: started in October and resolved: A1–A6, A8, A11 (resolved 2 Nov), B1–B3, C1, C2;
    # not A12 (started in September). All in working days: 1.13 1.13 5.13 2.13 2 8 2 2 1 1
    # 1 2 1, mean 2.27, median 2.
    ((unit, (mean, median, cases)),) = times.items()
    item = report["processing_time"]
    assert (unit, cases) == (item["unit"], item["denominator"]) == ("working_days", 13)
    assert (item["rate"], item["median"]) == (round(mean, 2), round(median, 2)) == (2.27, 2.0)


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
    names = {case.pk: name for name, case in october.items() if name[0] in "ABC"}
    late_open = {"A9", "A14", "B4", "C4"}
    facts, count = kpi_drill_down(province_scope, "on_time", "denominator")
    denominator = {names[f.case_id] for f in facts}
    facts, _ = kpi_drill_down(province_scope, "on_time", "numerator")
    numerator = {names[f.case_id] for f in facts}
    assert count == len(denominator) == 22
    assert {"A15", "C3"} <= numerator
    assert denominator - numerator == {"A3", "A5", "A6"} | late_open
    facts, count = kpi_drill_down(province_scope, "satisfaction", "numerator")
    assert {names[f.case_id] for f in facts} == {"A3", "B1", "A9", "A1", "A14"} and count == 5
    facts, count = kpi_drill_down(province_scope, "processing_time", "denominator")
    assert count == 13 and "A11" in {names[f.case_id] for f in facts}


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
    counted = {k: v[:2] for k, v in EXPECTED.items() if v[1] is not None}
    got = {
        r["id"]: (int(r["numerator"]), int(r["denominator"])) for r in rows if r["id"] in counted
    }
    assert got == counted


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
    assert body["count"] == 4
    assert {row["code"] for row in body["results"]} == {
        october[name].code for name in ("A2", "B1", "C1", "C4")
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

    from reports.models import CaseFact, ReportStamp

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
    # Served from the cache: the facts were not read (only the stamps, and what moves no
    # stamp: the indicator table, the catalogue, the feedback).
    assert again == first
    assert not [q for q in queries if CaseFact._meta.db_table in q["sql"]]
    b.give_back(case, date_at(2026, 10, 7), "online")
    after = by_id(kpi_report(scope))["online_return"]
    assert (after["numerator"], after["denominator"]) == (1, 1)


def test_the_scorecard_api_gives_the_total_its_groups_and_the_province_figures_apart(
    october, staff, client_for
):
    answer = client_for(staff["supervisor"]).get("/api/v1/reports/scorecard/", OCTOBER)
    assert answer.status_code == 200
    card = answer.json()
    assert (card["total"]["score"], card["total"]["measured_points"]) == (45.11, 92)
    assert {
        g["group"]: (g["score"], g["max_points"], g["measured_points"]) for g in card["groups"]
    } == GROUPS
    assert [i["indicator"] for i in card["indicators"]][:4] == ["1.1", "1.2", "1.3", "1.4"]
    assert {i["id"] for i in card["province_figures"]} == {
        "online_receipt_rate",
        "online_resolution_signed",
        "online_return",
        "full_online",
    }


def test_the_scorecard_files_keep_the_province_figures_under_their_own_section(
    october, staff, client_for
):
    client = client_for(staff["supervisor"])
    answer = client.get("/api/v1/reports/scorecard/", {**OCTOBER, "format": "csv"})
    assert answer.status_code == 200 and 'filename="scorecard.csv"' in answer["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    sections = [(r["section"], r["id"]) for r in rows]
    assert sections[:5] == [
        ("decision_766", "published_on_time"),
        ("decision_766", "updated_on_time"),
        ("decision_766", "procedures_complete"),
        ("decision_766", "portal_synced"),
        ("group", "group_1"),
    ]
    total = next(r for r in rows if r["section"] == "total")
    assert (float(total["score"]), float(total["max_points"])) == (45.11, 100)
    assert [r["id"] for r in rows if r["section"] == "province"] == [
        "online_receipt_rate",
        "online_resolution_signed",
        "online_return",
        "full_online",
    ]
    answer = client.get("/api/v1/reports/scorecard/", {**OCTOBER, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(answer.content)).active
    header, *cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    records = [dict(zip(header, row, strict=True)) for row in cells]
    assert next(r for r in records if r["id"] == "total")["score"] == 45.11


def test_the_procedures_behind_a_catalogue_figure(october, staff, client_for):
    client = client_for(staff["supervisor"])
    answer = client.get(
        "/api/v1/reports/kpis/published_on_time/procedures/", {**OCTOBER, "part": "denominator"}
    )
    assert answer.status_code == 200
    assert [p["code"] for p in answer.json()["results"]] == ["1.000002", "2.000488"]
    assert answer.json()["count"] == 2
    numerator = client.get(
        "/api/v1/reports/kpis/published_on_time/procedures/", {**OCTOBER, "part": "numerator"}
    )
    assert [p["code"] for p in numerator.json()["results"]] == ["2.000488"]
    # Each figure is listed where it is kept: cases, procedures; nothing for 4.4 here.
    for path in ("on_time/procedures/", "published_on_time/cases/", "citizen_data_store/cases/"):
        assert client.get(f"/api/v1/reports/kpis/{path}", OCTOBER).status_code == 404, path
    # 1.4's cases: those received, none acknowledged by the portal yet.
    synced = client.get(
        "/api/v1/reports/kpis/portal_synced/cases/", {**OCTOBER, "part": "denominator"}
    )
    assert synced.status_code == 200 and synced.json()["count"] == 20
