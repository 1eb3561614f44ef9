import os
import tempfile
import uuid
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from rest_framework.test import APIClient

from cases import selectors, services
from cases.models import Case, CaseEvent, Level, Role, SupplementClock
from documents import pki
from dvcqg import services as portal_sync
from notifications import services as outbox
from onestop.celery import app as celery_app
from payments.services import callbacks as payment_callbacks

from .factories import AgencyFactory, ProcedureFactory, UserFactory
from .moments import FRIDAY_9AM, MONDAY_9AM, vn  # noqa: F401 (the tests import them from here)
from .national_identity import idp, idp_keys, idp_server  # noqa: F401 (the identity provider)
from .paying import on_result, simulated_paygov, upfront  # noqa: F401 (payment fixtures)
from .signing import processing_case, signed_case  # noqa: F401 (result fixtures)

# Where the browser journeys leave their screenshots (printed at the end of the run).
SCREENSHOTS = Path(
    os.environ.get("BROWSER_SCREENSHOTS", Path(tempfile.gettempdir()) / "onestop-screenshots")
)


def pytest_configure(config):
    """The suite runs on the real services; it never falls back to SQLite or locmem quietly."""
    # LIVE_SERVER_PORTS=8170-8179 keeps each xdist worker's live server on a port of its own.
    if ports := os.environ.get("LIVE_SERVER_PORTS"):
        first = int(ports.split("-")[0])
        worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
        os.environ["DJANGO_LIVE_TEST_SERVER_ADDRESS"] = f"127.0.0.1:{first + worker}"
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.exit(
            "The tests need PostgreSQL and Redis: run them with `make test` "
            "(start the services with `docker compose up -d db redis`).",
            returncode=2,
        )
    # Each xdist worker its own Redis database, as it has its own PostgreSQL one: a real
    # Celery worker started by one test must not run what another process's tests queue.
    if worker := int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")):
        url = urlsplit(settings.REDIS_URL)
        database = (int(url.path.lstrip("/") or 0) - 2 * worker) % 16
        redis_url = urlunsplit(url._replace(path=f"/{database}"))
        settings.REDIS_URL = settings.CELERY_BROKER_URL = redis_url
        settings.CACHES = {"default": {**settings.CACHES["default"], "LOCATION": redis_url}}
        celery_app.conf.broker_url = redis_url


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.is_dir() and any(SCREENSHOTS.iterdir()):
        terminalreporter.write_line(f"Browser journey screenshots: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Behind PgBouncer in transaction mode (`make test-pgbouncer`; DISABLE_SERVER_SIDE_CURSORS
    says so) the pooler keeps idle server connections to the test database, and PostgreSQL
    drops no database with a connection: they are ended before pytest-django drops it.
    Directly, a connection still open then is a leak, and the drop's warning tells of it."""
    yield
    if settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]:
        with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                [connection.settings_dict["NAME"]],
            )


@pytest.fixture(scope="session", autouse=True)
def _test_secrets():
    """With DEBUG off no published secret is a default: the simulated PayGov and Zalo sign
    with these, from the first fixture on (module-scoped provinces pay online too). A test
    that changes one through `settings` gets it back afterwards."""
    from django.conf import settings

    settings.PAYGOV_SECRET = "onestop-tests-paygov-secret"
    settings.ZALO_WEBHOOK_SECRET = "onestop-tests-zalo-secret"


@pytest.fixture(autouse=True)
def _fast_and_clean(settings, tmp_path, monkeypatch):
    # Real password hashing costs ~0.3 s a user; what it protects is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A fresh cache namespace per test: flushing would also wipe the broker's queues,
    # which live in the same Redis database.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    # The development PKI that signing makes when it finds none, in the test's own folder:
    # never the checkout's var/pki, which `make run` keeps under its own passphrase.
    folder = settings.SIGNING_PKI_DIR = tmp_path / "pki"
    settings.SIGNING_PKCS12_DIR = str(folder / pki.AGENCY_DIR)
    settings.SIGNING_TRUST_ROOTS = [str(folder / pki.ROOT_FILE)]
    settings.SIGNING_CRLS = [str(folder / pki.CRL_FILE)]
    selectors.forget_calendar_overrides()
    # What the process remembers of its last dispatch asked for belongs to the cache above.
    monkeypatch.setattr(outbox, "_asked_until", 0.0)
    monkeypatch.setattr(portal_sync, "_asked_until", 0.0)
    monkeypatch.setattr(payment_callbacks, "_asked_until", 0.0)


def act(case, action, by, at=None, **params):
    """One step of a case through the engine (`at`: when; now if not given)."""
    return services.case_act(case=case, action=action, by=by, now=at, **params)


def post_action(client, code, action, **extra):
    """One action over the API; `HTTP_*` keyword arguments are request headers."""
    data = {key: value for key, value in extra.items() if not key.startswith("HTTP_")}
    headers = {key: value for key, value in extra.items() if key.startswith("HTTP_")}
    return client.post(f"/api/v1/cases/{code}/actions/{action}/", data, format="json", **headers)


def logged_in(user) -> APIClient:
    """An API client logged in with a session (as the pages are), not a token."""
    client = APIClient()
    client.force_login(user)
    return client


def everything_about(case) -> dict:
    """What a step can change of a case, read afresh: its row, its history, its appointment
    changes, its facts, its messages. A refused step must leave all of it as it was."""
    from notifications.models import Notification
    from reports.models import CaseFact

    return {
        "row": Case.objects.filter(pk=case.pk).values().get(),
        "events": list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)),
        "appointments": list(case.appointment_changes.values_list("pk", flat=True)),
        "facts": CaseFact.objects.filter(case=case).values().first(),
        "messages": list(Notification.objects.filter(case=case).values_list("pk", flat=True)),
    }


@pytest.fixture
def province(db):
    """A small province: its People's Committee, the service centre, two departments."""
    ubnd = AgencyFactory(code="000.00.00.H38", name="UBND tỉnh Lào Cai", level=Level.PROVINCE)
    return {
        "ubnd": ubnd,
        "centre": AgencyFactory(
            code="000.00.01.H38", name="Trung tâm Phục vụ HCC tỉnh", parent=ubnd
        ),
        "justice": AgencyFactory(code="000.00.20.H38", name="Sở Tư pháp", parent=ubnd),
        "construction": AgencyFactory(code="000.00.21.H38", name="Sở Xây dựng", parent=ubnd),
    }


@pytest.fixture
def staff(province):
    return {
        "counter": UserFactory(
            username="counter", agency=province["centre"], roles=[Role.COUNTER_STAFF]
        ),
        "officer": UserFactory(
            username="officer", agency=province["justice"], roles=[Role.OFFICER]
        ),
        "signer": UserFactory(username="signer", agency=province["justice"], roles=[Role.SIGNER]),
        "builder": UserFactory(
            username="builder", agency=province["construction"], roles=[Role.OFFICER]
        ),
        "supervisor": UserFactory(
            username="supervisor", agency=province["ubnd"], roles=[Role.SUPERVISOR]
        ),
        "citizen": UserFactory(username="citizen"),
    }


@pytest.fixture
def procedure(province):
    """Cấp Phiếu lý lịch tư pháp: 3 working days at the Department of Justice."""
    return ProcedureFactory(
        code="2.000488",
        name="Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        agency=province["justice"],
        processing_time_value=3,
        supplement_clock=SupplementClock.EXTEND,
    )


APPLICANT = {
    "full_name": "Lò Thị Mai",
    "id_number": "010190001234",
    "phone": "0912345678",
    "email": "mai@example.vn",
    "address": "Xã Gia Phú, tỉnh Lào Cai",
}


@pytest.fixture
def file_case(staff, procedure):
    """File a case at the counter (received at once), at a given moment."""

    def file(at=None, *, procedure=procedure, by=None, channel="counter"):
        return services.case_file(
            procedure=procedure,
            applicant=APPLICANT,
            channel=channel,
            documents=[{"name": "Tờ khai", "digitised": True}],
            by=by if by is not None else staff["counter"],
            now=at,
        )

    return file


@pytest.fixture
def client_for():
    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


# --- documents and signatures ------------------------------------------------------------

PKI_AGENCIES = [
    ("000.00.01.H38", "Trung tâm Phục vụ HCC tỉnh"),
    ("000.00.20.H38", "Sở Tư pháp"),
    ("000.00.21.H38", "Sở Xây dựng"),
]
PKI_PASSPHRASE = "test-pass"


@pytest.fixture(scope="session")
def dev_pkis(tmp_path_factory):
    """Four PKIs, made once per session: good, with expired agency certificates, with the
    Department of Justice's certificate revoked, and another (untrusted) one."""
    from datetime import UTC, timedelta

    folder = tmp_path_factory.mktemp("pki")
    now = datetime.now(UTC)
    # Valid from before every moment a test sets the clock to (the tests' dates are fixed,
    # in 2026), until two years after the real date.
    since = datetime(2025, 1, 1, tzinfo=UTC)
    passphrase = PKI_PASSPHRASE.encode()
    pki.write_dev_pki(
        folder / "good", PKI_AGENCIES, passphrase=passphrase, now=now, valid_from=since
    )
    # Expired before every such moment.
    pki.write_dev_pki(
        folder / "expired",
        PKI_AGENCIES,
        passphrase=passphrase,
        now=since - timedelta(days=400),
        valid_for=timedelta(days=365),
    )
    pki.write_dev_pki(
        folder / "revoked", PKI_AGENCIES, passphrase=passphrase, now=now, valid_from=since,
        revoke=frozenset({"000.00.20.H38"}),
    )  # fmt: skip
    pki.write_dev_pki(
        folder / "other", PKI_AGENCIES, passphrase=passphrase, now=now, valid_from=since
    )
    return folder


@pytest.fixture(autouse=True)
def use_pki(settings, dev_pkis):
    """Every test signs with the good test PKI; `use_pki(signing, trusting)` switches."""

    def use(signing="good", trusting=None):
        trusting = trusting or signing
        settings.SIGNING_KEY_BACKEND = "documents.signing.Pkcs12Backend"
        settings.SIGNING_PKCS12_DIR = str(dev_pkis / signing / "agencies")
        settings.SIGNING_PKCS12_PASSPHRASE = PKI_PASSPHRASE
        settings.SIGNING_TRUST_ROOTS = [str(dev_pkis / trusting / "root.pem")]
        settings.SIGNING_CRLS = [str(dev_pkis / trusting / "issuing.crl")]

    use()
    return use


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored files (drafts, signed results, scans) go to the test's own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
