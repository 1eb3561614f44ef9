"""No receipt PIN in any log (issue 19, item 14): the request logs, gunicorn's access log,
the console SMS and e-mail backends; the receipt's QR code keeps it out of the query string."""

import io
import logging
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import yaml
from django.core.mail import EmailMessage
from gunicorn.config import Config

from cases.models import Case
from notifications.backends import ConsoleEmailBackend, ConsoleSmsBackend
from onestop.logs import GunicornLogger

from .pdf_tools import qr_codes
from .test_production_settings import ROOT
from .test_web_desks import intake_data

PIN = "AB12CD34"


@pytest.mark.django_db
def test_the_receipt_qr_code_carries_the_pin_in_a_fragment_the_browser_never_sends(
    client, staff, procedure
):
    """Regression: the QR code opened `/?code=…&pin=…`, a query string the access log kept."""
    client.force_login(staff["counter"])
    client.post("/desk/counter/", intake_data(procedure))
    case = Case.objects.get()

    [link] = qr_codes(client.get(f"/desk/cases/{case.code}/receipt/pdf/").content, page=0)

    parts = urlsplit(link)
    assert parse_qs(parts.query) == {"code": [case.code]}
    assert parts.fragment.startswith("pin=") and len(parts.fragment) == len("pin=") + 8
    page = client.get(f"{parts.path}?{parts.query}").content.decode()
    assert "portal/lookup.js" in page  # what posts the fragment's PIN


@pytest.mark.django_db
def test_a_link_with_the_pin_in_the_query_string_still_works(client, file_case):
    case = file_case()
    answer = client.get("/", {"code": case.code, "pin": case.pin})
    assert answer.status_code == 302 and answer["Location"] == "/"


def console_handlers():
    """The handlers LOGGING put on the root logger (not pytest's)."""
    return [
        handler
        for handler in logging.getLogger().handlers
        if type(handler).__module__.split(".")[0] != "_pytest"
    ]


@pytest.mark.parametrize(
    "line",
    [
        f'"GET /api/v1/public/cases/000.00.20.H38-261127-0001/?pin={PIN} HTTP/1.1" 404',
        f"Not Found: /api/v1/public/cases/x/result/?lang=vi&pin={PIN.lower()}&x=1",
        f"referer https://motcua.example.gov.vn/?code=x&PIN%3D{PIN}",
        f"SMS to 0912345678 [7]: Case x received. PIN: {PIN}. https://x/",
    ],
)
def test_a_log_line_never_carries_a_pin(line):
    [handler] = console_handlers()
    record = logging.LogRecord("django.request", logging.WARNING, "", 0, "%s", (line,), None)

    assert handler.filter(record)
    assert PIN not in record.getMessage().upper() and "[hidden]" in record.getMessage()


def test_gunicorns_access_log_never_carries_a_pin():
    """Regression: docker-compose's `--access-logfile -` wrote the receipt QR code's URL."""
    command = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"][
        "command"
    ]
    assert "--logger-class onestop.logs.GunicornLogger" in command
    config = Config()
    logger = GunicornLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/?code=000.00.20.H38-261127-0001&pin={PIN}",
        "PATH_INFO": "/",
        "QUERY_STRING": f"code=000.00.20.H38-261127-0001&pin={PIN}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://x/?pin={PIN}",
        "REMOTE_ADDR": "203.0.113.9",
    }
    response = SimpleNamespace(status="302 Found", headers=[], sent=0)
    request = SimpleNamespace(headers=[("REFERER", f"https://x/?pin={PIN}")])

    atoms = logger.atoms_wrapper_class(logger.atoms(response, request, environ, timedelta(0)))
    line = config.access_log_format % atoms

    assert "/?code=000.00.20.H38-261127-0001&pin=[hidden]" in line and PIN not in line
    assert PIN not in " ".join(atoms[key] for key in ("q", "{referer}i", "{query_string}e"))


def test_the_console_sms_backend_writes_no_pin_with_debug_off(caplog, settings):
    """Regression: the worker log showed each receipt SMS with its `PIN: …`."""
    settings.DEBUG = False
    with caplog.at_level(logging.INFO, logger="notifications.backends"):
        ConsoleSmsBackend().send(to="0912345678", text=f"Ho so x. PIN: {PIN}. https://x/", key="1")
    assert "0912345678" in caplog.text and PIN not in caplog.text


def test_the_console_email_backend_writes_no_pin_with_debug_off(settings):
    settings.DEBUG = False
    out = io.StringIO()
    message = EmailMessage("Hồ sơ", f"Tra cứu: https://x/?code=y PIN: {PIN}.", to=["a@b.vn"])

    ConsoleEmailBackend(stream=out).send_messages([message])

    assert "a@b.vn" in out.getvalue() and PIN not in out.getvalue()
    assert PIN in message.body  # the message itself is sent as it is
