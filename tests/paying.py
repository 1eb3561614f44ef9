"""Shared helpers of the payment tests: fee-bearing procedures, the simulated platform."""

import pytest

from cases.models import CollectionMode
from payments import services as payments
from payments import simulator

from .factories import FeeItemFactory, ProcedureFactory


@pytest.fixture
def simulated_paygov(settings):
    """No real gateway: the built-in simulator answers INIT and QUERY."""
    settings.PAYGOV_URL = ""
    settings.PAYGOV_SIMULATOR = True


def fee_procedure(province, collection, code="2.001610", fees=((("LP-DKDN", 50_000)),)):
    procedure = ProcedureFactory(
        code=code,
        name="Đăng ký thành lập doanh nghiệp tư nhân",
        agency=province["justice"],
        processing_time_value=3,
        collection=collection,
    )
    for fee_code, amount in fees:
        FeeItemFactory(procedure=procedure, code=fee_code, name=f"Phí {fee_code}", amount=amount)
    return procedure


@pytest.fixture
def upfront(province):
    """An upfront fee (thu trước) of 50,000 + 100,000 VND."""
    return fee_procedure(
        province, CollectionMode.UPFRONT, fees=(("LP-DKDN", 50_000), ("PHI-CBTT", 100_000))
    )


@pytest.fixture
def on_result(province):
    """A charge paid before the result is returned (thu sau)."""
    return fee_procedure(province, CollectionMode.ON_RESULT, code="1.000001")


def pay_online(case, **kwargs):
    """An online request, registered with the simulated platform."""
    return payments.payment_request_create(case=case, method="online", **kwargs)


def platform_callbacks(payment, outcome="success", **options) -> list[dict]:
    """What the simulated platform sends when the citizen finishes on its page."""
    data = {
        "reference": payment.reference,
        "amount": payment.amount,
        "currency": payment.currency,
        "info": "test",
    }
    return simulator.callbacks(data, outcome, **options)


def receive_and_apply(payload: dict):
    """The callback as the endpoint takes it, then applied as the task would."""
    callback, reply = payments.callback_receive(gateway_name="paygov", payload=payload)
    return payments.callback_apply(callback_id=callback.pk), callback, reply
