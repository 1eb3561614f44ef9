"""SMS under the province's brand name (tin nhắn thương hiệu), through a carrier.

- `ViettelSms`: Viettel's SOAP web service `wsCpMt`. The content is free text, but it must
  match a template registered with Viettel, and many routes take no diacritics.
- `VnptSms`: VNPT's JSON `send_sms_list`, a registered template (TEMPLATEID) and its
  numbered parameters (`ProviderTemplate` rows, provider `vnpt`).
- The generic HTTP gateway and the console are `notifications.backends` (see `Legacy`).

`SMS_WITHOUT_DIACRITICS` (default true) writes the text in plain letters (Unidecode:
"Hồ sơ đã được tiếp nhận" → "Ho so da duoc tiep nhan"), `SMS_MAX_LENGTH` cuts it. Neither
carrier de-duplicates: a request that timed out after it was sent is `UNKNOWN`.

The reply codes below are those the open provincial code and the carriers' sample clients
show; confirm them against the province's contract documents before going live.
"""

import json
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from django.conf import settings
from unidecode import unidecode

from ..models import Outcome, ProviderTemplate
from . import Message, NoContent, Result, cut, delivered, notification_key
from .http import HttpChannel, Request


def sms_text(notification) -> str:
    text = notification.rendered_body
    if settings.SMS_WITHOUT_DIACRITICS:
        text = unidecode(text)
    return cut(text, settings.SMS_MAX_LENGTH)


# --- Viettel ------------------------------------------------------------------------------

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
VIETTEL_NS = "http://impl.bulkSms.ws/"

# What a refusal's message starts with → what it means for the message.
VIETTEL_REFUSALS = {
    "Check_Receiver": Outcome.PERSON_FAILED,  # not a number of a network it serves
    "Check_Blacklist": Outcome.PERSON_FAILED,  # the subscriber refuses brand-name SMS
    "Check_Balance": Outcome.CHANNEL_FAILED,  # the prepaid balance is spent
    "Check_Template": Outcome.CHANNEL_FAILED,  # the text matches no registered template
    "Check_Content": Outcome.CHANNEL_FAILED,  # diacritics on a route without them
    "Authenticate": Outcome.CHANNEL_FAILED,
}


def viettel_envelope(fields: dict) -> bytes:
    parts = "".join(f"<{name}>{escape(str(value))}</{name}>" for name, value in fields.items())
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP}" '
        f'xmlns:impl="{VIETTEL_NS}"><soapenv:Header/><soapenv:Body>'
        f"<impl:wsCpMt>{parts}</impl:wsCpMt></soapenv:Body></soapenv:Envelope>"
    ).encode()


class ViettelSms(HttpChannel):
    name = "sms"
    takes_key = False

    def content(self, notification) -> Message:
        return Message(
            to=notification.recipient,
            key=notification_key(notification),
            text=sms_text(notification),
        )

    def request(self, message: Message) -> Request:
        fields = {
            "User": settings.VIETTEL_SMS_USER,
            "Password": settings.VIETTEL_SMS_PASSWORD,
            "CPCode": settings.VIETTEL_SMS_CPCODE,
            "RequestID": "1",
            "UserID": message.to,
            "ReceiverID": message.to,
            "ServiceID": settings.VIETTEL_SMS_BRANDNAME,
            "CommandCode": "bulksms",
            "Content": message.text,
            "ContentType": "0" if message.text.isascii() else "1",
        }
        return Request(
            settings.VIETTEL_SMS_URL, viettel_envelope(fields), "text/xml; charset=utf-8",
            settings.SMS_TIMEOUT,
        )  # fmt: skip

    def answer(self, status: int, body: bytes) -> Result:
        return viettel_result(status, body)


def viettel_result(status: int, body: bytes) -> Result:
    reply = body.decode(errors="replace")[:500]
    if status >= 500 or status in (408, 429):
        return Result(Outcome.RETRY, reply=f"HTTP {status}: {reply}")
    try:
        answer = ElementTree.fromstring(body)
        result = answer.findtext(".//result")
        text = answer.findtext(".//message") or ""
    except ElementTree.ParseError:
        return Result(Outcome.RETRY, reply=f"HTTP {status}: {reply}")
    if result == "1":
        return delivered(reply=text)
    for prefix, outcome in VIETTEL_REFUSALS.items():
        if text.startswith(prefix):
            return Result(outcome, reply=text)
    return Result(Outcome.CHANNEL_FAILED, reply=text or reply)


# --- VNPT -----------------------------------------------------------------------------------

# ERROR of the reply → what it means for the message ("0" is success).
VNPT_ERRORS = {
    "99": Outcome.RETRY,  # busy
    "13": Outcome.PERSON_FAILED,  # a number of the list is invalid
    "14": Outcome.PERSON_FAILED,  # the subscriber refuses brand-name SMS
    "7": Outcome.CHANNEL_FAILED,  # no such template
    "8": Outcome.CHANNEL_FAILED,  # the parameters do not fit the template
    "11": Outcome.CHANNEL_FAILED,  # out of quota
    "4": Outcome.CHANNEL_FAILED,  # authentication
}


class VnptSms(HttpChannel):
    name = "sms"
    takes_key = False

    def __init__(self):
        self.templates = {}

    def prepare(self) -> None:
        """Before a batch: its templates read afresh."""
        self.templates = {}

    def content(self, notification) -> Message:
        from ..compose import template_values

        template = registered("vnpt", notification, self.templates)
        return Message(
            to=notification.recipient,
            key=notification_key(notification),
            template_id=template.template_id,
            template_data=template_values(
                template, notification.params, notification.secret, notification.language
            ),
        )

    def request(self, message: Message) -> Request:
        params = [
            {"NUM": str(number), "CONTENT": unidecode(value)}
            if settings.SMS_WITHOUT_DIACRITICS
            else {"NUM": str(number), "CONTENT": value}
            for number, value in enumerate(message.template_data.values(), start=1)
        ]
        body = {
            "RQST": {
                "name": "send_sms_list",
                "REQID": message.key,
                "LABELID": settings.VNPT_SMS_LABELID,
                "CONTRACTTYPEID": "1",
                "CONTRACTID": settings.VNPT_SMS_CONTRACTID,
                "TEMPLATEID": message.template_id,
                "PARAMS": params,
                "SCHEDULETIME": "",
                "MOBILELIST": message.to,
                "ISTELCOSUB": "0",
                "AGENTID": settings.VNPT_SMS_AGENTID,
                "APIUSER": settings.VNPT_SMS_USER,
                "APIPASS": settings.VNPT_SMS_PASSWORD,
                "USERNAME": settings.VNPT_SMS_USER,
                "DATACODING": "0" if settings.SMS_WITHOUT_DIACRITICS else "8",
            }
        }
        return Request(
            settings.VNPT_SMS_URL, json.dumps(body).encode(), "application/json",
            settings.SMS_TIMEOUT,
        )  # fmt: skip

    def answer(self, status: int, body: bytes) -> Result:
        return vnpt_result(status, body)


def vnpt_result(status: int, body: bytes) -> Result:
    reply = body.decode(errors="replace")[:500]
    if status >= 500 or status in (408, 429):
        return Result(Outcome.RETRY, reply=f"HTTP {status}: {reply}")
    try:
        answer = json.loads(body)["RPLY"]
        error = str(answer["ERROR"])
    except (ValueError, KeyError, TypeError):
        return Result(Outcome.RETRY, reply=f"HTTP {status}: {reply}")
    if error == "0":
        return delivered(reply=reply)
    return Result(VNPT_ERRORS.get(error, Outcome.CHANNEL_FAILED), reply=reply)


def registered(provider: str, notification, seen: dict) -> ProviderTemplate:
    """The provider's template for this message's action and language, read once a batch
    (`seen`, which the channel empties in `prepare`): the admin edits them, and a batch of
    thousands must not ask the database thousands of times. A missing one sends the
    message by the next channel."""
    key = (notification.kind, notification.language)
    if key not in seen:
        seen[key] = ProviderTemplate.objects.filter(
            provider=provider, action=notification.kind, language=notification.language
        ).first()
    if seen[key] is None:
        raise NoContent(f"no {provider} template for {notification.kind} ({notification.language})")
    return seen[key]
