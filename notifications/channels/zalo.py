"""Zalo Notification Service (ZNS): a template registered with Zalo, sent to a phone number.

`POST {ZALO_API_URL}message/template`, header `access_token`, body `{"phone": "84…",
"template_id", "template_data", "tracking_id"}`; the reply `{"error": 0, "data":
{"msg_id"}}`. `tracking_id` (our message key) is for reconciliation — the delivery
callback carries it — not de-duplication: a request that timed out after it was sent is
`UNKNOWN` and is not sent again.
"""

import json
from datetime import datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from .. import zalo
from ..models import Outcome
from . import Message, Result, delivered, notification_key
from .http import HttpChannel, Request
from .sms import registered

# ZNS error codes (zalo.cloud's table) → what they mean for the message. Any code not
# here: this channel cannot carry it (next channel).
ZNS_ERRORS = {
    -100: Outcome.RETRY,  # unknown error: try again later
    -124: Outcome.RETRY,  # access token invalid: renewed, then at once
    -133: Outcome.RETRY,  # not at night (22:00–06:00)
    -108: Outcome.PERSON_FAILED,  # phone number invalid
    -110: Outcome.PERSON_FAILED,  # Zalo version unsupported
    -114: Outcome.PERSON_FAILED,  # user inactive, refuses ZNS, or an outdated Zalo
    -118: Outcome.PERSON_FAILED,  # no Zalo account
    -119: Outcome.PERSON_FAILED,  # the account cannot receive ZNS
    -139: Outcome.PERSON_FAILED,  # the user refused this kind of message
    -109: Outcome.CHANNEL_FAILED,  # template id invalid
    -111: Outcome.CHANNEL_FAILED,  # template data empty
    -112: Outcome.CHANNEL_FAILED,  # template data invalid
    -115: Outcome.CHANNEL_FAILED,  # out of quota
    -117: Outcome.CHANNEL_FAILED,  # no permission for this template
}


class ZnsChannel(HttpChannel):
    name = "zalo"
    takes_key = False

    def __init__(self):
        self.token = ""
        self.token_refused = False
        self.templates = {}

    def configured(self) -> bool:
        return bool(settings.ZALO_APP_ID)

    def content(self, notification) -> Message:
        from ..compose import template_values

        template = registered("zns", notification, self.templates)
        return Message(
            to=notification.recipient,
            key=notification_key(notification),
            template_id=template.template_id,
            template_data=template_values(
                template, notification.params, notification.secret, notification.language
            ),
        )

    def prepare(self) -> None:
        """Before a batch (database allowed): a valid access token, the templates afresh."""
        self.token_refused, self.templates = False, {}
        self.token = zalo.access_token() if self.configured() else ""

    def finish(self) -> None:
        """After a batch (database allowed): a token Zalo refused is renewed next time."""
        if self.token_refused:
            zalo.forget_access_token(self.token)

    def request(self, message: Message) -> Request | Result:
        if not self.token:
            reason = "no Zalo access token" if self.configured() else "Zalo is not configured"
            return Result(Outcome.CHANNEL_FAILED, reply=reason)
        body = json.dumps(
            {
                "phone": message.to,
                "template_id": message.template_id,
                "template_data": message.template_data,
                "tracking_id": message.key,
            },
            ensure_ascii=False,
        ).encode()
        return Request(
            f"{settings.ZALO_API_URL}message/template", body, "application/json",
            settings.ZALO_TIMEOUT, headers={"access_token": self.token},
        )  # fmt: skip

    def answer(self, status: int, body: bytes) -> Result:
        result = zns_result(status, body)
        if result.retry_now:
            self.token_refused = True
        return result


def zns_result(status: int, body: bytes) -> Result:
    reply = body.decode(errors="replace")[:500]
    if status >= 500 or status in (408, 429):
        return Result(Outcome.RETRY, reply=f"HTTP {status}: {reply}")
    try:
        answer = json.loads(body)
        error = int(answer["error"])
    except (ValueError, KeyError, TypeError):
        return Result(Outcome.RETRY, reply=f"HTTP {status}: {reply}")
    if error == 0:
        return delivered(reply=reply, provider_id=str((answer.get("data") or {}).get("msg_id", "")))
    outcome = ZNS_ERRORS.get(error, Outcome.CHANNEL_FAILED)
    if error == -124:
        return Result(outcome, reply=reply, retry_now=True)
    if error == -133:
        return Result(outcome, reply=reply, not_before=next_morning(timezone.now()))
    return Result(outcome, reply=reply)


def next_morning(now: datetime) -> datetime:
    """When the night ends (MESSAGING_NIGHT's end, Vietnam time) after `now`."""
    local = timezone.localtime(now)
    end = settings.MESSAGING_NIGHT[1]
    morning = timezone.make_aware(datetime.combine(local.date(), time(end)), local.tzinfo)
    return morning if morning > local else morning + timedelta(days=1)
