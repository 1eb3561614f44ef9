"""The national payment platform (Nền tảng thanh toán trực tuyến, PayGov).

The protocol as production systems use it (practice; confirm with the integration spec
before going live): JSON messages, each with a checksum `MaXacThuc` = SHA-256 hex of its
fields joined with `|` in a fixed order, then `|` and the shared secret.

- INIT: we register a payment (reference `MaThamChieu`, amount, receipt data) and get the
  payment URL the citizen is sent to.
- IPN: the platform calls us back with the result; `MaLoi = "00"` is success. Our reply
  echoes `MaLoi, MaDoiTac, ThoiGianGD` with its own checksum.
- QUERY: we ask for a transaction's status (to recover callbacks that never came).

With `PAYGOV_URL` empty (the embedded default and the tests) the messages go to the
simulator in `payments/simulator.py` in-process instead of over HTTP.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import datetime

from django.conf import settings
from django.utils import timezone

from cases.working_time import VN_TZ

from . import GatewayError, Notice

NAME = "paygov"
SUCCESS = "00"
PENDING = "09"  # QUERY: the transaction is not finished yet (practice)
REPLY_RECEIVED = "00"
REPLY_BAD_CHECKSUM = "07"

IPN_FIELDS = (
    "LoaiBanTin", "MaLoi", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe",
    "MaGiaoDich", "MaNganHang", "ThoiGianGD", "ThongTinGiaoDich",
)  # fmt: skip
INIT_FIELDS = (
    "LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "SoTien", "MaTienTe",
    "ThoiGianGD", "ThongTinGiaoDich", "UrlTraVe",
)  # fmt: skip
INIT_ANSWER_FIELDS = ("MaLoi", "MaThamChieu", "UrlThanhToan")
QUERY_FIELDS = ("LoaiBanTin", "PhienBan", "MaDoiTac", "MaThamChieu", "ThoiGianGD")
REPLY_FIELDS = ("MaLoi", "MaDoiTac", "ThoiGianGD")


def checksum(message: dict, fields: tuple[str, ...], secret: str | None = None) -> str:
    secret = settings.PAYGOV_SECRET if secret is None else secret
    joined = "|".join(str(message.get(name, "")) for name in fields) + "|" + secret
    return hashlib.sha256(joined.encode()).hexdigest()


def signed(message: dict, fields: tuple[str, ...]) -> dict:
    return {**message, "MaXacThuc": checksum(message, fields)}


def _valid(message: dict, fields: tuple[str, ...]) -> bool:
    # Without a secret anyone could compute the checksum: nothing verifies.
    given = message.get("MaXacThuc")
    return (
        bool(settings.PAYGOV_SECRET)
        and isinstance(given, str)
        and hmac.compare_digest(given.lower().encode(), checksum(message, fields).encode())
    )


def timestamp(moment: datetime | None = None) -> str:
    return timezone.localtime(moment or timezone.now(), VN_TZ).strftime("%Y%m%d%H%M%S")


# Where messages go when PAYGOV_URL is empty: the simulator, which the payments app plugs
# in when it is allowed (payments.apps); otherwise nowhere.
_in_process = None


def use_in_process(answer) -> None:
    """`answer(message) -> dict` stands in for PayGov while PAYGOV_URL is empty."""
    global _in_process
    _in_process = answer


def _send(message: dict) -> dict:
    if not settings.PAYGOV_URL:
        if _in_process is None:
            raise GatewayError("PAYGOV_URL is not set and the simulator is off")
        return _in_process(message)
    request = urllib.request.Request(
        settings.PAYGOV_URL,
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.PAYGOV_TIMEOUT) as response:
            answer = json.load(response)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise GatewayError(f"PayGov did not answer {message['LoaiBanTin']}: {exc}") from exc
    if not isinstance(answer, dict):
        raise GatewayError("PayGov answered something that is not a JSON object")
    return answer


# --- the interface ---------------------------------------------------------------------


def init(payment, return_url: str) -> str:
    """Register the payment request; answers the URL of the payment page."""
    message = signed(
        {
            "LoaiBanTin": "INIT",
            "PhienBan": settings.PAYGOV_VERSION,
            "MaDoiTac": settings.PAYGOV_PARTNER_CODE,
            "MaThamChieu": payment.reference,
            "SoTien": str(payment.amount),
            "MaTienTe": payment.currency,
            "ThoiGianGD": timestamp(),
            "ThongTinGiaoDich": _receipt_data(payment),
            "UrlTraVe": return_url,
        },
        INIT_FIELDS,
    )
    answer = _send(message)
    if not _valid(answer, INIT_ANSWER_FIELDS) or answer.get("MaThamChieu") != payment.reference:
        raise GatewayError("PayGov's answer to INIT has a bad checksum")
    if answer.get("MaLoi") != SUCCESS or not answer.get("UrlThanhToan"):
        raise GatewayError(f"PayGov refused INIT (MaLoi {answer.get('MaLoi')!r})")
    return answer["UrlThanhToan"]


def _receipt_data(payment) -> str:
    """ThongTinGiaoDich: what the payer's receipt says (payer, case, fee items)."""
    case = payment.case
    # Amounts as Vietnamese write them (50.000đ): the platform shows this text to the payer.
    items = "; ".join(
        f"{item['name']} {item['amount']:,}đ".replace(",", ".") for item in payment.items
    )
    return f"{case.applicant_full_name} - {case.code or case.reference} - {items}"[:255]


def identify(payload: dict) -> tuple[str, str]:
    """(our reference, the gateway's transaction id) as a callback names them, unchecked."""
    return str(payload.get("MaThamChieu", "")), str(payload.get("MaGiaoDich", ""))


def verify(payload: dict) -> bool:
    return (
        isinstance(payload, dict)
        and payload.get("MaDoiTac") == settings.PAYGOV_PARTNER_CODE
        and _valid(payload, IPN_FIELDS)
    )


def notice(payload: dict) -> Notice:
    """What a verified callback or query answer says. ValueError if a field is unusable."""
    amount = payload.get("SoTien", "")
    if not str(amount).isdigit():
        raise ValueError(f"SoTien is not a whole number: {amount!r}")
    code = str(payload.get("MaLoi", ""))
    return Notice(
        reference=str(payload.get("MaThamChieu", "")),
        transaction_id=str(payload.get("MaGiaoDich", "")),
        amount=int(amount),
        currency=str(payload.get("MaTienTe", "")),
        result_code=code,
        success=code == SUCCESS,
        pending=code == PENDING,
        bank_code=str(payload.get("MaNganHang", ""))[:20],
    )


def reply(ok: bool) -> dict:
    return signed(
        {
            "MaLoi": REPLY_RECEIVED if ok else REPLY_BAD_CHECKSUM,
            "MaDoiTac": settings.PAYGOV_PARTNER_CODE,
            "ThoiGianGD": timestamp(),
        },
        REPLY_FIELDS,
    )


def query(payment) -> dict:
    """The platform's view of the request, shaped like a callback (and verified like one)."""
    message = signed(
        {
            "LoaiBanTin": "QUERY",
            "PhienBan": settings.PAYGOV_VERSION,
            "MaDoiTac": settings.PAYGOV_PARTNER_CODE,
            "MaThamChieu": payment.reference,
            "ThoiGianGD": timestamp(),
        },
        QUERY_FIELDS,
    )
    return _send(message)
