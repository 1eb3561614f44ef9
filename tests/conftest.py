import uuid
from datetime import datetime

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from cases import selectors, services
from cases.models import Level, Role, SupplementClock
from cases.working_time import VN_TZ

from .factories import AgencyFactory, ProcedureFactory, UserFactory
from .paying import on_result, simulated_paygov, upfront  # noqa: F401 (payment fixtures)


def pytest_configure(config):
    """The suite runs on the real services; it never falls back to SQLite or locmem quietly."""
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql" or not settings.REDIS_URL:
        pytest.exit(
            "The tests need PostgreSQL and Redis: run them with `make test` "
            "(start the services with `docker compose up -d db redis`).",
            returncode=2,
        )


@pytest.fixture(autouse=True)
def _fast_and_clean(settings):
    # Real password hashing costs ~0.3 s a user; what it protects is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A fresh cache namespace per test: flushing would also wipe the broker's queues,
    # which live in the same Redis database.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
    }
    selectors.forget_calendar_overrides()


def vn(*args) -> datetime:
    """An aware moment in Vietnam time: vn(2026, 11, 27, 9, 0)."""
    return datetime(*args, tzinfo=VN_TZ)


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
    "address": "Xã Gia Phú, huyện Bảo Thắng, Lào Cai",
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
