"""What each audience may see: the public timeline, the applicant's own view, the home page;
and where a case may go (transfers stay in the province)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from cases import services
from cases.exceptions import InvalidTransition
from cases.models import Agency, CaseEvent, Level
from notifications.models import Notification

from .conftest import APPLICANT, act, vn
from .factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

SEND_BACK_NOTE = "Số liệu trang 2 sai, sửa lại trước khi trình"
TRANSFER_NOTE = "Chuyển nội bộ theo chỉ đạo của lãnh đạo Sở"


def lookup(client, case):
    return client.get(f"/api/v1/public/cases/{case.code}/", {"pin": case.pin})


@pytest.fixture
def processed(file_case, staff):
    """A case sent back by the signer and transferred: two internal notes in its history."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    act(case, "assign", staff["counter"], officer=staff["officer"])
    act(case, "submit-result", staff["officer"])
    act(case, "send-back", staff["signer"], reason=SEND_BACK_NOTE)
    act(case, "transfer", staff["officer"], agency=Agency.objects.get(code="000.00.21.H38"),
        reason=TRANSFER_NOTE)  # fmt: skip
    return case


def test_the_public_timeline_leaves_out_internal_notes(processed, client_for):
    """Regression: the citizen read the signer's send-back note and the transfer note."""
    answer = lookup(client_for(), processed)

    assert answer.status_code == 200
    text = answer.content.decode()
    assert SEND_BACK_NOTE not in text and TRANSFER_NOTE not in text
    steps = {step["action"]: step for step in answer.json()["timeline"]}
    assert steps["send-back"]["reason"] == "" and steps["transfer"]["reason"] == ""


def test_the_public_timeline_keeps_what_concerns_the_applicant(file_case, staff, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    act(case, "request-supplement", staff["counter"], items=["Bản sao sổ hộ khẩu"],
        reason="Thiếu giấy tờ chứng minh nơi cư trú")  # fmt: skip

    step = lookup(client_for(), case).json()["timeline"][-1]
    assert step["reason"] == "Thiếu giấy tờ chứng minh nơi cư trú"
    assert step["items"] == ["Bản sao sổ hộ khẩu"]


def test_the_home_page_and_the_email_list_the_documents_to_bring(file_case, staff, client):
    """Regression: the public page left out the supplement items (the API had them)."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    act(case, "request-supplement", staff["counter"], items=["Bản sao sổ hộ khẩu"], reason="Thiếu")

    page = client.post("/", {"code": case.code, "pin": case.pin}, follow=True)
    assert "Bản sao sổ hộ khẩu" in page.content.decode()
    email = Notification.objects.filter(
        case=case, event__action="request-supplement", channel="email"
    ).get()
    assert "Bản sao sổ hộ khẩu" in email.body


@pytest.fixture
def citizens_case(staff, procedure):
    """Filed online by the citizen's account, accepted and assigned by staff."""
    case = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="online", by=staff["citizen"]
    )
    case = act(case, "accept", staff["counter"])
    return act(case, "assign", staff["counter"], officer=staff["officer"])


def test_the_applicant_sees_agencies_not_staff_usernames(citizens_case, staff, client_for):
    """Regression: the citizen's own view showed staff usernames in actor, assigned_to, data."""
    answer = client_for(staff["citizen"]).get(f"/api/v1/cases/{citizens_case.code}/")

    assert answer.status_code == 200
    data = answer.json()
    assert data["assigned_to"] is None
    actors = [event["actor"] for event in data["events"]]
    assert actors == ["citizen", "000.00.01.H38", "000.00.01.H38"]  # own step, then the centre
    assert all("officer" not in event["data"] for event in data["events"])
    for username in ("counter", "officer"):
        assert f'"{username}"' not in answer.content.decode()


def test_staff_still_see_who_did_what(citizens_case, staff, client_for):
    data = client_for(staff["counter"]).get(f"/api/v1/cases/{citizens_case.code}/").json()
    assert data["assigned_to"] == "officer"
    assert data["events"][-1]["actor"] == "counter"


def test_the_home_page_posts_the_pin_and_the_qr_link_redirects_to_a_clean_url(file_case):
    """Regression: the lookup form used GET, so the PIN landed in logs and browser history."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    browser = Client(enforce_csrf_checks=True)

    form = browser.get("/").content.decode()
    assert 'method="post"' in form and "csrfmiddlewaretoken" in form
    assert browser.post("/", {"code": case.code, "pin": case.pin}).status_code == 403  # no CSRF

    qr = browser.get("/", {"code": case.code, "pin": case.pin})
    assert qr.status_code == 302 and case.pin not in qr["Location"]
    page = browser.get(qr["Location"])
    assert case.procedure.name in page.content.decode()


def test_a_transfer_to_another_province_is_refused_and_changes_nothing(file_case, staff):
    """Regression: transfer accepted any agency; another province's officer then read the
    applicant's personal data."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    act(case, "assign", staff["counter"], officer=staff["officer"])
    ha_noi = AgencyFactory(code="000.00.00.H26", name="UBND TP Hà Nội", level=Level.PROVINCE)
    elsewhere = AgencyFactory(code="000.00.20.H26", name="Sở Tư pháp Hà Nội", parent=ha_noi)
    events = CaseEvent.objects.filter(case=case).count()

    with pytest.raises(Exception) as refused:
        act(case, "transfer", staff["officer"], agency=elsewhere, reason="Chuyển")

    assert "agency" in refused.value.message_dict
    case.refresh_from_db()
    assert case.deciding_agency.code == "000.00.20.H38"
    assert CaseEvent.objects.filter(case=case).count() == events


def test_a_cross_province_transfer_over_the_api_is_a_400(file_case, staff, client_for):
    case = file_case(vn(2026, 11, 27, 9, 0))
    act(case, "assign", staff["counter"], officer=staff["officer"])
    AgencyFactory(code="000.00.00.H26", name="UBND TP Hà Nội", level=Level.PROVINCE)
    answer = client_for(staff["officer"]).post(
        f"/api/v1/cases/{case.code}/actions/transfer/",
        {"agency": "000.00.00.H26", "reason": "Chuyển"},
        format="json",
    )
    assert answer.status_code == 400 and "agency" in answer.json()


def test_assigning_the_same_officer_again_is_a_no_op(file_case, staff, client_for):
    """Regression: the same assign twice wrote two assign events."""
    case = file_case(vn(2026, 11, 27, 9, 0))
    counter = client_for(staff["counter"])
    url = f"/api/v1/cases/{case.code}/actions/assign/"

    answers = [counter.post(url, {"officer": "officer"}, format="json") for _ in range(2)]

    assert [a.status_code for a in answers] == [200, 200]
    assert CaseEvent.objects.filter(case=case, action="assign").count() == 1
    assert answers[1].json()["assigned_to"] == "officer"


@pytest.mark.django_db(transaction=True)
def test_two_parallel_assigns_write_one_event(file_case, staff):
    case = file_case(vn(2026, 11, 27, 9, 0))
    barrier = threading.Barrier(2)

    def assign(_):
        mine = type(case).objects.get(pk=case.pk)
        barrier.wait()
        try:
            services.case_act(case=mine, action="assign", by=staff["counter"],
                              officer=staff["officer"])  # fmt: skip
            return "ok"
        except InvalidTransition:
            return "conflict"  # lost the race: retrying is the no-op above
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(assign, range(2)))

    assert outcomes in (["conflict", "ok"], ["ok", "ok"])
    assert CaseEvent.objects.filter(case=case, action="assign").count() == 1


def test_a_second_officer_is_still_a_real_reassignment(file_case, staff, province):
    case = file_case(vn(2026, 11, 27, 9, 0))
    other = UserFactory(username="officer2", agency=province["justice"], roles=["officer"])
    act(case, "assign", staff["counter"], officer=staff["officer"])
    act(case, "assign", staff["counter"], officer=other)
    assert CaseEvent.objects.filter(case=case, action="assign").count() == 2


def test_the_applicants_own_views_leave_out_internal_notes(citizens_case, staff, client_for):
    """Regression (hardening round two, 7): a signer's send-back note reached the applicant in
    `GET /api/v1/cases/{code}/` and on `/my/cases/{code}/`, which the public lookup hid."""
    act(citizens_case, "submit-result", staff["officer"])
    act(citizens_case, "send-back", staff["signer"], reason=SEND_BACK_NOTE)
    act(citizens_case, "request-supplement", staff["officer"], items=["Bản sao CCCD"],
        reason="Bản sao bị mờ")  # fmt: skip
    applicant = Client()
    applicant.force_login(staff["citizen"])

    answer = client_for(staff["citizen"]).get(f"/api/v1/cases/{citizens_case.code}/")
    page = applicant.get(f"/my/cases/{citizens_case.code}/")

    assert answer.status_code == page.status_code == 200
    steps = {event["action"]: event for event in answer.json()["events"]}
    assert steps["send-back"]["reason"] == ""
    assert steps["request-supplement"]["reason"] == "Bản sao bị mờ"  # written for them
    assert SEND_BACK_NOTE not in answer.content.decode()
    assert SEND_BACK_NOTE not in page.content.decode()
    assert "Bản sao bị mờ" in page.content.decode()
    staff_view = client_for(staff["signer"]).get(f"/api/v1/cases/{citizens_case.code}/").json()
    assert {e["action"]: e for e in staff_view["events"]}["send-back"]["reason"] == SEND_BACK_NOTE
