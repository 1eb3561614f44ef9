"""The deadline watcher: due soon, overdue, escalation; once each; paused while the citizen
has the case; apology drafts; staff alerts in the API and the page."""

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse

from cases.models import AppointmentChange, CalendarOverride, Case
from cases.selectors import forget_calendar_overrides
from notifications import scan
from notifications.models import DeadlineCrossing, Notification, StaffAlert, Threshold

from .conftest import act, logged_in, vn
from .factories import UserFactory
from .fake_servers import closed_port

ROOT = Path(__file__).resolve().parent.parent

# Filed Tuesday 1 Dec 2026 09:00, 3 working days: due Friday 4 Dec 09:00. Monday 7 Dec is
# made a day off, so escalation (2 working days overdue) lands on Wednesday 9 Dec 09:00.
FILED = vn(2026, 12, 1, 9, 0)
DUE_SOON = vn(2026, 12, 3, 9, 0)  # Thu: one working day before
OVERDUE = vn(2026, 12, 4, 9, 0)  # Fri
ESCALATION = vn(2026, 12, 9, 9, 0)  # Wed: past Sat, Sun and the day off on Mon


@pytest.fixture
def day_off(db):
    CalendarOverride.objects.create(date=date(2026, 12, 7), is_working=False, reason="Nghỉ bù")
    forget_calendar_overrides()


@pytest.fixture
def head(province):
    head = UserFactory(username="head", email="head@example.vn", agency=province["justice"])
    province["justice"].head = head
    province["justice"].save()
    return head


@pytest.fixture
def assigned_case(file_case, staff, day_off):
    staff["officer"].email, staff["supervisor"].email = "officer@example.vn", "sup@example.vn"
    staff["officer"].save()
    staff["supervisor"].save()
    case = file_case(FILED)
    return act(case, "assign", staff["counter"], FILED, officer=staff["officer"])


def scan_at(moment) -> int:
    with time_machine.travel(moment, tick=False):
        return scan.sla_scan()


def alerts_of(case):
    return sorted(
        StaffAlert.objects.filter(case=case).values_list(
            "threshold", "audience", "recipient__username"
        )
    )


def test_a_case_left_alone_goes_due_soon_overdue_then_escalated_once_each(
    assigned_case, staff, head
):
    case = assigned_case
    assert case.appointment_at == OVERDUE

    assert scan_at(DUE_SOON - timedelta(minutes=1)) == 0
    assert scan_at(DUE_SOON) == 1
    assert scan_at(DUE_SOON + timedelta(minutes=1)) == 0
    assert alerts_of(case) == [(Threshold.DUE_SOON, "officer", "officer")]

    assert scan_at(OVERDUE) == 1
    # Saturday, Sunday and the day off: not yet two working days overdue.
    for moment in [vn(2026, 12, 5, 12, 0), vn(2026, 12, 6, 12, 0), vn(2026, 12, 7, 12, 0)]:
        assert scan_at(moment) == 0
    assert scan_at(ESCALATION - timedelta(minutes=1)) == 0
    assert scan_at(ESCALATION) == 1
    assert scan_at(ESCALATION + timedelta(days=30)) == 0

    assert list(
        DeadlineCrossing.objects.filter(case=case).order_by("at").values_list("threshold", "at")
    ) == [
        (Threshold.DUE_SOON, DUE_SOON),
        (Threshold.OVERDUE, OVERDUE),
        (Threshold.ESCALATED, ESCALATION),
    ]
    assert alerts_of(case) == [
        (Threshold.DUE_SOON, "officer", "officer"),
        (Threshold.OVERDUE, "officer", "officer"),
        (Threshold.OVERDUE, "supervisor", "supervisor"),
        (Threshold.ESCALATED, "head", "head"),
        (Threshold.ESCALATED, "officer", "officer"),
        (Threshold.ESCALATED, "supervisor", "supervisor"),
    ]
    mails = Notification.objects.filter(case=case, kind__startswith="sla.")
    assert sorted(mails.values_list("kind", "recipient")) == [
        ("sla.due_soon", "officer@example.vn"),
        ("sla.escalated", "head@example.vn"),
        ("sla.escalated", "officer@example.vn"),
        ("sla.escalated", "sup@example.vn"),
        ("sla.overdue", "officer@example.vn"),
        ("sla.overdue", "sup@example.vn"),
    ]
    assert Case.objects.get(pk=case.pk).next_alert_at is None


def test_an_unassigned_case_alerts_the_agency_queue(file_case, staff, province):
    case = file_case(FILED)
    assert scan_at(DUE_SOON) == 1
    alert = StaffAlert.objects.get(case=case)
    assert (alert.audience, alert.recipient, alert.agency) == ("queue", None, province["justice"])
    client = logged_in(staff["officer"])
    assert client.get("/api/v1/alerts/?unread=true").json()["count"] == 1
    assert logged_in(staff["builder"]).get("/api/v1/alerts/").json()["count"] == 0


def test_a_watcher_that_fell_behind_alerts_only_the_highest_threshold(assigned_case):
    assert scan_at(OVERDUE + timedelta(hours=1)) == 1
    assert [c.threshold for c in DeadlineCrossing.objects.all()] == [Threshold.OVERDUE]


def test_a_supplement_wait_produces_no_alert(assigned_case, staff):
    case = act(
        assigned_case,
        "request-supplement",
        staff["officer"],
        vn(2026, 12, 2, 10, 0),
        items=["Bản sao sổ hộ khẩu"],
        reason="Thiếu giấy tờ",
    )
    assert case.next_alert_at is None
    for moment in [DUE_SOON, OVERDUE, ESCALATION, ESCALATION + timedelta(days=10)]:
        assert scan_at(moment) == 0
    assert not StaffAlert.objects.exists()


def test_the_clock_resumes_with_the_documents(assigned_case, staff):
    case = act(
        assigned_case, "request-supplement", staff["officer"], vn(2026, 12, 2, 9, 0),
        items=["Tờ khai"], reason="Thiếu",
    )  # fmt: skip
    # A working day waiting (Wed 09:00 -> Thu 09:00): the appointment moves a day later.
    case = act(case, "supplement-received", staff["counter"], vn(2026, 12, 3, 9, 0))
    assert case.appointment_at == vn(2026, 12, 8, 9, 0)  # Fri -> Tue (Mon is off)
    assert case.next_alert_at == vn(2026, 12, 4, 9, 0)  # due soon one working day before
    assert scan_at(DUE_SOON) == 0


def test_an_appointment_changed_while_the_alert_is_in_flight_is_not_alerted(assigned_case, staff):
    late = OVERDUE + timedelta(minutes=5)
    with transaction.atomic():
        in_flight = scan.due_cases(now=late, limit=10)
        # Meanwhile the officer apologises with a new appointment (same connection: our own
        # row lock does not block it, as it would another worker's step until we commit).
        act(
            assigned_case, "apologise", staff["officer"], late,
            reason="Chờ xác minh", new_appointment_at=vn(2026, 12, 15, 9, 0),
        )  # fmt: skip
        assert scan.claim_and_alert(in_flight, now=late) == []
    assert not DeadlineCrossing.objects.exists()
    case = Case.objects.get(pk=assigned_case.pk)
    assert (case.alert_level, case.next_alert_at) == (0, vn(2026, 12, 14, 9, 0))


def test_an_overdue_case_gets_an_apology_draft_the_officer_confirms(assigned_case, staff):
    scan_at(OVERDUE)
    officer = logged_in(staff["officer"])
    url = f"/api/v1/cases/{assigned_case.code}/apology-draft/"
    # Looked at on Friday 10:00: one working day from now (nothing of the time remains).
    with time_machine.travel(OVERDUE + timedelta(hours=1), tick=False):
        draft = officer.get(url).json()
        assert draft["appointment_at"] == "2026-12-04T09:00:00+07:00"
        assert draft["suggested_appointment_at"] == "2026-12-08T10:00:00+07:00"  # Mon off

        answer = officer.post(
            f"/api/v1/cases/{assigned_case.code}/actions/apologise/",
            {
                "reason": "Chờ kết quả xác minh",
                "new_appointment_at": draft["suggested_appointment_at"],
            },
            format="json",
        )
    assert answer.status_code == 200, answer.content
    change = AppointmentChange.objects.filter(case=assigned_case).last()
    assert (change.reason, change.old_at, change.new_at) == (
        "apology",
        OVERDUE,
        vn(2026, 12, 8, 10, 0),
    )
    assert officer.get(url).status_code == 404  # the letter is issued
    apology = Notification.objects.get(case=assigned_case, kind="apologise", channel="email")
    assert "10:00 08/12/2026" in apology.body
    # The new appointment has its own thresholds; the case stays late in the KPIs.
    case = Case.objects.get(pk=assigned_case.pk)
    assert case.next_alert_at == vn(2026, 12, 4, 10, 0) and case.alert_level == 0


def test_the_officers_case_page_offers_the_drafted_apology_date(assigned_case, staff):
    """The draft reached the API only: on the desk the officer had to work the date out."""
    scan_at(OVERDUE)
    officer = logged_in(staff["officer"])
    with time_machine.travel(OVERDUE + timedelta(hours=1), tick=False):
        page = officer.get(reverse("case", args=[assigned_case.code])).content.decode()
    assert 'name="apologise-new_appointment_at" value="2026-12-08T10:00"' in page


def test_two_scans_at_once_alert_each_case_once(transactional_db, file_case, staff):
    cases = [file_case(FILED) for _ in range(30)]
    errors = []

    def run():
        try:
            with time_machine.travel(OVERDUE, tick=False):
                scan.sla_scan(batch_size=7)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert DeadlineCrossing.objects.count() == 30
    assert StaffAlert.objects.filter(audience="queue").count() == 30
    assert set(DeadlineCrossing.objects.values_list("case_id", flat=True)) == {c.pk for c in cases}


@pytest.mark.django_db(transaction=True)
def test_a_scan_with_redis_down_loses_nothing(file_case, staff, mailoutbox):
    """Redis unreachable while the scan runs (a closed port, not the shared Redis stopped):
    the alerts and their e-mails are written; the sweep sends them once Redis is back."""
    staff["officer"].email = "officer@example.vn"
    staff["officer"].save()
    case = file_case(vn(2026, 1, 5, 9, 0))  # long overdue by the real clock
    act(case, "assign", staff["counter"], vn(2026, 1, 5, 9, 0), officer=staff["officer"])
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "sla_scan"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 threshold(s) crossed" in done.stdout
    mail = Notification.objects.get(case=case, kind="sla.escalated")
    assert mail.sent_at is None  # queued after commit: the broker refused, nothing sent

    from notifications.tasks import dispatch_outbox

    assert dispatch_outbox() >= 1  # beat's sweep, with Redis back
    assert Notification.objects.get(pk=mail.pk).sent_at is not None
    assert [m.to for m in mailoutbox if "officer@example.vn" in m.to]


# --- staff alerts: API and page ----------------------------------------------------------


def test_staff_read_their_unread_alerts_and_mark_them_read(assigned_case, staff):
    scan_at(OVERDUE)
    officer = logged_in(staff["officer"])
    unread = officer.get("/api/v1/alerts/?unread=true").json()
    assert unread["count"] == 1
    alert = unread["results"][0]
    assert (alert["case"], alert["threshold"], alert["audience"]) == (
        assigned_case.code,
        "overdue",
        "officer",
    )
    assert officer.post(f"/api/v1/alerts/{alert['id']}/read/").json()["read_at"]
    assert officer.get("/api/v1/alerts/?unread=true").json()["count"] == 0
    assert officer.get("/api/v1/alerts/").json()["count"] == 1

    supervisor = logged_in(staff["supervisor"])
    assert supervisor.get("/api/v1/alerts/?unread=true").json()["count"] == 1
    # Someone else's alert: not found.
    assert supervisor.post(f"/api/v1/alerts/{alert['id']}/read/").status_code == 404
    assert logged_in(staff["citizen"]).get("/api/v1/alerts/").status_code == 403


def test_the_alerts_page_lists_unread_alerts_and_marks_them_read(client, assigned_case, staff):
    scan_at(DUE_SOON)
    client.force_login(staff["officer"])
    page = client.get(reverse("alerts"))
    assert page.status_code == 200
    assert assigned_case.code in page.content.decode()
    assert reverse("alerts") in page.content.decode()  # the link in the navigation
    answer = client.post(reverse("alerts-read"), {"alert": StaffAlert.objects.get().pk})
    assert answer.status_code == 302
    assert assigned_case.code not in client.get(reverse("alerts")).content.decode()


def test_the_alerts_page_needs_a_login(client):
    assert client.get(reverse("alerts")).status_code == 302


def test_the_health_endpoint_reports_the_outbox_and_the_last_scan(client, assigned_case):
    with time_machine.travel(FILED + timedelta(minutes=1), tick=False):
        stale = client.get("/health/")
        assert stale.status_code == 503 and stale.json()["last_scan_at"] is None
        scan.sla_scan()
        healthy = client.get("/health/").json()
    assert healthy["ok"] is True and healthy["last_scan_seconds"] == 0
    assert healthy["outbox_pending"] == 2  # the receipt's e-mail and SMS, a minute old
    assert healthy["outbox_oldest_pending_seconds"] == 60
    with time_machine.travel(FILED + timedelta(hours=1), tick=False):
        assert client.get("/health/").status_code == 503  # nothing dispatched for an hour


def test_a_case_whose_deadline_cannot_be_computed_does_not_stop_the_scan(
    assigned_case, file_case, province, caplog
):
    """Regression (REVIEW 11, issue 26): one bad row aborted the whole pass. A case whose
    agency's office hours were broken by a write past validation is logged and looked at
    again an hour later; the other case is alerted as due."""
    broken = file_case(FILED)
    Case.objects.filter(pk=broken.pk).update(receiving_agency=province["construction"])
    type(province["construction"]).objects.filter(pk=province["construction"].pk).update(
        office_hours=[["25:00", "26:00"]]
    )
    forget_calendar_overrides()  # the calendars kept in this process

    assert scan_at(DUE_SOON) == 1

    assert alerts_of(assigned_case) == [(Threshold.DUE_SOON, "officer", "officer")]
    broken.refresh_from_db()
    assert broken.alert_level == 0 and broken.next_alert_at == DUE_SOON + scan.RETRY_BAD_ROW
    assert f"case {broken.pk} skipped" in caplog.text


def test_the_alerts_page_links_each_case_code_to_its_case_page(assigned_case, staff, client):
    """Regression (issue 20.8): the alerts page named its case as plain text, so a clerk
    copied the code into the queue's search to open it."""
    scan_at(OVERDUE)
    client.force_login(staff["officer"])
    html = client.get("/alerts/").content.decode()
    code = assigned_case.code
    assert f'<a href="{reverse("case", args=[code])}">{code}</a>' in html
