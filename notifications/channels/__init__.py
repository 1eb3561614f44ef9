"""The ways a message reaches a citizen (kênh gửi tin): e-mail, SMS, Zalo ZNS.

Each channel is a module behind one interface. `content()` turns a message's values into
what its provider takes (a subject and a body, a text, or a registered template and its
parameters); `send()` hands it over and classifies the reply as one `Result`:

- `DELIVERED`: the provider accepted it;
- `RETRY`: a transient failure (the provider down, busy, a timeout before it could act):
  the same channel later, with backoff;
- `CHANNEL_FAILED`: this channel cannot carry this message (no template, out of quota,
  not configured): the applicant's next channel;
- `PERSON_FAILED`: this person cannot be reached here (invalid phone, no Zalo account,
  blocked, bounced): the address is suppressed and the next channel is used;
- `UNKNOWN`: no answer after the provider may have acted (our own timeout), from a
  provider that takes no idempotency key: never sent again on its own.

`send()` never touches the database: the outbox calls it outside any transaction, from a
pool of threads, or, for a channel that posts over HTTP (`http.HttpChannel`), from one
event loop (see `notifications.delivery`). Which class serves a channel is a setting
(`MESSAGING_CHANNELS`, `SMS_BACKEND`).
"""

import urllib.error
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from ..models import Outcome


class NoContent(Exception):
    """The channel has nothing to send for this message (no template for this action and
    language): the applicant's next channel carries it."""


@dataclass(frozen=True)
class Message:
    """One message as one channel sends it."""

    to: str  # the address on this channel (phones as 84…)
    key: str  # the idempotency key (or tracking id) of this message
    subject: str = ""
    text: str = ""
    template_id: str = ""
    template_data: dict = field(default_factory=dict)  # in the provider's parameter order


@dataclass(frozen=True)
class Result:
    outcome: str  # an Outcome value
    reply: str = ""
    provider_id: str = ""
    # RETRY only: try again at once (a token renewed) or not before then (night hours).
    retry_now: bool = False
    not_before: datetime | None = None


def delivered(reply: str = "", provider_id: str = "") -> Result:
    return Result(Outcome.DELIVERED, reply=reply, provider_id=provider_id)


def failed_transport(exc: Exception, *, takes_key: bool) -> Result:
    """A request that got no HTTP answer. Refused, unreachable or cut while it was being
    sent (urllib wraps those in URLError): the provider never had it whole, retry. A
    timeout or a dropped connection once it was out: the provider may have acted on it,
    and only a provider that de-duplicates by our key may be asked again."""
    reply = f"{type(exc).__name__}: {exc}"
    if takes_key or isinstance(exc, urllib.error.URLError):
        return Result(Outcome.RETRY, reply=reply)
    return Result(Outcome.UNKNOWN, reply=reply)


def cut(value: str, limit: int) -> str:
    """At most `limit` characters, an ellipsis ending what was cut."""
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


class Legacy:
    """A backend of the `send(to=, text=, key=)` kind (`notifications.backends`) as the SMS
    channel: it raises `PermanentFailure` for a number refused for good, any other error
    for a transient failure, and takes the row id as its idempotency key."""

    name = "sms"
    takes_key = True

    def __init__(self, backend):
        self.backend = backend

    def content(self, notification) -> Message:
        return Message(
            to=notification.recipient, key=notification_key(notification),
            text=notification.rendered_body,
        )  # fmt: skip

    def send(self, message: Message) -> Result:
        from ..backends import PermanentFailure

        try:
            self.backend.send(to=message.to, text=message.text, key=message.key)
        except PermanentFailure as exc:
            return Result(Outcome.PERSON_FAILED, reply=str(exc))
        except Exception as exc:  # the backend's own errors: network, timeouts, 5xx
            return Result(Outcome.RETRY, reply=f"{type(exc).__name__}: {exc}")
        return delivered()


def notification_key(notification) -> str:
    """The message's key at every provider and on every attempt: a retry after our own
    timeout carries the same one, which a provider that de-duplicates honours."""
    return f"onestop-notification-{notification.pk}"


@cache
def _channel(path: str):
    backend = import_string(path)()
    return backend if hasattr(backend, "content") else Legacy(backend)


def channel(name: str):
    """The channel object serving `name` (zalo, sms, email), as the settings say: the SMS
    channel is `SMS_BACKEND`, the others `MESSAGING_CHANNELS[name]`."""
    return _channel(settings.SMS_BACKEND if name == "sms" else settings.MESSAGING_CHANNELS[name])
