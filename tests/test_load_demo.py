"""`manage.py load_demo`: a demo province whose cases are built through the service layer."""

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from cases import selectors, services
from cases.models import (
    Agency,
    AppointmentChange,
    CalendarOverride,
    Case,
    CaseDocument,
    CaseEvent,
    Channel,
    FeeItem,
    Level,
    Procedure,
    Status,
    User,
)
from cases.models.catalogue import AGENCY_CODE_VALIDATOR
from demo import identities, payment, plan, procedures, province
from documents import pki
from documents.models import ResultDocument
from documents.services import verify_stored
from documents.signing import Verdict
from notifications.models import Notification
from onestop.paper import VN_TZ

from .pdf_tools import pdftotext

from .factories import AgencyFactory, ProcedureFactory, UserFactory

DEMO_LOGINS = ["counter", "officer", "signer", "supervisor", "admin"]

ROOT = Path(__file__).resolve().parent.parent


def load(*args) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    models = [Agency, Procedure, FeeItem, CalendarOverride, User, Group, Case, CaseEvent,
              AppointmentChange, CaseDocument, Notification]  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


def test_the_demo_catalogue_is_consistent():
    """Plain data, checked without a database: unique valid codes, real levels, a real map."""
    agencies = [province.PROVINCE, province.CENTRE, *province.CENTRE_BRANCHES]
    agencies += [*province.DEPARTMENTS, *province.communes()]
    codes = [code for _, code, _ in agencies]
    assert len(set(codes)) == len(codes)
    assert len({key for key, _, _ in agencies}) == len(agencies)
    for code in codes:
        AGENCY_CODE_VALIDATOR(code)
        assert code.endswith(".H38")
    # Not one of the districts' codes before 2025 (000.00.80–89.H38): never given again.
    assert not [code for code in codes if re.fullmatch(r"000\.00\.8\d\.H38", code)]

    # The two-tier map since 1 July 2025: departments, the centre and its branches, wards
    # and communes; no district body.
    assert len(province.DEPARTMENTS) >= 14
    assert len(province.CENTRE_BRANCHES) >= 2
    assert 90 <= len(list(province.communes())) <= 150
    names = [name for _, _, name in agencies]
    assert not [name for name in names if re.search(r"huyện|thị xã|thành phố|thị trấn", name)]
    assert "UBND xã Gia Phú" in names and "UBND phường Yên Bái" in names

    level_of = {key: Level.PROVINCE for key, _, _ in province.DEPARTMENTS}
    level_of |= {key: Level.COMMUNE for key, *_ in province.communes()}
    procedure_codes = [p["code"] for p in procedures.PROCEDURES]
    assert len(procedure_codes) >= 60
    assert len(set(procedure_codes)) == len(procedure_codes)
    for p in procedures.PROCEDURES:
        assert re.fullmatch(r"[1-3]\.\d{6}", p["code"]), p["code"]
        assert level_of[p["agency"]] == p["level"], p["code"]
        assert all(isinstance(amount, int) and amount >= 0 for *_, amount in p["fees"])
        assert len({code for code, *_ in p["fees"]}) == len(p["fees"])
        assert p["required_documents"], p["code"]

    assert len(province.CALENDAR_OVERRIDES) == 5
    assert sum(plan.CASE_STATES.values()) >= 150


@pytest.mark.django_db
def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        load()

    assert not Agency.objects.exists()
    assert not User.objects.filter(username__in=DEMO_LOGINS).exists()


@pytest.fixture
def demo_pki(settings, tmp_path):
    """Certificates for every demo agency, valid from before the demo's history."""
    folder = tmp_path / "pki"
    agencies = [province.PROVINCE, province.CENTRE, *province.CENTRE_BRANCHES]
    agencies += [*province.DEPARTMENTS, *province.communes()]
    pki.write_dev_pki(
        folder,
        [(code, name) for _key, code, name in agencies],
        passphrase=settings.SIGNING_PKCS12_PASSPHRASE.encode(),
        now=datetime.now(UTC) - timedelta(days=120),
        valid_for=timedelta(days=365),
    )
    settings.SIGNING_PKCS12_DIR = str(folder / pki.AGENCY_DIR)
    settings.SIGNING_TRUST_ROOTS = [str(folder / pki.ROOT_FILE)]
    settings.SIGNING_CRLS = [str(folder / pki.CRL_FILE)]


@pytest.mark.django_db
def test_with_force_it_builds_the_province_and_a_second_run_adds_nothing(settings, demo_pki):
    settings.DEBUG = False
    started = timezone.now()

    output = load("--force")

    assert Procedure.objects.count() >= 60
    # The planned 200, and those filed for the national identity simulator's people.
    filed_for = sum(len(codes) or 1 for codes in identities.FILED_FOR.values())
    assert f"cases: {200 + filed_for}" in output
    mai = Case.objects.filter(applicant_id_number="010190001234", channel="counter")
    assert mai.count() >= 2  # found under "My cases" once she signs in with VNeID
    for username in DEMO_LOGINS:
        assert authenticate(username=username, password="demo") is not None, username
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff_member

    # The two-tier map: no district body decides, receives or holds a case.
    assert not Agency.objects.filter(level=Level.DISTRICT).exists()
    branches = Agency.objects.filter(parent__code=province.CENTRE[1])
    assert Case.objects.filter(receiving_agency__in=branches).exists()
    assert not Case.objects.filter(applicant_address__contains="huyện").exists()

    # Every state the service layer can reach.
    states = set(Case.objects.values_list("status", flat=True))
    assert states == set(Status.values)

    # The channel mix of the seed: about 84% received online.
    online = Case.objects.filter(channel=Channel.ONLINE).count() / Case.objects.count()
    assert 0.78 < online < 0.9

    # Honest histories: filed first, in order, before now; received cases have their code,
    # appointment and the appointment's history.
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].action == "submit"
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert events[-1].at <= started
        assert events[-1].to_status == case.status
    # An upfront fee starts the clock when it is paid: no appointment until then.
    received = Case.objects.exclude(code=None).exclude(status=Status.AWAITING_PAYMENT)
    assert received.filter(appointment_at=None).count() == 0
    first_appointments = AppointmentChange.objects.filter(reason__in=["received", "fee_paid"])
    assert first_appointments.count() == received.count()

    # Some cases are late, some due soon; none of the replayed messages waits to be sent.
    assert selectors.cases_due(Case.objects.all(), due="overdue", agency=None).exists()
    assert selectors.cases_due(Case.objects.all(), due="soon", agency=None).exists()
    assert not Notification.objects.filter(sent_at=None).exists()

    # The supervisor sees the whole province; the counter sees what the centre received.
    supervisor, counter = (User.objects.get(username=u) for u in ("supervisor", "counter"))
    assert selectors.cases_visible_to(supervisor).count() == Case.objects.count()
    centre_cases = Case.objects.filter(receiving_agency=counter.agency)
    assert centre_cases.exists()
    assert set(centre_cases) <= set(selectors.cases_visible_to(counter))
    assert selectors.cases_visible_to(User.objects.get(username="officer")).exists()

    # The latest results are PAdES-signed PDFs, authentic; the others are paper results.
    signed = ResultDocument.objects.exclude(signed_sha256="").select_related("case")
    assert signed.count() == plan.SIGNED_RESULTS
    assert {r.case.status for r in signed} <= {Status.RESOLVED, Status.RETURNED}
    verification, _document = verify_stored(document=signed.first())
    assert verification.verdict == Verdict.AUTHENTIC
    # One truth (issue 20): each PDF says, in its signature and its Vietnamese stamp, the
    # moment of its sign step, which the case page shows (it said the machine's clock).
    for result in signed:
        assert verify_stored(document=result)[0].signed_at == result.signed_at
        with result.signed.open("rb") as stored:
            stamp = pdftotext(stored.read())
        shown = timezone.localtime(result.signed_at, VN_TZ).strftime("%H:%M %d/%m/%Y")
        assert "Ký số bởi: " in stamp and f"Thời gian ký: {shown} (GMT+7)" in stamp
    assert CaseEvent.objects.filter(action="sign", data__signature="pades").count() == (
        plan.SIGNED_RESULTS
    )

    before = row_counts()
    settings.DEBUG = True  # with DEBUG on, no --force is needed

    again = load()

    assert row_counts() == before
    assert "none added" in again


@pytest.mark.django_db
def test_the_run_command_s_banner_names_the_demo_s_ways_in(settings, demo_pki):
    """Regression: `make run` loaded the demo and then died printing its banner (it named
    the demo's walkthrough from where it no longer is)."""
    from demo.management.commands.serve import Command

    settings.DEBUG = False
    load("--force")
    out = StringIO()
    Command(stdout=out)._banner(8000, demo=True)
    banner = out.getvalue()
    case = payment.walkthrough_case()
    assert case is not None and f"case {case.code}, PIN {payment.WALKTHROUGH_PIN}" in banner
    assert "http://127.0.0.1:8000/login/" in banner and "VNeID" in banner


def test_the_embedded_mode_loads_the_demo_on_sqlite(tmp_path):
    """`make run`'s database is SQLite: every step of the demo's histories goes through the
    engine there too (a step's report row once read back naive times there, and the run
    died loading the demo while every test on PostgreSQL passed)."""
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'onestop.sqlite3'}",
        ONESTOP_VAR_DIR=str(tmp_path),
        DEBUG="true",
    )
    for command in ("migrate", "load_demo"):
        done = subprocess.run(
            [sys.executable, "manage.py", command],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, f"{command}: {done.stderr[-3000:]}"
    assert re.search(r"cases: [1-9]\d\d", done.stdout), done.stdout


@pytest.mark.django_db
def test_a_database_loaded_on_the_map_before_july_2025_follows_the_reorganisation(settings):
    """Loaded again over the old map (districts, their communes, the departments merged in
    2025), the demo merges each agency that is gone into the one that took its work."""
    settings.DEBUG = False
    ubnd = AgencyFactory(code="000.00.00.H38", name="UBND tỉnh Lào Cai")
    district = AgencyFactory(
        code="000.00.89.H38", name="UBND huyện Văn Bàn", level=Level.DISTRICT, parent=ubnd
    )
    town = AgencyFactory(
        code="000.01.89.H38", name="UBND thị trấn Khánh Yên", level=Level.COMMUNE, parent=district
    )
    vo_lao = AgencyFactory(
        code="000.03.89.H38", name="UBND xã Võ Lao", level=Level.COMMUNE, parent=district
    )
    labour = AgencyFactory(
        code="000.00.19.H38", name="Sở Lao động - Thương binh và Xã hội tỉnh Lào Cai", parent=ubnd
    )
    clerk = UserFactory(username="motcua.vanban", agency=district, roles=["counter_staff"])
    case = services.case_file(
        procedure=ProcedureFactory(code="1.999999", agency=district, level=Level.DISTRICT),
        applicant={"full_name": "Lò Thị Mai", "id_number": "010190001234"},
        channel="counter",
        documents=[{"name": "Tờ khai", "digitised": True}],
        by=clerk,
    )

    output = load("--force")

    assert "merged: 4" in output
    successor = {a.code: a.successor for a in Agency.objects.exclude(dissolved_on=None)}
    xa_van_ban = Agency.objects.get(name="UBND xã Văn Bàn", dissolved_on=None)
    assert successor[district.code] == xa_van_ban == successor[town.code]
    assert successor[vo_lao.code].name == "UBND xã Võ Lao" and successor[vo_lao.code] != vo_lao
    assert successor[labour.code].name == "Sở Nội vụ tỉnh Lào Cai"
    case.refresh_from_db()
    assert case.deciding_agency == xa_van_ban == User.objects.get(pk=clerk.pk).agency
    assert case.events.last().action == "reorganise"

    assert "merged" not in load("--force")  # nothing left to merge
