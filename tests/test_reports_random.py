"""The reports (facts + SQL aggregates) equal the case-by-case computation on random data."""

import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Status
from cases.selectors import agency_subtree_ids
from reports.direct import direct_counts
from reports.kpis import Scope, kpi_report
from reports.services import rating_submit

from .conftest import vn
from .report_province import Builder, extra_data

pytestmark = pytest.mark.django_db


def random_history(rng: random.Random, b: Builder, staff, province, cases: int):
    deciders = {
        province["justice"].pk: (staff["officer"], staff["signer"]),
        province["construction"].pk: (staff["builder"], b.signer_c),
    }
    start = vn(2026, 8, 3, 8, 0)
    for _ in range(cases):
        at = start + timedelta(days=rng.randrange(90), hours=rng.randrange(10))
        procedure = rng.choice([b.plain, b.full, b.partial])
        documents = [{"name": "Tờ khai", "digitised": rng.random() < 0.7}]
        if rng.random() < 0.6:
            case = b.online(at.replace(hour=9), procedure, documents)
        else:
            with extra_data("accept", fee_exempt=rng.random() < 0.2):
                case = b.counter(at, procedure, documents)
        for _ in range(rng.randrange(12)):
            at += timedelta(hours=rng.choice([1, 3, 20, 26, 50, 75]))
            officer, signer = deciders[case.deciding_agency_id]
            counter = staff["counter"]
            choices = {
                Status.RECEIVED: [
                    *[("assign", counter, {"officer": officer})] * 4,
                    ("request-supplement", counter, {"items": ["x"], "reason": "r"}),
                    ("withdraw", counter, {"reason": "r"}),
                ],
                Status.PROCESSING: [
                    *[("submit-result", officer, {})] * 5,
                    ("request-supplement", officer, {"items": ["x"], "reason": "r"}),
                    ("stop", officer, {"reason": "r"}),
                    ("transfer", officer, {"agency": province["construction"], "reason": "r"}),
                    (
                        "apologise",
                        officer,
                        {"reason": "r", "new_appointment_at": at + timedelta(days=9)},
                    ),
                ],
                Status.SUPPLEMENT_REQUESTED: [
                    ("supplement-received", counter, {}),
                    ("supplement-received", counter, {}),
                    ("stop", officer, {"reason": "r"}),
                ],
                Status.AWAITING_SIGNATURE: [
                    *[("sign", signer, {})] * 3,
                    ("send-back", signer, {"reason": "r"}),
                ],
                Status.RESOLVED: [
                    ("return", counter, {"channel": "online"}),
                    ("return", counter, {"channel": "counter", "recipient": "A"}),
                ],
            }.get(case.status)
            if not choices:
                break
            action, by, params = rng.choice(choices)
            data = {}
            if action == "sign" and rng.random() < 0.5:
                data = {"signature": "pades"}
            if action == "return" and rng.random() < 0.5:
                data = {"method": "online", "state": "paid"}
            try:
                with extra_data(action, **data):
                    case = b.act(case, action, by, at, **params)
            except (InvalidTransition, ActionForbidden, ValidationError):
                case.refresh_from_db()
        if case.status == Status.RETURNED and rng.random() < 0.6:
            value = rng.choice(["very_satisfied", "satisfied", "not_satisfied"])
            rating_submit(case=case, value=value, now=at + timedelta(days=1))


@pytest.mark.parametrize("seed", [1, 2])
def test_reports_equal_the_direct_computation(seed, province, staff, procedure):
    rng = random.Random(seed)
    b = Builder(province, staff, procedure)
    random_history(rng, b, staff, province, cases=35)

    scopes = [
        Scope(date(2026, 8, 1), date(2026, 12, 31)),
        Scope(date(2026, 9, 1), date(2026, 9, 30)),
        Scope(date(2026, 10, 12), date(2026, 11, 3)),
        Scope(
            date(2026, 8, 1), date(2026, 12, 31), agency_subtree_ids(province["construction"].pk)
        ),
        Scope(date(2026, 9, 1), date(2026, 10, 31), procedure_id=b.full.pk),
    ]
    for scope in scopes:
        report = {item["id"]: item for item in kpi_report(scope)}
        direct = direct_counts(scope)
        for kpi, figures in direct.items():
            if kpi.startswith("processing"):
                continue
            assert (report[kpi]["numerator"], report[kpi]["denominator"]) == figures, (scope, kpi)
        mean = direct["processing_days_mean"]
        assert report["processing_time"]["rate"] == (None if mean is None else round(mean, 2))
