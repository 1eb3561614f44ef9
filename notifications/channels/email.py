"""E-mail through Django's mail backend (`EMAIL_BACKEND`): SMTP in production, the console
or memory in development and tests.

SMTP takes no idempotency key: a connection lost after the DATA command may have
delivered the message, so it is `UNKNOWN`, never sent again on its own. A 5xx for the
recipient is a bounce (the person is not reachable at this address); the bounces that come
back later arrive through the bounce webhook (`notifications.webhooks`).
"""

import smtplib

from django.core.mail import EmailMessage

from ..models import Outcome
from . import Message, Result, delivered, notification_key


class EmailChannel:
    name = "email"
    takes_key = False

    def content(self, notification) -> Message:
        return Message(
            to=notification.recipient,
            key=notification_key(notification),
            subject=notification.subject,
            text=notification.rendered_body,
        )

    def send(self, message: Message) -> Result:
        mail = EmailMessage(message.subject, message.text, None, [message.to])
        mail.extra_headers["X-Onestop-Key"] = message.key  # echoed in bounce reports
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            return Result(Outcome.PERSON_FAILED, reply=f"Bounced: {exc.recipients}")
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:  # 5xx: the server will not take it, ever
                return Result(
                    Outcome.PERSON_FAILED, reply=f"Refused: {exc.smtp_code} {exc.smtp_error!r}"
                )
            return Result(Outcome.RETRY, reply=f"{exc.smtp_code} {exc.smtp_error!r}")
        except (smtplib.SMTPServerDisconnected, TimeoutError) as exc:
            # Cut off mid-conversation: the server may have taken it.
            return Result(Outcome.UNKNOWN, reply=f"{type(exc).__name__}: {exc}")
        except OSError as exc:  # refused, unreachable: nothing was handed over
            return Result(Outcome.RETRY, reply=f"{type(exc).__name__}: {exc}")
        return delivered()
