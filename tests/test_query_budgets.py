"""Query budgets of the hot paths, through token authentication as integrators call them.

A change that adds a round trip to one of these paths fails here (issue 6). The context of a
token is built on its first request; the budgets are those of every request after it.
"""

from unittest import mock

import pytest
import redis
import time_machine
from django.conf import settings
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases import services
from cases.models import Case

from .conftest import APPLICANT, vn
from .factories import FeeItemFactory, ProcedureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday_morning():
    with time_machine.travel(vn(2026, 11, 27, 9, 0), tick=False):
        yield


@pytest.fixture
def counter(staff):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff['counter'])}")
    assert client.get("/api/v1/cases/").status_code == 200  # builds the token's context
    return client


def filing(documents: int) -> dict:
    return {
        "procedure": "2.000488",
        "applicant": APPLICANT,
        "channel": "counter",
        "documents": [{"name": f"Giấy tờ {n}"} for n in range(documents)],
    }


def busy(client, staff, documents: int, steps: int) -> str:
    """A filed case with this many documents and this many steps after its receipt."""
    code = client.post("/api/v1/cases/", filing(documents), format="json").json()["code"]
    for n in range(steps):
        case = Case.objects.get(code=code)
        if n % 2 == 0:
            params = {"action": "request-supplement", "items": ["Tờ khai"], "reason": "Thiếu"}
        else:
            params = {"action": "supplement-received"}
        services.case_act(case=case, by=staff["counter"], **params)
    return code


def test_counter_filing_takes_ten_statements(counter, procedure, django_assert_max_num_queries):
    # The case id reserved, its documents, its two events, its appointment history; the
    # code number, the case (one INSERT, no UPDATE); the reports' facts of the case (the
    # stamp and the row, derived from what the filing holds: nothing re-read); the message
    # quoting its code; the national portal's record and progress rows (one INSERT, from
    # what the filing holds). Plus the test's savepoint pair. The procedure is kept by the worker
    # (cases.catalogue), like the calendar: both are read by the first filing.
    counter.post("/api/v1/cases/", filing(documents=1), format="json")
    with django_assert_max_num_queries(12) as captured:
        answer = counter.post("/api/v1/cases/", filing(documents=3), format="json")
    assert answer.status_code == 201
    case_writes = [q["sql"] for q in captured.captured_queries if '"cases_case"' in q["sql"]]
    assert not [sql for sql in case_writes if sql.startswith("UPDATE")]


def test_counter_filing_takes_one_cache_round_trip(
    counter, procedure, django_capture_on_commit_callbacks
):
    # The token's user and the procedure are checked against their stamps, read together.
    # The dispatch of the message was asked for by the first filing of this process, whose
    # task sends the second's message too (notifications.services).
    commands = []
    execute = redis.Redis.execute_command

    def counted(client, *args, **options):
        commands.append(args[0])
        return execute(client, *args, **options)

    with mock.patch("notifications.tasks.dispatch_outbox.apply_async"):
        with django_capture_on_commit_callbacks(execute=True):
            counter.post("/api/v1/cases/", filing(documents=1), format="json")
        with (
            mock.patch.object(redis.Redis, "execute_command", counted),
            django_capture_on_commit_callbacks(execute=True),
        ):
            answer = counter.post("/api/v1/cases/", filing(documents=1), format="json")
    assert answer.status_code == 201
    assert commands == ["MGET"]


def test_the_case_page_takes_three_queries_however_long_its_history(
    counter, staff, procedure, django_assert_max_num_queries
):
    small = busy(counter, staff, documents=1, steps=0)
    large = busy(counter, staff, documents=8, steps=6)
    for code, events in ((small, 2), (large, 8)):
        with django_assert_max_num_queries(3):  # the case, its documents, its events
            page = counter.get(f"/api/v1/cases/{code}/").json()
        assert len(page["events"]) == events


def test_the_case_list_takes_two_queries_however_many_cases(
    counter, staff, procedure, django_assert_max_num_queries
):
    for n in range(12):
        busy(counter, staff, documents=1, steps=n % 3)
    with django_assert_max_num_queries(2):  # the count and the page
        assert counter.get("/api/v1/cases/").json()["count"] == 12
    with django_assert_max_num_queries(2):
        assert counter.get("/api/v1/cases/?status=processing").json()["count"] == 4


def test_the_public_lookup_takes_two_queries(
    counter, staff, procedure, django_assert_max_num_queries
):
    code = busy(counter, staff, documents=2, steps=5)  # ends waiting for a supplement
    case = Case.objects.get(code=code)
    case.pin_hash = services.pin_hash(reference=case.reference, pin="ABCD2345")
    case.save(update_fields=["pin_hash"])
    # The case with its procedure, rating and signed result's id; its timeline (events with
    # the appointment each set), from which what is requested comes too. A fee-bearing
    # procedure adds the two queries of `fees_due` (paid requests; fee items not exempted).
    with django_assert_max_num_queries(2):
        answer = APIClient().get(f"/api/v1/public/cases/{code}/", {"pin": "ABCD2345"})
    assert answer.json()["requested"] == {"supplement_items": ["Tờ khai"]}
    assert len(answer.json()["timeline"]) == 7


def test_the_catalogue_lists_take_a_query_per_table(
    procedure, province, client_for, django_assert_max_num_queries
):
    for n in range(5):
        FeeItemFactory(procedure=ProcedureFactory(agency=province["justice"]), code=f"LP{n}")
    with django_assert_max_num_queries(3):  # the count, the page, the page's fees
        assert client_for().get("/api/v1/procedures/").json()["count"] == 6
    with django_assert_max_num_queries(2):  # the count, the page
        assert client_for().get("/api/v1/agencies/").json()["count"] == 4


def test_the_lookups_queries_are_planned_once_per_connection(counter, staff, procedure):
    """PostgreSQL plans a statement on every run unless it is prepared: the connection
    prepares those it has run PREPARE_THRESHOLD times, so a worker's lookups reuse plans.
    Through PgBouncer in transaction mode (`make test-pgbouncer`, PREPARE_THRESHOLD= empty)
    a statement prepared on one server connection would be missing from the next: none is.
    The test's transaction keeps one server connection, whose pg_prepared_statements it reads.
    """
    code = busy(counter, staff, documents=1, steps=1)
    case = Case.objects.get(code=code)
    case.pin_hash = services.pin_hash(reference=case.reference, pin="ABCD2345")
    case.save(update_fields=["pin_hash"])
    threshold = settings.DATABASES["default"].get("OPTIONS", {}).get("prepare_threshold")

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    before = prepared()
    for _ in range((threshold or 5) + 1):
        assert APIClient().get(f"/api/v1/public/cases/{code}/", {"pin": "ABCD2345"}).json()
    new = prepared() - before
    if threshold is None:
        assert new == set()
    else:
        assert any('FROM "cases_case"' in sql for sql in new)
        assert any('FROM "cases_caseevent"' in sql for sql in new)


def test_prepared_statements_can_be_turned_off_for_a_transaction_pooler():
    from .test_production_settings import manage

    show = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    secret = {"SECRET_KEY": "a-long-enough-secret-for-this-check-only-0123456789"}
    result = manage("shell", "-c", show, env={**secret, "PREPARE_THRESHOLD": ""})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "{}"
    result = manage("shell", "-c", show, env=secret)
    assert "'server_side_binding': True, 'prepare_threshold': 5" in result.stdout
