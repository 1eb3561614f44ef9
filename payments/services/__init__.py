"""Writes of the payments app: `requests` (exemptions, payment requests, receipts, refunds)
and `callbacks` (the gateway's notices, applied exactly once, and reconciliation)."""

from .callbacks import (
    CallbackThrottled,
    callback_apply,
    callback_receive,
    callbacks_apply,
    payment_reconcile,
)
from .requests import (
    PAYMENTS,
    GatewayUnavailable,
    fee_exemption_grant,
    new_reference,
    payment_refund,
    payment_request_create,
    registrations_abandoned,
)

__all__ = [
    "PAYMENTS",
    "CallbackThrottled",
    "GatewayUnavailable",
    "callback_apply",
    "callback_receive",
    "callbacks_apply",
    "fee_exemption_grant",
    "new_reference",
    "payment_reconcile",
    "payment_refund",
    "payment_request_create",
    "registrations_abandoned",
]
