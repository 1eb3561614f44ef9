"""Where messages leave the system: e-mail through Django's mail backend, SMS through the
backend named by `SMS_BACKEND` (the console by default, an HTTP gateway by configuration).

A backend raises `PermanentFailure` when retrying cannot help (a bounced address, a number
the gateway refuses); any other exception is transient and the outbox retries it later.
"""

import copy
import json
import logging
import smtplib
import urllib.error
import urllib.request

from django.conf import settings
from django.core.mail import send_mail
from django.core.mail.backends import console
from django.utils.module_loading import import_string

from onestop.logs import scrub

logger = logging.getLogger(__name__)


class PermanentFailure(Exception):
    """The message can never be delivered as it is: park it, do not retry."""


def send_email(notification) -> None:
    try:
        send_mail(notification.subject, notification.rendered_body, None, [notification.recipient])
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentFailure(f"Bounced: {exc.recipients}") from exc
    except smtplib.SMTPResponseException as exc:
        if 500 <= exc.smtp_code < 600:  # 5xx: the server will not take it, ever
            raise PermanentFailure(f"Refused: {exc.smtp_code} {exc.smtp_error!r}") from exc
        raise


class ConsoleEmailBackend(console.EmailBackend):
    """Django's console e-mail backend (the default): with DEBUG off, the PINs blanked."""

    def write_message(self, message):
        if not settings.DEBUG:
            message = copy.copy(message)
            message.body = scrub(message.body)
        super().write_message(message)


class ConsoleSmsBackend:
    """Writes each SMS to the log (the embedded mode and development)."""

    def send(self, *, to: str, text: str, key: str) -> None:
        # The receipt's message carries the PIN: only a developer's console may show it.
        logger.info("SMS to %s [%s]: %s", to, key, text if settings.DEBUG else scrub(text))


class HttpSmsGateway:
    """POSTs `{"to", "text", "id"}` as JSON to `SMS_GATEWAY_URL`, with the row id as the
    `Idempotency-Key` header, so that a gateway that honours it sends a retried row once.

    2xx: accepted. 4xx (other than 408 and 429): refused for good. Anything else, a timeout
    or a network error: try again later.
    """

    def send(self, *, to: str, text: str, key: str) -> None:
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=json.dumps({"to": to, "text": text, "id": key}).encode(),
            headers={
                "Content-Type": "application/json",
                "Idempotency-Key": key,
                **(
                    {"Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}"}
                    if settings.SMS_GATEWAY_TOKEN
                    else {}
                ),
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT):
                return
        except urllib.error.HTTPError as exc:
            if 400 <= exc.code < 500 and exc.code not in (408, 429):
                raise PermanentFailure(f"SMS gateway refused: HTTP {exc.code}") from exc
            raise


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(notification) -> None:
    sms_backend().send(
        to=notification.recipient,
        text=notification.rendered_body,
        key=f"onestop-notification-{notification.pk}",
    )
