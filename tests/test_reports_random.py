"""The reports (facts + SQL aggregates) equal the case-by-case computation on random data."""

import random
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db.models import F

from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Case, CollectionMode, OnlineLevel, Status, TimeUnit
from cases.selectors import agency_subtree_ids
from feedback.models import Feedback
from feedback.services import feedback_file
from payments import services as payments
from reports import rollup, sources
from reports.direct import direct_counts
from reports.kpis import kpi_report
from reports.models import CaseFact, FactRollup
from reports.scope import Scope
from reports.services import case_facts_differences, rating_submit
from reports.throughput import throughput

from .conftest import vn
from .factories import FeeItemFactory, ProcedureFactory
from .report_province import Builder, extra_data

pytestmark = pytest.mark.django_db


def more_procedures(province) -> list:
    """Besides the builder's three: processing times in working hours and in calendar days
    (2.2 counts each in its own unit), and an upfront fee (the clock starts once paid)."""
    hours = ProcedureFactory(
        code="1.000010",
        agency=province["justice"],
        processing_time_value=16,
        processing_time_unit=TimeUnit.WORKING_HOURS,
        online_level=OnlineLevel.PARTIAL,
        written_result=False,
    )
    days = ProcedureFactory(
        code="1.000011",
        agency=province["construction"],
        processing_time_value=7,
        processing_time_unit=TimeUnit.CALENDAR_DAYS,
        pays_online=True,
    )
    FeeItemFactory(procedure=days, amount=30_000)
    upfront = ProcedureFactory(
        code="1.000012",
        agency=province["justice"],
        collection=CollectionMode.UPFRONT,
        online_level=OnlineLevel.FULL,
    )
    FeeItemFactory(procedure=upfront, amount=20_000)
    return [hours, days, upfront]


def random_history(rng: random.Random, b: Builder, staff, province, cases: int, midway=None):
    """`cases` random cases and their steps; `midway()` is called after half of them."""
    deciders = {
        province["justice"].pk: (staff["officer"], staff["signer"]),
        province["construction"].pk: (staff["builder"], b.signer_c),
    }
    hours, days, upfront = more_procedures(province)
    procedures = [b.plain, b.full, b.partial, hours, days, upfront, upfront]
    start = vn(2026, 8, 3, 8, 0)
    for number in range(cases):
        if midway and number == cases // 2:
            midway()
        at = start + timedelta(days=rng.randrange(90), hours=rng.randrange(10))
        procedure = rng.choice(procedures)
        documents = [
            {"name": "Tờ khai", "digitised": rng.random() < 0.7, "reused": rng.random() < 0.2}
        ]
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
                    ("wait", None, {}),  # the documents never came (yet)
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
            if case.status == Status.AWAITING_PAYMENT:  # an upfront fee, paid at the counter
                with time_machine.travel(at, tick=False):
                    payments.payment_request_create(case=case, method="cash", by=counter)
                case.refresh_from_db()
                continue
            if not choices:
                break
            action, by, params = rng.choice(choices)
            if action == "wait":
                break
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
        if case.received_at and rng.random() < 0.15:  # 5.4 counts a complaint against it
            feedback_file(
                kind="complaint", subject="case", text="x", citizen_name="A", case=case, now=at
            )


def synced(case_ids):
    """A stand-in for the national portal's acknowledgements (1.4): cases of even id."""
    return Case.objects.filter(pk__in=case_ids).alias(odd=F("id") % 2).filter(odd=0).values("pk")


@pytest.mark.parametrize("seed", [1, 2])
def test_reports_equal_the_direct_computation(seed, province, staff, procedure, monkeypatch):
    monkeypatch.setitem(sources._filters, "portal_synced", synced)
    rng = random.Random(seed)
    b = Builder(province, staff, procedure)
    random_history(rng, b, staff, province, cases=60)
    # The histories hold what the changed rules are about.
    facts = CaseFact.objects.exclude(received_at=None)
    assert {"withdrawn", "supplement_requested", "stopped"} <= set(
        facts.values_list("status", flat=True)
    )
    resolved = facts.exclude(resolved_at=None)
    assert set(resolved.values_list("processing_unit", flat=True)) == set(TimeUnit.values)
    assert resolved.exclude(started_at=F("received_at")).exists()  # an upfront fee's wait
    assert facts.filter(reused=True).exists() and facts.filter(written_result=False).exists()
    assert Feedback.objects.exists()
    # Each step moved its case's row on from the row and the step alone; the rows are
    # those a derivation from each whole history gives.
    assert facts.filter(waited__gt=timedelta(0)).exists()
    assert case_facts_differences(case_ids=list(Case.objects.values_list("pk", flat=True))) == []

    scopes = [
        Scope(date(2026, 8, 1), date(2026, 12, 31)),
        Scope(date(2026, 9, 1), date(2026, 9, 30)),
        Scope(date(2026, 10, 12), date(2026, 11, 3)),
        Scope(
            date(2026, 8, 1), date(2026, 12, 31), agency_subtree_ids(province["construction"].pk)
        ),
        Scope(date(2026, 9, 1), date(2026, 10, 31), procedure_id=b.full.pk),
    ]
    # The province's and agencies' counts come from the roll-up, whose rows the steps'
    # triggers appended: half of them folded, so that both kinds of rows are read.
    assert FactRollup.objects.filter(compacted=False).count() > 10
    assert rollup.differences() == []
    half = FactRollup.objects.order_by("day").values_list("day", flat=True)[50]
    FactRollup.objects.filter(day__gt=half).delete()  # put back below, from the facts
    assert len(rollup.differences()) > 0
    rollup.rebuild()
    assert rollup.differences() == []
    for scope in scopes:
        report = {item["id"]: item for item in kpi_report(scope)}
        direct = direct_counts(scope)
        times = direct.pop("processing_time")
        assert "portal_synced" in direct
        for kpi, figures in direct.items():
            assert (report[kpi]["numerator"], report[kpi]["denominator"]) == figures, (scope, kpi)
        by_unit = report["processing_time"]["by_unit"]
        assert set(by_unit) == set(times), scope
        for unit, (mean, median, cases) in times.items():
            assert by_unit[unit] == {
                "cases": cases,
                "mean": round(mean, 2),
                "median": round(median, 2),
            }, (scope, unit)


@pytest.mark.parametrize("seed", [3])
def test_the_roll_up_counts_what_the_facts_count(seed, province, staff, procedure, monkeypatch):
    """Throughput and the KPIs of a province or an agency, from the roll-up (appended rows
    and folded ones), equal the same reports counted over every case's facts."""
    monkeypatch.setitem(sources._filters, "portal_synced", synced)
    b = Builder(province, staff, procedure)
    # Folded halfway: some keys have a folded row and appended ones.
    random_history(random.Random(seed), b, staff, province, cases=70, midway=rollup.compact)
    assert FactRollup.objects.filter(compacted=True).exists()
    assert FactRollup.objects.filter(compacted=False).exists()
    agencies = agency_subtree_ids(province["construction"].pk)
    scopes = [
        Scope(date(2026, 8, 1), date(2026, 12, 31)),
        Scope(date(2026, 9, 7), date(2026, 10, 20)),
        Scope(date(2026, 8, 1), date(2026, 12, 31), agencies),
        Scope(date(2026, 9, 1), date(2026, 11, 30), level=b.full.level),
    ]

    def reports(scope):
        return (
            {item["id"]: item for item in kpi_report(scope)},
            [throughput(scope, bucket=size, group_by=group)
             for size in ("day", "week", "month") for group in ("", "agency")],
        )  # fmt: skip

    from_rollup = [reports(scope) for scope in scopes]
    monkeypatch.setattr(rollup, "covers", lambda scope, db: False)
    from_facts = [reports(scope) for scope in scopes]
    for scope, (kpis, rows), (kpis_facts, rows_facts) in zip(
        scopes, from_rollup, from_facts, strict=True
    ):
        assert kpis == kpis_facts, scope
        assert rows == rows_facts, scope
        assert any(row["backlog"] for table in rows for row in table), scope
        assert any(row["overdue_open"] for table in rows for row in table), scope
