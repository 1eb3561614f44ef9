"""A PayGov simulator for the embedded mode, the demo and the tests.

It plays the platform's side of the protocol in `gateways/paygov.py`: it answers INIT
(with the URL of its own payment page) and QUERY, and when the citizen "pays" on its page
(success, failure or cancel) it sends us a correctly signed callback, and on request a
duplicate, a late one, one with a wrong amount, or a forged one (bad checksum).

It only runs when no real gateway is configured (`PAYGOV_URL` empty) and
`PAYGOV_SIMULATOR` is on (the default with DEBUG): it can mark fees paid without money.
Callbacks go to `services.callback_receive`, the entry point behind the HTTP endpoint.
"""

import secrets

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from . import services, tasks
from .gateways import GatewayError
from .gateways import paygov as pg

SALT = "payments.simulator.paygov"
OUTCOMES = {"success": pg.SUCCESS, "failure": "51", "cancel": "24"}  # 51: declined (practice)
LATE_SECONDS = 20
BANKS = ["VCB", "BIDV", "CTG", "AGRIBANK", "MB", "TCB"]


def enabled() -> bool:
    return not settings.PAYGOV_URL and settings.PAYGOV_SIMULATOR


def _answered_key(reference: str) -> str:
    return f"paygov-simulator:{reference}"


def answer(message: dict) -> dict:
    """The platform's answer to INIT or QUERY."""
    if not enabled():
        raise GatewayError("no payment gateway is configured (PAYGOV_URL)")
    kind = message.get("LoaiBanTin")
    if kind == "INIT" and pg._valid(message, pg.INIT_FIELDS):
        token = signing.dumps(
            {
                "reference": message["MaThamChieu"],
                "amount": int(message["SoTien"]),
                "currency": message["MaTienTe"],
                "info": message["ThongTinGiaoDich"],
                "return_url": message["UrlTraVe"],
            },
            salt=SALT,
        )
        return pg.signed(
            {
                "MaLoi": pg.SUCCESS,
                "MaThamChieu": message["MaThamChieu"],
                "UrlThanhToan": reverse("paygov-simulator", args=[token]),
            },
            pg.INIT_ANSWER_FIELDS,
        )
    if kind == "QUERY" and pg._valid(message, pg.QUERY_FIELDS):
        paid = cache.get(_answered_key(message["MaThamChieu"]))
        if paid is not None:
            return pg.signed({**paid, "LoaiBanTin": "QUERY"}, pg.IPN_FIELDS)
        return pg.signed(
            {
                "LoaiBanTin": "QUERY",
                "MaLoi": pg.PENDING,
                "MaDoiTac": message["MaDoiTac"],
                "MaThamChieu": message["MaThamChieu"],
                "SoTien": "0",
                "MaTienTe": "VND",
                "ThoiGianGD": pg.timestamp(),
            },
            pg.IPN_FIELDS,
        )
    return {"MaLoi": "99"}  # malformed or badly signed: no checksum to trust


def payment(token: str) -> dict:
    """What the payment page shows; signing.BadSignature if the token was not ours."""
    return signing.loads(token, salt=SALT, max_age=24 * 3600)


def callbacks(data: dict, outcome: str, *, duplicate=False, wrong_amount=False, forged=False):
    """The callbacks the platform sends for this payment, in order."""
    fields = {
        "LoaiBanTin": "PAYMENT",
        "MaLoi": OUTCOMES[outcome],
        "MaDoiTac": settings.PAYGOV_PARTNER_CODE,
        "MaThamChieu": data["reference"],
        "SoTien": str(data["amount"] + (1000 if wrong_amount else 0)),
        "MaTienTe": data["currency"],
        "MaGiaoDich": "PG" + "".join(secrets.choice("0123456789") for _ in range(14)),
        "MaNganHang": secrets.choice(BANKS),
        "ThoiGianGD": pg.timestamp(),
        "ThongTinGiaoDich": data["info"],
    }
    genuine = pg.signed(fields, pg.IPN_FIELDS)
    if outcome == "success" and not wrong_amount:
        cache.set(_answered_key(data["reference"]), fields, timeout=7 * 24 * 3600)
    sent = [genuine, genuine] if duplicate else [genuine]
    if forged:
        tampered = {**fields, "SoTien": "1"}
        sent.append({**tampered, "MaXacThuc": pg.checksum(tampered, pg.IPN_FIELDS, "guess")})
    return sent


def deliver(payloads: list[dict], *, late: bool = False) -> None:
    """Send the callbacks now (in-process, as the endpoint would take them) or a bit later."""
    for payload in payloads:
        if late:
            tasks.deliver_simulated_callback.apply_async((payload,), countdown=LATE_SECONDS)
        else:
            services.callback_receive(gateway_name=pg.NAME, payload=payload)
