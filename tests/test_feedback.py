"""Feedback and complaints (phản ánh, kiến nghị): a citizen files, the agency answers within
its working days, the citizen rates the answer; overdue answers alert the desk, once."""

import pytest
import time_machine

from feedback import services
from feedback.models import AnswerDeadline, Feedback, FeedbackAlert, FeedbackEvent, Threshold

from .conftest import vn
from .factories import UserFactory

pytestmark = pytest.mark.django_db

# Filed Friday 4 Dec 2026 15:00: a complaint is due in 10 working days, Friday 18 Dec
# 15:00 (two weekends between); it turns due soon a working day before, Thu 17 Dec 15:00.
FILED = vn(2026, 12, 4, 15, 0)
DUE_SOON = vn(2026, 12, 17, 15, 0)
DUE = vn(2026, 12, 18, 15, 0)


@pytest.fixture(autouse=True)
def deadlines(db):
    """The migration's deadlines (a transactional test elsewhere may have emptied them)."""
    for kind, days in (("complaint", 10), ("suggestion", 10), ("praise", None)):
        AnswerDeadline.objects.update_or_create(kind=kind, defaults={"working_days": days})


@pytest.fixture
def case(file_case, staff):
    from cases import services as cases

    case = file_case(vn(2026, 12, 1, 9, 0))
    return cases.case_act(
        case=case,
        action="assign",
        by=staff["counter"],
        now=vn(2026, 12, 1, 10),
        officer=staff["officer"],
    )


def public(client, case, path="", pin=None):
    return f"/api/v1/feedback/public/{case.code}/{path}?pin={pin or case.pin}"


def test_a_citizen_complains_with_the_cases_pin_and_rates_the_answer(case, staff, client_for):
    citizen = client_for()
    with time_machine.travel(FILED, tick=False):
        answer = citizen.post(
            public(citizen, case),
            {"kind": "complaint", "text": "Cán bộ hẹn trả nhưng chưa trả."},
            format="json",
        )
    assert answer.status_code == 201, answer.content
    filed = answer.json()
    assert (filed["kind"], filed["about"], filed["case"]) == ("complaint", "case", case.code)
    assert filed["due_at"] == "2026-12-18T15:00:00+07:00"
    assert filed["answered_at"] is None and "officer" not in filed  # no staff names

    # The officer of the deciding agency sees it waiting, and answers it once.
    officer = client_for(staff["officer"])
    waiting = officer.get("/api/v1/feedback/", {"state": "open"}).json()["results"]
    assert [row["reference"] for row in waiting] == [filed["reference"]]
    assert waiting[0]["citizen_name"] == case.applicant_full_name
    with time_machine.travel(vn(2026, 12, 8, 9), tick=False):
        answered = officer.post(
            f"/api/v1/feedback/{filed['reference']}/answer/",
            {"answer": "Kết quả đã sẵn sàng."},
            format="json",
        )
        again = officer.post(
            f"/api/v1/feedback/{filed['reference']}/answer/", {"answer": "x"}, format="json"
        )
    assert answered.status_code == 200 and answered.json()["answered_by"] == "officer"
    assert again.status_code == 409 and again.json()["error"] == "invalid_transition"

    # The citizen reads the answer with the PIN, and rates it once.
    with time_machine.travel(vn(2026, 12, 9, 9), tick=False):
        [seen] = citizen.get(public(citizen, case)).json()
        assert seen["answer"] == "Kết quả đã sẵn sàng."
        rate = public(citizen, case, f"{filed['reference']}/rating/")
        assert citizen.post(rate, {"rating": "satisfied"}, format="json").status_code == 200
        assert citizen.post(rate, {"rating": "satisfied"}, format="json").status_code == 409

    feedback = Feedback.objects.get(reference=filed["reference"])
    assert list(feedback.events.values_list("action", "actor__username")) == [
        ("file", None),
        ("answer", "officer"),
        ("rate", None),
    ]
    assert (feedback.rating, feedback.next_alert_at) == ("satisfied", None)


def test_a_wrong_pin_finds_nothing(case, client_for):
    citizen = client_for()
    assert citizen.get(public(citizen, case, pin="AAAAAAAA")).status_code == 404
    body = {"kind": "complaint", "text": "x"}
    assert (
        citizen.post(public(citizen, case, pin="AAAAAAAA"), body, format="json").status_code == 404
    )
    assert not Feedback.objects.exists()


def test_about_the_officer_goes_to_the_officers_agency(case, staff, client_for):
    citizen = client_for()
    answer = citizen.post(
        public(citizen, case),
        {"kind": "praise", "about": "officer", "text": "Tận tình."},
        format="json",
    )
    assert answer.status_code == 201
    feedback = Feedback.objects.get()
    assert (feedback.officer, feedback.agency, feedback.due_at) == (
        staff["officer"],
        staff["officer"].agency,
        None,  # praise: no answer is due, no alert
    )
    assert feedback.next_alert_at is None


def test_counter_staff_file_on_a_citizens_behalf(staff, procedure, client_for):
    counter = client_for(staff["counter"])
    body = {
        "kind": "suggestion",
        "about": "procedure",
        "procedure": procedure.code,
        "text": "Nên cho nộp bản sao điện tử.",
        "citizen_name": "Vàng Seo Sử",
        "citizen_phone": "0912000111",
    }
    with time_machine.travel(FILED, tick=False):
        answer = counter.post("/api/v1/feedback/", body, format="json")
    assert answer.status_code == 201, answer.content
    feedback = Feedback.objects.get()
    assert (feedback.filed_by, feedback.agency, feedback.citizen_name) == (
        staff["counter"],
        procedure.agency,
        "Vàng Seo Sử",
    )
    # The counter sees what it filed; it is not theirs to answer.
    reference = answer.json()["reference"]
    assert counter.get(f"/api/v1/feedback/{reference}/").status_code == 200
    refused = counter.post(f"/api/v1/feedback/{reference}/answer/", {"answer": "x"}, format="json")
    assert refused.status_code == 403


def test_another_agency_neither_sees_nor_answers(case, staff, client_for):
    feedback = services.feedback_file(
        kind="complaint", subject="case", text="x", citizen_name="A", case=case, now=FILED
    )
    builder = client_for(staff["builder"])  # Sở Xây dựng: not the deciding agency
    assert builder.get(f"/api/v1/feedback/{feedback.reference}/").status_code == 404
    assert builder.get("/api/v1/feedback/").json()["count"] == 0
    answer = builder.post(
        f"/api/v1/feedback/{feedback.reference}/answer/", {"answer": "x"}, format="json"
    )
    assert answer.status_code == 404


def test_a_signed_in_citizen_files_about_their_case_and_sees_only_theirs(
    staff, procedure, client_for
):
    from cases import services as cases

    from .conftest import APPLICANT

    mine = cases.case_file(
        procedure=procedure,
        applicant=APPLICANT,
        channel="online",
        documents=[],
        by=staff["citizen"],
    )
    other = UserFactory(username="other-citizen")
    citizen = client_for(staff["citizen"])
    answer = citizen.post(
        "/api/v1/feedback/",
        {"kind": "complaint", "case": mine.reference, "text": "Chậm."},
        format="json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["case"] == mine.code  # None: still a submission
    assert citizen.get("/api/v1/feedback/").json()["count"] == 1
    assert client_for(other).get("/api/v1/feedback/").json()["count"] == 0
    refused = client_for(other).post(
        "/api/v1/feedback/",
        {"kind": "complaint", "case": mine.reference, "text": "x"},
        format="json",
    )
    assert refused.status_code == 400 and "case" in refused.json()


def test_bad_input_is_a_field_error(case, client_for):
    citizen = client_for()
    for body, field in (
        ({"kind": "threat", "text": "x"}, "kind"),
        ({"kind": "complaint", "text": ""}, "text"),
        ({"kind": "complaint", "text": "x" * 4001}, "text"),
    ):
        answer = citizen.post(public(citizen, case), body, format="json")
        assert answer.status_code == 400 and field in answer.json(), body
    # About the officer of a case nobody handles yet.
    from cases import services as cases

    waiting = cases.case_file(
        procedure=case.procedure,
        applicant={"full_name": "A", "id_number": "010190001235"},
        channel="counter",
        documents=[],
        by=case.receiving_agency.staff.first(),
    )
    answer = citizen.post(
        public(citizen, waiting),
        {"kind": "complaint", "about": "officer", "text": "x"},
        format="json",
    )
    assert answer.status_code == 400 and "about" in answer.json()
    assert not Feedback.objects.exists()


def test_answers_due_alert_the_queue_then_the_supervisor_once_each(case, staff):
    feedback = services.feedback_file(
        kind="complaint", subject="case", text="x", citizen_name="A", case=case, now=FILED
    )
    assert (feedback.due_at, feedback.next_alert_at) == (DUE, DUE_SOON)

    assert services.feedback_scan(now=DUE_SOON - vn(2026, 1, 1, 0, 1).resolution) == 0
    assert services.feedback_scan(now=DUE_SOON) == 1
    assert services.feedback_scan(now=DUE_SOON) == 0  # twice: alerted once
    # Due soon: the Department of Justice's queue.
    assert list(FeedbackAlert.objects.values_list("threshold", "recipient", "agency")) == [
        (Threshold.DUE_SOON, None, case.deciding_agency_id)
    ]
    assert services.feedback_scan(now=DUE) == 1
    # Overdue: the queue again, and the nearest supervisor (the province's, above it).
    overdue = FeedbackAlert.objects.filter(threshold=Threshold.OVERDUE)
    assert set(overdue.values_list("recipient", "agency")) == {
        (None, case.deciding_agency_id),
        (staff["supervisor"].pk, None),
    }
    assert services.feedback_scan(now=DUE) == 0
    feedback.refresh_from_db()
    assert (feedback.next_alert_at, feedback.alert_level) == (None, Threshold.OVERDUE)
    assert list(FeedbackEvent.objects.filter(action="alert").values_list("data", flat=True)) == [
        {"threshold": 1},
        {"threshold": 2},
    ]


def test_an_answer_stops_the_alerts(case, staff):
    feedback = services.feedback_file(
        kind="complaint", subject="case", text="x", citizen_name="A", case=case, now=FILED
    )
    services.feedback_answer(
        feedback=feedback, answer="Đã xử lý.", by=staff["officer"], now=DUE_SOON
    )
    assert services.feedback_scan(now=DUE) == 0
    assert not FeedbackAlert.objects.exists()


def test_the_deadline_per_kind_is_the_administrators(case):
    AnswerDeadline.objects.filter(kind="suggestion").update(working_days=2)
    feedback = services.feedback_file(
        kind="suggestion", subject="case", text="x", citizen_name="A", case=case, now=FILED
    )
    assert feedback.due_at == vn(2026, 12, 8, 15, 0)  # Fri 15:00 + 2 working days = Tue


# --- the pages ---------------------------------------------------------------------------


def test_the_desk_shows_what_is_due_and_answers_it(case, staff, client):
    feedback = services.feedback_file(
        kind="complaint",
        subject="case",
        text="Chưa trả kết quả.",
        citizen_name="A",
        case=case,
        now=FILED,
    )
    services.feedback_scan(now=DUE)
    with time_machine.travel(vn(2026, 12, 21, 9), tick=False):
        client.force_login(staff["officer"])
        page = client.get("/desk/feedback/")
    html = page.content.decode()
    assert page.status_code == 200
    assert feedback.reference in html and 'class="late"' in html
    assert "Alerts" in html or "Cảnh báo" in html
    answer = client.post(f"/desk/feedback/{feedback.reference}/", {"answer": "Đã trả lời."})
    assert answer.status_code == 302
    feedback.refresh_from_db()
    assert (feedback.answer, feedback.answered_by) == ("Đã trả lời.", staff["officer"])
    client.force_login(staff["citizen"])
    assert client.get("/desk/feedback/").status_code == 403


def test_the_counter_files_on_behalf_from_the_desk(case, staff, client):
    client.force_login(staff["counter"])
    page = client.post(
        "/desk/feedback/new/",
        {
            "citizen_name": "Vàng Seo Sử",
            "kind": "complaint",
            "about": "officer",
            "case": case.code,
            "text": "Không hướng dẫn đầy đủ.",
        },
    )
    assert page.status_code == 302, page.content.decode()[:2000]
    feedback = Feedback.objects.get()
    assert (feedback.officer, feedback.case, feedback.filed_by) == (
        staff["officer"],
        case,
        staff["counter"],
    )
    bad = client.post(
        "/desk/feedback/new/",
        {"citizen_name": "A", "kind": "complaint", "about": "case", "text": "x", "case": "NO-SUCH"},
    )
    assert bad.status_code == 400 and 'class="errors"' in bad.content.decode()


def test_a_citizen_files_and_rates_on_the_feedback_page(case, staff, client):
    assert client.post("/feedback/", {"code": case.code, "pin": "AAAAAAAA"}).status_code == 404
    assert client.post("/feedback/", {"code": case.code, "pin": case.pin}).status_code == 302
    sent = client.post(
        "/feedback/case/", {"kind": "complaint", "about": "case", "text": "Chậm trả."}
    )
    assert sent.status_code == 302
    feedback = Feedback.objects.get()
    assert feedback.citizen_name == case.applicant_full_name
    services.feedback_answer(feedback=feedback, answer="Xin lỗi ông/bà.", by=staff["officer"])
    page = client.get("/feedback/case/").content.decode()
    assert "Xin lỗi ông/bà." in page and f"/feedback/case/{feedback.reference}/rating/" in page
    client.post(f"/feedback/case/{feedback.reference}/rating/", {"rating": "very_satisfied"})
    feedback.refresh_from_db()
    assert feedback.rating == "very_satisfied"
