"""The case lifecycle through the service layer: one story per behaviour."""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError

from cases import services
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import AppointmentChange, Case, Status, SupplementClock
from notifications.models import Notification

from .conftest import APPLICANT, FRIDAY_9AM, act, everything_about, vn
from .factories import ProcedureFactory

pytestmark = pytest.mark.django_db


def test_a_counter_case_is_received_at_once_with_code_appointment_and_pin(file_case, province):
    case = file_case(FRIDAY_9AM)

    assert case.status == Status.RECEIVED
    assert case.code == "000.00.01.H38-261127-0001"
    # 3 working days from Friday 09:00: Mon, Tue, Wed -> Wednesday 09:00.
    assert case.appointment_at == vn(2026, 12, 2, 9, 0)
    assert len(case.pin) == 8
    assert services.pin_matches(case, case.pin)
    assert list(case.events.values_list("action", "from_status", "to_status")) == [
        ("submit", "", "submitted"),
        ("accept", "submitted", "received"),
    ]
    change = AppointmentChange.objects.get(case=case)
    assert (change.old_at, change.new_at, change.reason) == (None, case.appointment_at, "received")


def test_case_numbers_run_per_agency_and_restart_each_day(file_case):
    first, second = file_case(FRIDAY_9AM), file_case(FRIDAY_9AM + timedelta(minutes=5))
    next_day = file_case(vn(2026, 11, 30, 8, 0))

    assert [first.code[-4:], second.code[-4:]] == ["0001", "0002"]
    assert next_day.code == "000.00.01.H38-261130-0001"


def test_the_code_date_is_the_vietnam_date(file_case):
    """A case received at 06:30 Vietnam time is dated that day, not the UTC day before."""
    case = file_case(vn(2026, 11, 30, 6, 30))
    assert "-261130-" in case.code


def test_an_online_submission_waits_for_the_counter(staff, procedure):
    case = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="online", by=staff["citizen"]
    )
    assert case.status == Status.SUBMITTED
    assert case.code is None and case.reference.startswith("HS")
    assert case.applicant_user == staff["citizen"]

    case = act(case, "accept", staff["counter"], FRIDAY_9AM)
    assert case.status == Status.RECEIVED
    assert case.code.startswith("000.00.01.H38-261127-")
    assert case.appointment_at == vn(2026, 12, 2, 9, 0)


def test_the_full_happy_path_to_return(file_case, staff):
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    case = act(case, "submit-result", staff["officer"], FRIDAY_9AM + timedelta(hours=1))
    case = act(case, "sign", staff["signer"], FRIDAY_9AM + timedelta(hours=2))
    case = act(
        case,
        "return",
        staff["counter"],
        FRIDAY_9AM + timedelta(hours=3),
        channel="counter",
        recipient="Lò Thị Mai",
    )

    case.refresh_from_db()
    assert case.status == Status.RETURNED
    assert case.resolved_at == FRIDAY_9AM + timedelta(hours=2)
    assert case.returned_at == FRIDAY_9AM + timedelta(hours=3)
    assert case.return_channel == "counter"
    assert case.next_alert_at is None
    assert [e.actor.username for e in case.events.all()] == [
        "counter",
        "counter",
        "counter",
        "officer",
        "signer",
        "counter",
    ]


def test_a_supplement_request_pauses_the_clock_and_extends_the_appointment(file_case, staff):
    case = file_case(FRIDAY_9AM)  # appointment Wed 2 Dec 09:00
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    # Requested Monday 09:00, documents back Tuesday 09:00: one working day waited.
    case = act(
        case,
        "request-supplement",
        staff["officer"],
        vn(2026, 11, 30, 9, 0),
        items=["Bản sao sổ hộ khẩu"],
        reason="Thiếu giấy tờ",
    )
    assert case.status == Status.SUPPLEMENT_REQUESTED
    assert case.next_alert_at is None  # the clock is paused: nothing to watch

    case = act(case, "supplement-received", staff["counter"], vn(2026, 12, 1, 9, 0))

    assert case.status == Status.PROCESSING
    assert case.appointment_at == vn(2026, 12, 3, 9, 0)
    assert case.appointment_changes.last().reason == AppointmentChange.Reason.SUPPLEMENT


def test_a_restart_procedure_counts_the_full_time_again(file_case, staff, province):
    procedure = ProcedureFactory(
        agency=province["justice"],
        processing_time_value=2,
        supplement_clock=SupplementClock.RESTART,
    )
    case = file_case(FRIDAY_9AM, procedure=procedure)
    case = act(
        case,
        "request-supplement",
        staff["counter"],
        FRIDAY_9AM,
        items=["Tờ khai có chữ ký"],
        reason="Tờ khai chưa ký",
    )
    case = act(case, "supplement-received", staff["counter"], vn(2026, 12, 1, 14, 0))

    # Two working days from Tuesday 14:00 -> Thursday 14:00.
    assert case.appointment_at == vn(2026, 12, 3, 14, 0)


def test_a_transfer_keeps_one_case_and_changes_the_deciding_agency(file_case, staff, province):
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    case = act(
        case,
        "transfer",
        staff["officer"],
        FRIDAY_9AM,
        agency=province["construction"],
        reason="Thuộc thẩm quyền Sở Xây dựng",
    )

    assert Case.objects.count() == 1
    assert case.status == Status.PROCESSING
    assert case.deciding_agency == province["construction"]
    assert case.assigned_to is None
    event = case.events.last()
    assert event.data == {"from_agency": "000.00.20.H38", "to_agency": "000.00.21.H38"}
    # The new agency's officer can now be assigned; the old one no longer can.
    act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["builder"])
    with pytest.raises(ValidationError):
        act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])


@pytest.mark.parametrize(
    ("action", "final"), [("stop", Status.STOPPED), ("withdraw", Status.WITHDRAWN)]
)
def test_stopping_or_withdrawing_closes_the_case(file_case, staff, action, final):
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    case = act(case, action, staff["officer"], FRIDAY_9AM, reason="Người nộp đề nghị")

    assert case.status == final
    assert case.closed_at == FRIDAY_9AM
    assert services.allowed_actions(case, staff["officer"]) == []


def test_the_counter_can_reject_an_online_submission_with_a_reason(staff, procedure):
    case = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="online", now=vn(2026, 11, 26, 20, 0)
    )
    with pytest.raises(ValidationError):
        act(case, "reject", staff["counter"], FRIDAY_9AM, reason="  ")
    case = act(case, "reject", staff["counter"], FRIDAY_9AM, reason="Không thuộc thẩm quyền")

    assert case.status == Status.REJECTED
    assert case.events.last().form == "03"


def test_the_signer_can_send_a_draft_back(file_case, staff):
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    case = act(case, "submit-result", staff["officer"], FRIDAY_9AM)
    case = act(case, "send-back", staff["signer"], FRIDAY_9AM, reason="Sai tên")
    assert case.status == Status.PROCESSING


def test_an_action_not_allowed_in_the_state_changes_nothing(file_case, staff):
    case = file_case(FRIDAY_9AM)
    before = everything_about(case)
    with pytest.raises(InvalidTransition):
        act(case, "sign", staff["signer"], FRIDAY_9AM)
    assert everything_about(case) == before  # refused: nothing at all changed


def test_a_counter_clerk_cannot_sign(file_case, staff):
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    case = act(case, "submit-result", staff["officer"], FRIDAY_9AM)
    before = everything_about(case)
    with pytest.raises(ActionForbidden):
        act(case, "sign", staff["counter"], FRIDAY_9AM)
    assert everything_about(case) == before
    assert "sign" not in services.allowed_actions(case, staff["counter"])
    assert "sign" in services.allowed_actions(case, staff["signer"])


def test_only_the_assigned_officer_submits_the_result(file_case, staff, province):
    other = staff["builder"]
    other.agency = province["justice"]
    other.save()
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    before = everything_about(case)
    with pytest.raises(ActionForbidden):
        act(case, "submit-result", other, FRIDAY_9AM)
    assert everything_about(case) == before


def test_a_stale_copy_cannot_move_a_case_twice(file_case, staff):
    """Compare-and-set: two clerks acting on the same state, the second one loses."""
    case = file_case(FRIDAY_9AM)
    stale = Case.objects.get(pk=case.pk)
    act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    act(case, "request-supplement", staff["officer"], FRIDAY_9AM, items=["A"], reason="thiếu")
    # `stale` still believes the case is received.
    before = everything_about(case)
    with pytest.raises(InvalidTransition):
        act(stale, "withdraw", staff["counter"], FRIDAY_9AM, reason="rút")
    assert everything_about(case) == before
    assert before["row"]["status"] == Status.SUPPLEMENT_REQUESTED


def test_an_apology_sets_a_new_appointment_only_when_late(file_case, staff):
    case = file_case(FRIDAY_9AM)  # due Wed 2 Dec 09:00
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    with pytest.raises(InvalidTransition):
        act(
            case,
            "apologise",
            staff["officer"],
            FRIDAY_9AM,
            reason="x",
            new_appointment_at=vn(2026, 12, 10, 9),
        )

    late = vn(2026, 12, 2, 10, 0)
    with pytest.raises(ValidationError):
        act(
            case,
            "apologise",
            staff["officer"],
            late,
            reason="x",
            new_appointment_at=vn(2026, 12, 1, 9),
        )
    case = act(
        case,
        "apologise",
        staff["officer"],
        late,
        reason="Chờ xác minh",
        new_appointment_at=vn(2026, 12, 7, 9, 0),
    )
    assert case.appointment_at == vn(2026, 12, 7, 9, 0)
    assert case.events.last().form == "04"
    assert case.appointment_changes.last().reason == AppointmentChange.Reason.APOLOGY


def test_next_alert_is_the_first_threshold_not_yet_alerted(file_case, staff):
    case = file_case(FRIDAY_9AM)  # due Wed 2 Dec 09:00; due soon one working day before
    assert case.next_alert_at == vn(2026, 12, 1, 9, 0)
    case = act(case, "assign", staff["counter"], vn(2026, 12, 1, 10, 0), officer=staff["officer"])
    assert case.next_alert_at == vn(2026, 12, 1, 9, 0)  # due soon not yet alerted: still due


def test_the_applicant_is_notified_after_commit(
    file_case, mailoutbox, django_capture_on_commit_callbacks
):
    """The messages are written in the step's transaction, but nothing is sent — not even
    asked for — before it commits: a step that rolls back never reached anyone."""
    with mock.patch("notifications.tasks.dispatch_outbox.apply_async") as dispatch:
        with django_capture_on_commit_callbacks(execute=False) as after_commit:
            case = file_case(FRIDAY_9AM)
            email, sms = Notification.objects.filter(case=case).order_by("channel")
            assert dispatch.call_count == 0 and mailoutbox == []  # inside the transaction
        assert dispatch.call_count == 0
        for callback in after_commit:  # the commit
            callback()
        assert dispatch.call_count == 1  # asked for once, after the commit
    assert (email.recipient, sms.recipient) == (APPLICANT["email"], APPLICANT["phone"])
    assert case.code in email.subject and case.code in sms.body
    assert email.sent_at is None and sms.sent_at is None


def test_case_events_are_append_only(file_case):
    event = file_case(FRIDAY_9AM).events.first()
    event.reason = "rewritten"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()


def test_staff_other_than_counter_cannot_file(staff, procedure):
    with pytest.raises(ActionForbidden):
        services.case_file(
            procedure=procedure, applicant=APPLICANT, channel="counter", by=staff["officer"]
        )


def test_apologise_is_offered_only_for_a_late_or_nearly_late_case(file_case, staff):
    case = file_case(FRIDAY_9AM)  # due Wed 2 Dec 09:00
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    officer = staff["officer"]

    assert "apologise" not in services.allowed_actions(case, officer, now=FRIDAY_9AM)
    assert "apologise" in services.allowed_actions(case, officer, now=vn(2026, 12, 1, 10, 0))
    assert "apologise" in services.allowed_actions(case, officer, now=vn(2026, 12, 2, 10, 0))


def test_two_transfers_from_the_same_reading_cannot_both_apply(file_case, staff, province):
    """Compare-and-set covers steps that keep the state: the second transfer loses."""
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    stale = Case.objects.get(pk=case.pk)
    act(case, "transfer", staff["officer"], FRIDAY_9AM, agency=province["construction"], reason="a")

    with pytest.raises(InvalidTransition):
        act(stale, "transfer", staff["signer"], FRIDAY_9AM, agency=province["ubnd"], reason="b")
    assert Case.objects.get().deciding_agency == province["construction"]


def test_the_due_soon_window_is_set_per_agency(file_case, staff, province):
    centre = province["centre"]
    centre.due_soon_working_days = 2
    centre.save()
    case = file_case(FRIDAY_9AM)  # due Wed 2 Dec 09:00: due soon from Mon 30 Nov 09:00
    assert case.next_alert_at == vn(2026, 11, 30, 9, 0)


def test_a_day_off_decided_by_the_government_moves_the_appointment(file_case):
    """The override table wins over the holiday package: Monday 30 Nov made a day off."""
    from cases.models import CalendarOverride
    from cases.selectors import forget_calendar_overrides

    CalendarOverride.objects.create(
        date=vn(2026, 11, 30, 0, 0).date(), is_working=False, reason="Nghỉ bù (thử nghiệm)"
    )
    forget_calendar_overrides()

    case = file_case(FRIDAY_9AM)
    # Three working days from Friday 09:00, skipping the weekend and Monday: Thursday 09:00.
    assert case.appointment_at == vn(2026, 12, 3, 9, 0)


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (Status.SUBMITTED, 1), (Status.RECEIVED, 2), (Status.REJECTED, 3),
        (Status.PROCESSING, 4), (Status.AWAITING_SIGNATURE, 4),
        (Status.SUPPLEMENT_REQUESTED, 5), (Status.AWAITING_PAYMENT, 6),
        (Status.WITHDRAWN, 7), (Status.STOPPED, 8), (Status.RESOLVED, 9), (Status.RETURNED, 10),
    ],
)  # fmt: skip
def test_each_state_maps_to_its_national_portal_code(status, code):
    assert Status(status).national_code == code


def test_a_supplement_that_never_comes_ends_in_stop(file_case, staff):
    case = file_case(FRIDAY_9AM)
    case = act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    case = act(case, "request-supplement", staff["officer"], FRIDAY_9AM, items=["A"], reason="x")
    case = act(case, "stop", staff["officer"], vn(2026, 12, 30, 9), reason="Quá hạn bổ sung")
    assert case.status == Status.STOPPED
    assert case.events.last().form == "05"
