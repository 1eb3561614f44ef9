"""`generate_cases`: a synthetic province, the same for the same seed, equal to the direct
computation."""

import re
from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django.db.models import Q

from cases.models import (
    AppointmentChange,
    Case,
    CaseEvent,
    Channel,
    CollectionMode,
    Procedure,
    Role,
    Status,
    User,
)
from cases.working_time import VN_TZ
from demo.generate import Generator
from demo.scale import build_province
from payments import services as payments
from payments.models import FeeExemption, Method, PaymentRequest, PaymentState, Receipt
from reports import rollup
from reports.direct import direct_counts
from reports.kpis import kpi_report
from reports.models import CaseFact, FactRollup
from reports.scope import Scope

UNTIL = date(2026, 11, 27)


@pytest.mark.django_db
def test_the_same_seed_draws_the_same_cases():
    build_province()
    procedures = list(Procedure.objects.order_by("pk")[:50])

    def draw(seed):
        generator = Generator(seed=seed, until=UNTIL, years=1)
        for procedure in procedures * 4:
            generator.case(procedure)
        return generator.writer.rows

    first, again, other = draw(7), draw(7), draw(8)
    assert first == again
    assert first != other


@pytest.mark.django_db(transaction=True)
def test_a_generated_province_reports_as_its_cases_say():
    call_command("generate_cases", cases=3000, seed=3, years=1, until=UNTIL)
    assert Case.objects.count() == 3000 == CaseFact.objects.count()
    assert Procedure.objects.count() > 2000
    assert CaseEvent.objects.count() > 5 * 3000
    online = Case.objects.filter(channel=Channel.ONLINE).count() / 3000
    assert 0.78 < online < 0.9  # the seed: 83.92% received online
    # The COPY's triggers counted every case in the roll-up, folded once written.
    assert not FactRollup.objects.filter(compacted=False).exists()
    assert FactRollup.objects.count() > 100
    assert rollup.differences() == []
    scope = Scope(date(2026, 1, 1), UNTIL)
    report = {item["id"]: item for item in kpi_report(scope)}
    for kpi, figures in direct_counts(scope).items():
        if not kpi.startswith("processing"):
            assert (report[kpi]["numerator"], report[kpi]["denominator"]) == figures, kpi
    # Case codes go on from the generated ones: a case filed now gets a fresh number.
    assert (
        Case.objects.exclude(code=None).values("code").distinct().count()
        == Case.objects.exclude(code=None).count()
    )


@pytest.mark.django_db(transaction=True)
def test_generated_payments_are_the_rows_the_payments_app_writes():
    call_command("generate_cases", cases=3000, seed=5, years=1, until=UNTIL)
    facts = CaseFact.objects.filter(fee_bearing=True)
    online = set(facts.filter(paid_online=True).values_list("case_id", flat=True))
    exempt = set(facts.filter(fee_exempt=True).values_list("case_id", flat=True))
    assert online and exempt
    paid = PaymentRequest.objects.filter(state=PaymentState.PAID).select_related(
        "receipt__agency", "case__procedure"
    )
    assert {p.case_id for p in paid if p.method == Method.ONLINE} == online
    assert paid.filter(method=Method.CASH).exists()
    payment_steps = CaseEvent.objects.filter(action__in=["payment", "payment-confirmed"])
    steps = {e.data["reference"]: e for e in payment_steps.filter(data__state=PaymentState.PAID)}
    fee_paid = set(
        AppointmentChange.objects.filter(reason=AppointmentChange.Reason.FEE_PAID).values_list(
            "event_id", flat=True
        )
    )
    assert len(steps) == len(paid)
    for payment in paid:
        fees = list(payment.case.procedure.fees.order_by("code"))
        assert payment.amount == sum(f.amount for f in fees) > 0
        assert [i["code"] for i in payment.items] == [f.code for f in fees]
        assert re.fullmatch(r"OS[0-9A-Z]{14}", payment.reference)
        online_paid = payment.method == Method.ONLINE
        assert (payment.gateway == "paygov") == online_paid
        assert bool(payment.transaction_id and payment.bank_code) == online_paid
        receipt = payment.receipt
        assert receipt.agency_id == payment.case.receiving_agency_id
        assert receipt.issued_at == payment.paid_at
        step = steps[payment.reference]
        assert step.case_id == payment.case_id
        assert step.data["method"] == payment.method
        assert step.data["amount"] == payment.amount
        assert step.data["receipt"] == receipt.label
        assert step.at == payment.paid_at
        if payment.case.procedure.collection == CollectionMode.UPFRONT:
            # Thu trước: the payment moves the case on, and its clock starts then.
            assert (step.action, step.from_status, step.to_status) == (
                "payment-confirmed",
                Status.AWAITING_PAYMENT,
                Status.RECEIVED,
            )
            assert step.pk in fee_paid
        else:  # thu sau: paid once the result is signed, before it is returned
            assert (step.action, step.from_status, step.to_status) == (
                "payment",
                Status.RESOLVED,
                Status.RESOLVED,
            )
            assert step.at < payment.case.returned_at
    assert Receipt.objects.values("agency", "year", "number").distinct().count() == len(paid)
    waived = FeeExemption.objects.values_list("case_id", flat=True)
    assert set(waived) == exempt
    grants = payment_steps.filter(data__fee_exempt=True)
    assert {e.case_id for e in grants} == exempt
    assert all(
        len(e.data["exempted"]) == Case.objects.get(pk=e.case_id).procedure.fees.count()
        for e in grants
    )
    returns = CaseEvent.objects.filter(action="return")
    assert not returns.filter(Q(data__has_key="method") | Q(data__has_key="fee_exempt")).exists()

    # Every upfront fee was asked for as its case was accepted.
    upfront = Case.objects.filter(
        procedure__collection=CollectionMode.UPFRONT, procedure__fees__amount__gt=0
    ).exclude(received_at=None)
    asked = CaseEvent.objects.filter(action="request-payment", to_status=Status.AWAITING_PAYMENT)
    assert set(upfront.values_list("pk", flat=True)) == set(asked.values_list("case_id", flat=True))

    # A payment filed now, where receipts were generated, gets the next receipt number.
    case = (
        Case.objects.filter(
            status__in=[Status.PROCESSING, Status.RESOLVED],
            procedure__collection=CollectionMode.ON_RESULT,
            procedure__fees__amount__gt=0,
            payment_requests=None,
            exemptions=None,
            receiving_agency__in=Receipt.objects.filter(year=UNTIL.year).values("agency"),
        )
        .order_by("pk")
        .first()
    )
    latest = Receipt.objects.filter(agency=case.receiving_agency_id, year=UNTIL.year)
    latest = latest.order_by("-number").first()
    clerk = User.objects.filter(agency=case.receiving_agency_id, groups__name=Role.COUNTER_STAFF)
    clerk = clerk.order_by("pk").first()
    now = datetime.combine(UNTIL, time(16, 0), VN_TZ)
    payment = payments.payment_request_create(case=case, method="cash", by=clerk, now=now)
    assert payment.receipt.number == latest.number + 1
    assert payment.pk > max(p.pk for p in paid)
