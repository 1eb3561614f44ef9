"""Payment gateways, one module each, behind one interface.

A gateway module provides:

- `NAME`: how the gateway is named in URLs, settings and the inbox;
- `init(payment, return_url) -> str`: register a payment request, answer its payment URL;
- `identify(payload) -> (reference, transaction id)`: what a callback names, unchecked;
- `verify(payload) -> bool`: whether a callback carries a valid checksum (constant-time);
- `notice(payload) -> Notice`: what a verified callback (or a query answer) says;
- `reply(ok) -> dict`: the gateway's own answer to its callback;
- `query(payment) -> dict`: ask for a transaction's status; the answer is callback-shaped.

Adding VNPay, say, is one module `vnpay.py` and one entry in `GATEWAYS`.
"""

import importlib
from dataclasses import dataclass
from types import ModuleType

GATEWAYS = {"paygov": "payments.gateways.paygov"}


class GatewayError(Exception):
    """The gateway did not answer, or answered something we cannot trust."""


@dataclass(frozen=True)
class Notice:
    """What a gateway says about one payment, in our terms."""

    reference: str
    transaction_id: str
    amount: int
    currency: str
    result_code: str
    success: bool
    pending: bool = False  # a query answer: the citizen has not finished paying yet
    bank_code: str = ""


def gateway(name: str) -> ModuleType:
    try:
        return importlib.import_module(GATEWAYS[name])
    except KeyError:
        raise LookupError(f"no payment gateway {name!r}") from None
