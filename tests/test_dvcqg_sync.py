"""The national portal (DVCQG): every case and step reaches it, in order per case, through
its faults; what it would refuse is caught before sending; reconciliation and push again."""

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
from dvcqg import dispatch, reconcile, simulator
from dvcqg.models import Message, PortalCase, Service, SimulatorRecord
from dvcqg.selectors import synced_case_ids
from onestop import health
from reports import sources

from .conftest import APPLICANT, vn

pytestmark = pytest.mark.django_db

FRIDAY_9AM = vn(2026, 11, 27, 9, 0)


def act(case, action, by, at, **params):
    return services.case_act(case=case, action=action, by=by, now=at, **params)


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


def test_a_case_received_processed_and_returned_reaches_the_portal_step_by_step(
    file_case, staff
):
    case = file_case(FRIDAY_9AM)
    act(case, "assign", staff["counter"], FRIDAY_9AM, officer=staff["officer"])
    act(case, "submit-result", staff["officer"], FRIDAY_9AM + timedelta(hours=1))
    act(case, "sign", staff["signer"], FRIDAY_9AM + timedelta(hours=2))
    act(case, "return", staff["counter"], FRIDAY_9AM + timedelta(hours=3), channel="counter", recipient="Mai")

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
