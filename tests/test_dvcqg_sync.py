"""The national portal (DVCQG): every case and step reaches it, in order per case, through
its faults; what it would refuse is caught before sending; reconciliation and push again."""

import json
import logging
from contextlib import contextmanager
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.utils import timezone

from cases import services
from cases.models import Case
from dvcqg import dispatch, payloads, reconcile, simulator
from dvcqg.models import Message, PortalCase, Service, SimulatorRecord
from dvcqg.selectors import synced_case_ids
from onestop import health
from reports import sources

from .conftest import APPLICANT, FRIDAY_9AM, act

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def portal(settings):
    """The simulator in this process, answered on the test's own connection (one thread)."""
    settings.DVCQG_URL = ""
    settings.DVCQG_CONCURRENCY = 1
    settings.DVCQG_TIMEOUT = 0.3
    settings.DVCQG_AGENCY_CODE = "000.00.00.H38"


def received(code: str) -> list[tuple]:
    """What the portal was sent about one case, in order: (service, status, answer)."""
    return [
        (
            r.service,
            r.data.get("TrangThaiHoSo") or r.data.get("TrangThai"),
            r.reply["error_code"],
        )
        for r in SimulatorRecord.objects.filter(ma_ho_so=code).order_by("id")
    ]


def unsent(case) -> list[Message]:
    return list(Message.objects.filter(case=case, sent_at=None).order_by("id"))


@contextmanager
def later(**delta):
    """The clock moved on (past the retries' backoff)."""
    with time_machine.travel(timezone.now() + timedelta(**delta), tick=True):
        yield


def test_a_case_received_processed_and_returned_reaches_the_portal_step_by_step(file_case, staff):
    case = file_case(FRIDAY_9AM)
    act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    act(case, "submit-result", staff["officer"], FRIDAY_9AM + timedelta(hours=1))
    act(case, "sign", staff["signer"], FRIDAY_9AM + timedelta(hours=2))
    act(
        case,
        "return",
        staff["counter"],
        FRIDAY_9AM + timedelta(hours=3),
        channel="counter",
        recipient="Mai",
    )

    result = dispatch.dispatch()

    assert result.sent == 11 and unsent(case) == []
    record, progress = Service.CASE.value, Service.PROGRESS.value
    assert received(case.code) == [
        (record, "2", "0"),  # filed at the counter: received
        (progress, "1", "0"),  # submitted
        (progress, "2", "0"),  # received
        (record, "4", "0"),
        (progress, "4", "0"),  # assigned
        (record, "4", "0"),
        (progress, "4", "0"),  # result submitted
        (record, "9", "0"),
        (progress, "9", "0"),  # signed
        (record, "10", "0"),
        (progress, "10", "0"),  # returned
    ]
    first = SimulatorRecord.objects.filter(ma_ho_so=case.code).first()
    assert first.updating is False  # new to the portal; every later record is an update
    assert not SimulatorRecord.objects.filter(
        ma_ho_so=case.code, service=Service.CASE, updating=False
    ).exclude(pk=first.pk)
    assert first.data["MaTTHC"] == "2.000488" and first.data["KenhThucHien"] == "1"
    assert first.data["NgayTiepNhan"] == "20261127090000"
    assert first.data["NgayHenTra"] == "20261202090000"  # 3 working days
    assert first.data["DinhDanhCHS"] == [{"LoaiDinhDanh": "1", "SoDinhDanh": "010190001234"}]
    handled = SimulatorRecord.objects.filter(ma_ho_so=case.code, service=Service.PROGRESS)
    assert handled[1].data["NoiDungXuLy"] == "Tiếp nhận hồ sơ"
    assert handled[1].data["PhongBanXuLy"] == "Trung tâm Phục vụ HCC tỉnh"
    portal_case = PortalCase.objects.get(case=case)
    assert portal_case.acknowledged_at is not None and portal_case.claimed_until is None
    assert list(synced_case_ids(Case.objects.values("pk"))) == [case.pk]
    assert sources.case_filter("portal_synced") is synced_case_ids


# --- faults ----------------------------------------------------------------------------------


def test_the_portal_down_for_a_while_loses_nothing_and_keeps_each_case_s_order(file_case, staff):
    simulator.set_control(down=True)
    cases = [file_case(FRIDAY_9AM + timedelta(minutes=n)) for n in range(3)]
    for case in cases:
        act(
            case,
            "assign",
            staff["counter"],
            FRIDAY_9AM + timedelta(hours=1),
            officer=staff["officer"],
        )

    first = dispatch.dispatch()

    assert (first.sent, first.retried) == (0, 3)
    assert all(len(unsent(case)) == 5 for case in cases)
    waiting = PortalCase.objects.filter(case__in=cases)
    assert all(p.wait_until > timezone.now() and p.held_by is None for p in waiting)
    head = unsent(cases[0])[0]
    assert head.attempts == 1 and "HTTP 503" in head.last_error
    assert SimulatorRecord.objects.count() == 0

    simulator.set_control(down=False)
    assert dispatch.dispatch().sent == 0  # nobody sends before the backoff ends
    with later(minutes=5):
        assert dispatch.dispatch().sent == 15

    for case in cases:
        sent = Message.objects.filter(case=case).order_by("id")
        assert [r.data for r in SimulatorRecord.objects.filter(ma_ho_so=case.code)] == [
            m.payload for m in sent
        ]
        assert all(m.sent_at for m in sent)


@pytest.mark.parametrize(
    "fault, error",
    [
        ("html", "not JSON"),
        ("http500", "HTTP 500"),
        ("timeout", "no answer within 0.3 s"),
        ("busy", "error_code -9"),
    ],
)
def test_a_passing_fault_is_retried_and_never_marked_sent(file_case, fault, error):
    case = file_case(FRIDAY_9AM)
    simulator.set_control(faults=[fault])

    assert dispatch.dispatch().retried == 1

    head, *rest = unsent(case)
    assert (head.service, head.attempts, head.parked_at) == (Service.CASE, 1, None)
    assert error in head.last_error
    assert len(rest) == 2 and not any(m.attempts for m in rest)
    with later(minutes=5):
        assert dispatch.dispatch().sent == 3
    assert unsent(case) == []
    assert Message.objects.get(pk=head.pk).attempts == 2


def test_the_backoff_doubles_with_each_failure(file_case):
    case = file_case(FRIDAY_9AM)
    simulator.set_control(down=True)
    waits = []
    for n in range(4):
        with later(hours=2 * n):
            dispatch.dispatch()
            wait = PortalCase.objects.get(case=case).wait_until - timezone.now()
            waits.append(round(wait.total_seconds() / 30))
    assert waits == [1, 2, 4, 8]  # DVCQG_RETRY_BASE_SECONDS 30


def test_a_message_delivered_twice_is_harmless(file_case, staff):
    """The portal took the record but its answer never came: it is sent again, and the
    portal, keying on MaHoSo, holds the same full state."""
    case = file_case(FRIDAY_9AM)
    simulator.set_control(faults=["late"])

    dispatch.dispatch()
    assert [m.service for m in unsent(case)] == [Service.CASE, Service.PROGRESS, Service.PROGRESS]
    with later(minutes=5):
        dispatch.dispatch()

    assert unsent(case) == []
    records = SimulatorRecord.objects.filter(ma_ho_so=case.code, service=Service.CASE)
    assert [(r.updating, r.reply["error_code"]) for r in records] == [
        (False, "0"),  # taken, answer lost
        (False, "-3"),  # again: "already exists"
        (True, "0"),  # so sent as the update
    ]
    assert records[0].data == records[2].data
    assert reconcile.reconcile(case_ids=[case.pk]).mismatched == 0


def test_already_exists_is_answered_with_the_update(file_case):
    """The portal has the case from an earlier system (or a lost answer): the new record is
    refused as existing (-3) and sent at once as an update."""
    case = file_case(FRIDAY_9AM)
    SimulatorRecord.objects.create(
        service=Service.CASE, ma_ho_so=case.code, data={"MaHoSo": case.code}, accepted=True,
        reply={"error_code": "0"},
    )  # fmt: skip

    assert dispatch.dispatch().sent == 3

    assert received(case.code)[1:] == [
        (Service.CASE, "2", "-3"),
        (Service.CASE, "2", "0"),
        (Service.PROGRESS, "1", "0"),
        (Service.PROGRESS, "2", "0"),
    ]


def test_an_expired_session_is_renewed_once_and_never_logged(file_case, settings, caplog):
    caplog.set_level(logging.DEBUG)
    first = file_case(FRIDAY_9AM)
    dispatch.dispatch()
    session = simulator.cache.get("dvcqg:session")
    simulator.expire_sessions()
    second = file_case(FRIDAY_9AM)

    assert dispatch.dispatch().sent == 3

    assert unsent(first) == unsent(second) == []
    assert received(second.code)[0] == (Service.CASE, "2", "0")
    assert simulator.cache.get("dvcqg:session") not in (None, session)
    everything = caplog.text + "".join(str(m.reply) + m.last_error for m in Message.objects.all())
    assert session not in everything and settings.DVCQG_PASSWORD not in everything


# --- refused before sending ------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, reason",
    [
        ({"applicant_phone": "12345"}, "SoDienThoai: '12345' is not a Vietnamese phone number"),
        ({"applicant_id_number": "0101"}, "SoGiayToChuHoSo: '0101' is neither"),
        ({"procedure__code": ""}, "MaTTHC: '' is not a national procedure code"),
        (
            {"agency_code": "000.00.00.H56"},
            "does not start with an agency code of the province H56",
        ),
    ],
)
def test_a_field_the_portal_would_refuse_is_caught_before_sending_and_parked(
    staff, procedure, settings, client, change, reason
):
    if "procedure__code" in change:
        procedure.code = change["procedure__code"]
        procedure.save()
    if "agency_code" in change:
        settings.DVCQG_AGENCY_CODE = change["agency_code"]
    applicant = {**APPLICANT, "phone": change.get("applicant_phone", APPLICANT["phone"])}
    applicant["id_number"] = change.get("applicant_id_number", APPLICANT["id_number"])
    case = services.case_file(
        procedure=procedure, applicant=applicant, channel="counter", by=staff["counter"],
        now=FRIDAY_9AM,
    )  # fmt: skip

    assert dispatch.dispatch().parked == 1

    record, *held = unsent(case)
    assert record.parked_at and reason in record.last_error
    assert record.last_error.startswith("not sent, the portal would refuse it")
    assert [m.last_error for m in held] == [f"held behind message #{record.pk}"] * 2
    assert SimulatorRecord.objects.filter(ma_ho_so=case.code).count() == 0
    assert PortalCase.objects.get(case=case).held_by == record

    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "pw")
    client.force_login(admin)
    page = client.get(f"/admin/dvcqg/portalcase/{case.pk}/change/").content.decode()
    assert reason.split(":")[0] in page and "đã tạm dừng" in page  # parked


def test_a_parked_case_holds_only_itself_and_goes_once_mended_and_pushed_again(
    file_case, staff, procedure
):
    other = file_case(FRIDAY_9AM)
    case = services.case_file(
        procedure=procedure, applicant={**APPLICANT, "phone": "09-12"}, channel="counter",
        by=staff["counter"], now=FRIDAY_9AM,
    )  # fmt: skip
    dispatch.dispatch()
    act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    act(other, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])

    assert dispatch.dispatch().sent == 2  # the other case's two new messages

    assert unsent(other) == []
    assert [m.last_error.startswith("held behind") for m in unsent(case)] == [False] + [True] * 4
    Case.objects.filter(pk=case.pk).update(applicant_phone="0912 345 678")
    from dvcqg import services as sync

    sync.push_again(case_ids=[case.pk])
    assert dispatch.dispatch().sent == 6  # the five, mended, and the current record after them
    assert unsent(case) == []
    # The records waiting were written afresh from the case as it is now (processing); the
    # progress rows keep the status of their step.
    statuses = [s for _, s, _ in received(case.code)]
    assert statuses == ["4", "1", "2", "4", "4", "4"]
    assert SimulatorRecord.objects.filter(ma_ho_so=case.code).first().data["SoDienThoai"] == (
        "0912345678"
    )


def test_a_refusal_by_the_portal_is_parked_with_its_reply(file_case):
    case = file_case(FRIDAY_9AM)
    # Without its record first, the portal does not know the case its progress is about.
    Message.objects.filter(case=case, service=Service.CASE).delete()

    assert dispatch.dispatch().parked == 1

    refused, held = unsent(case)
    assert refused.reply["error_code"] == "-2" and "không tồn tại" in refused.last_error
    assert held.parked_at and held.last_error == f"held behind message #{refused.pk}"


def test_an_online_submission_reaches_the_portal_with_its_history_once_accepted(staff, procedure):
    case = services.case_file(
        procedure=procedure, applicant=APPLICANT, channel="online", by=staff["citizen"],
        now=FRIDAY_9AM,
    )  # fmt: skip
    assert not Message.objects.filter(case=case).exists()  # no code: nothing for the portal

    act(case, "accept", staff["counter"], FRIDAY_9AM + timedelta(hours=1))
    dispatch.dispatch()

    assert received(case.code) == [
        (Service.CASE, "2", "0"),
        (Service.PROGRESS, "1", "0"),
        (Service.PROGRESS, "2", "0"),
    ]
    record = SimulatorRecord.objects.filter(ma_ho_so=case.code).first().data
    assert (record["KenhThucHien"], record["NoiNopHoSo"]) == ("2", "2")
    assert record["NgayNopHoSo"] == "20261127090000"
    assert record["NgayTiepNhan"] == "20261127100000"


# --- reconciliation ----------------------------------------------------------------------------


def test_reconciliation_finds_what_the_portal_holds_differently_and_push_again_mends_it(
    file_case, staff, client
):
    kept, lost = file_case(FRIDAY_9AM), file_case(FRIDAY_9AM)
    dispatch.dispatch()
    # The portal lost one case's processing: its record says received, ours processing.
    act(lost, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    Message.objects.filter(case=lost, sent_at=None).update(sent_at=timezone.now())

    result = reconcile.reconcile(case_ids=[kept.pk, lost.pk])

    assert (result.checked, result.mismatched) == (2, 1)
    assert PortalCase.objects.get(case=lost).mismatch == {"TrangThaiHoSo": ["4", "2"]}
    assert PortalCase.objects.get(case=kept).mismatch is None
    admin = get_user_model().objects.create_superuser("root", "root@example.vn", "pw")
    client.force_login(admin)
    page = client.get("/admin/dvcqg/portalcase/?sync=mismatch").content.decode()
    assert lost.code in page and kept.code not in page
    assert "TrangThaiHoSo: của ta 4, của Cổng 2" in page

    answer = client.post(
        "/admin/dvcqg/portalcase/?sync=mismatch",
        {"action": "push_again", "_selected_action": [lost.pk]},
    )
    assert answer.status_code == 302
    dispatch.dispatch()
    assert reconcile.reconcile(case_ids=[lost.pk]).mismatched == 0
    assert PortalCase.objects.get(case=lost).mismatch is None


def test_a_case_missing_on_the_portal_is_a_mismatch(file_case):
    case = file_case(FRIDAY_9AM)
    Message.objects.filter(case=case).update(sent_at=timezone.now())  # "sent", never received

    reconcile.reconcile(case_ids=[case.pk])

    assert PortalCase.objects.get(case=case).mismatch == {"MaHoSo": [case.code, None]}


def test_reconciliation_asks_about_the_held_the_late_and_the_settled_cases(
    file_case, procedure, staff
):
    held = services.case_file(
        procedure=procedure, applicant={**APPLICANT, "phone": "x"}, channel="counter",
        by=staff["counter"], now=FRIDAY_9AM,
    )  # fmt: skip
    settled, fresh, late = file_case(FRIDAY_9AM), file_case(FRIDAY_9AM), file_case(FRIDAY_9AM)
    dispatch.dispatch()
    now = timezone.now()
    PortalCase.objects.filter(case=settled).update(last_sent_at=now - timedelta(days=2))
    Message.objects.filter(case=late).update(sent_at=None, created_at=now - timedelta(days=2))

    chosen = reconcile.cases_to_check(now=now, limit=100, sample=0)

    assert set(chosen) == {held.pk, settled.pk, late.pk}
    assert fresh.pk not in reconcile.cases_to_check(now=now, limit=100, sample=0)
    PortalCase.objects.filter(case=settled).update(checked_at=now)
    assert settled.pk not in reconcile.cases_to_check(now=now, limit=100, sample=0)
    assert len(reconcile.cases_to_check(now=now, limit=100, sample=5)) == 4  # + fresh, at random


# --- health ------------------------------------------------------------------------------------


def test_health_is_503_once_a_message_has_waited_too_long(file_case, settings, monkeypatch):
    # Only the portal's check: the other features' are theirs to test.
    monkeypatch.setattr(health, "_checks", {"dvcqg": health._checks["dvcqg"]})
    settings.DVCQG_HEALTH_MAX_AGE_SECONDS = 600
    simulator.set_control(down=True)
    file_case(FRIDAY_9AM)
    dispatch.dispatch()

    def answer():
        response = health.health(RequestFactory().get("/health/"))
        return response.status_code, json.loads(response.content)

    status, body = answer()
    assert status == 200 and (body["dvcqg_pending"], body["dvcqg_failed"]) == (3, 1)
    with later(minutes=11):
        status, body = answer()
        assert status == 503 and body["dvcqg_oldest_pending_seconds"] >= 660
        simulator.set_control(down=False)
        dispatch.dispatch()
        status, body = answer()
    assert status == 200 and body["dvcqg_pending"] == 0 and body["dvcqg_parked"] == 0


# --- what the portal is sent -----------------------------------------------------------------


def test_a_business_files_with_its_tax_code_and_no_personal_identifier(staff, procedure):
    business = {**APPLICANT, "full_name": "Công ty TNHH Sa Pa Xanh", "id_number": "5300123456"}
    case = services.case_file(
        procedure=procedure, applicant=business, channel="post", by=staff["counter"],
        now=FRIDAY_9AM,
    )  # fmt: skip

    record = Message.objects.get(case=case, service=Service.CASE).payload

    assert (record["LoaiDoiTuong"], record["DinhDanhCHS"]) == ("2", [])
    assert (record["SoGiayToChuHoSo"], record["KenhThucHien"]) == ("5300123456", "3")
    assert payloads.problems(Service.CASE, record) == []


@pytest.mark.parametrize(
    "field, value, accepted",
    [
        ("SoDienThoai", "0912345678", True),
        ("SoDienThoai", "84912345678", True),
        ("SoDienThoai", "", True),  # optional
        ("SoDienThoai", "091234567", False),  # nine digits
        ("SoGiayToChuHoSo", "012345678", True),  # the old 9-digit ID card
        ("SoGiayToChuHoSo", "0101234567-001", True),  # a branch's tax code
        ("SoGiayToChuHoSo", "01012345678", False),  # eleven digits
        ("Email", "mai@example", False),
        ("NgayHenTra", "2026-12-02", False),
        ("TrangThaiHoSo", "11", False),
        ("MaHoSo", "000.00.01.H38-261127-0001", True),
        ("MaHoSo", "HSABCDEFGHJK", False),  # a submission reference, not a case code
        ("MaTTHC", "1.000656.000.00.00.H56", True),  # with the province's suffix
        ("MaTTHC", "1.000656-0012", False),  # a local copy's code, not the national one
    ],
)
def test_what_the_portal_would_refuse(file_case, field, value, accepted):
    record = Message.objects.get(case=file_case(FRIDAY_9AM), service=Service.CASE).payload
    found = payloads.problems(Service.CASE, {**record, field: value})
    assert (found == []) is accepted, found
    assert accepted or found[0].startswith(field)


def test_a_local_copy_of_a_procedure_is_sent_with_its_national_code():
    assert payloads.national_procedure_code("1.000656-0012") == "1.000656"


def test_cases_waiting_or_held_do_not_hide_a_case_that_may_go(file_case, staff, monkeypatch):
    """Regression: a lease found only waiting and held cases among the oldest due messages
    and gave up, leaving the case behind them to the next sweep."""
    waiting, held = file_case(FRIDAY_9AM), file_case(FRIDAY_9AM)
    PortalCase.objects.create(case=waiting, wait_until=timezone.now() + timedelta(minutes=5))
    PortalCase.objects.create(case=held, held_by=Message.objects.filter(case=held).first())
    ready = file_case(FRIDAY_9AM)
    monkeypatch.setattr(dispatch, "SCAN_FACTOR", 1)  # one due message looked at a time

    [chain] = dispatch.claim(now=timezone.now(), cases=1)

    assert chain.portal_case.case_id == ready.pk and len(chain.messages) == 3
    assert all(m.parked_at for m in unsent(held))
    assert all(m.next_attempt_at > timezone.now() for m in unsent(waiting))


@pytest.mark.django_db(transaction=True)
def test_indicator_1_4_counts_a_case_the_moment_the_portal_acknowledges_it(file_case):
    """The reports cache indicator 1.4 under the sync's own stamp: a cached report never
    hides a first acknowledgement (no case step is taken when the portal answers)."""
    from reports.kpis import kpi_report
    from reports.models import ReportStamp
    from reports.scope import Scope

    # A transactional test empties every table at its end, the migration's rows included.
    ReportStamp.objects.bulk_create(
        [ReportStamp(id=i) for i in range(ReportStamp.SHARDS)], ignore_conflicts=True
    )
    case = file_case(FRIDAY_9AM)
    scope = Scope(FRIDAY_9AM.date(), FRIDAY_9AM.date())

    def synced():
        item = next(i for i in kpi_report(scope) if i["id"] == "portal_synced")
        return item["numerator"], item["denominator"]

    assert synced() == synced() == (0, 1)  # the second one served from the cache
    dispatch.dispatch(seconds=5)
    assert PortalCase.objects.get(case=case).acknowledged_at is not None
    assert synced() == (1, 1)


def test_a_step_reads_only_the_history_the_case_record_tells(file_case, staff):
    """Many failed payment attempts: each step still tells the portal the fee was paid
    online, and reads only that step of the history, not every attempt."""
    from cases.services import SystemActor
    from dvcqg import services as portal

    case = file_case(FRIDAY_9AM)
    gateway = SystemActor("paygov")
    for _ in range(20):
        act(case, "payment", gateway, payment={"method": "online", "state": "cancelled"})
    act(case, "payment", gateway, payment={"method": "online", "state": "paid"})
    act(case, "assign", staff["counter"], officer=staff["officer"])

    assert [step["data"]["state"] for step in portal._history(case)] == ["paid"]
    record = Message.objects.filter(case=case, service=Service.CASE).latest("id").payload
    assert record["DuocThanhToanTrucTuyen"] == "1"
