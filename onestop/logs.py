"""PINs kept out of every log (issue 19: the receipt QR code's `/?code=…&pin=…` and every
`?pin=` API call were in the access log, the console SMS backend wrote `PIN: …`).

`scrub` blanks a PIN wherever a log line may carry one: a `pin=` parameter (also URL-encoded)
and the `PIN: ` of an applicant's message. `ScrubPins` applies it to log records (the
console handler of LOGGING, and Celery's, see onestop/celery.py); `GunicornLogger` to
gunicorn's access log (`--logger-class`, docker-compose.yml), which Django never sees.
"""

import logging
import re

from gunicorn.glogging import Logger

PIN = re.compile(r"(?i)(\bpin=|\bpin%3D|\bPIN: )[^&\s\"'#;,.]+")
HIDDEN = r"\1[hidden]"


def scrub(text: str) -> str:
    return PIN.sub(HIDDEN, text)


class ScrubPins(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        scrubbed = scrub(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, ()
        return True


class GunicornLogger(Logger):
    """Gunicorn's logger, with PINs blanked in every atom of the access log (the request
    line, the query string, the referrer, headers)."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: scrub(value) if isinstance(value, str) else value for key, value in atoms.items()
        }
