"""An API token's user context is kept per worker, and every change takes effect at once."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.models import Role, User

from .conftest import vn
from .factories import AgencyFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

# Token authentication comes first: a bad or revoked token is told 401.
REFUSED = {401}


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_the_context_is_built_once_and_then_costs_no_query(staff, django_assert_max_num_queries):
    counter = token_client(staff["counter"])
    assert counter.get("/api/v1/cases/").status_code == 200
    with django_assert_max_num_queries(1):  # the empty list's count; no token, role or agency
        assert counter.get("/api/v1/cases/").status_code == 200


def test_without_the_cache_the_token_still_works_from_the_database(staff, settings):
    counter = token_client(staff["counter"])
    assert counter.get("/api/v1/cases/").status_code == 200
    # Nothing listens on port 1: every cache call fails to connect.
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert counter.get("/api/v1/cases/").status_code == 200
    # What the worker kept is not trusted meanwhile: the database answers.
    User.objects.filter(pk=staff["counter"].pk).update(is_active=False)
    assert counter.get("/api/v1/cases/").status_code in REFUSED


def test_a_revoked_token_stops_working_at_once(staff):
    counter = token_client(staff["counter"])
    assert counter.get("/api/v1/cases/").status_code == 200

    Token.objects.filter(user=staff["counter"]).get().delete()

    assert counter.get("/api/v1/cases/").status_code in REFUSED


def test_a_deactivated_user_is_refused_at_once(staff):
    counter = token_client(staff["counter"])
    assert counter.get("/api/v1/cases/").status_code == 200

    staff["counter"].is_active = False
    staff["counter"].save()

    assert counter.get("/api/v1/cases/").status_code in REFUSED


def test_a_removed_role_takes_effect_at_once(staff, file_case):
    code = file_case(vn(2026, 11, 27, 9, 0)).code
    counter = token_client(staff["counter"])
    assert counter.get(f"/api/v1/cases/{code}/").status_code == 200

    staff["counter"].groups.remove(Group.objects.get(name=Role.COUNTER_STAFF))

    assert counter.get(f"/api/v1/cases/{code}/").status_code == 404


def test_a_role_removed_from_the_groups_side_takes_effect_at_once(staff, file_case):
    code = file_case(vn(2026, 11, 27, 9, 0)).code
    counter = token_client(staff["counter"])
    assert counter.get(f"/api/v1/cases/{code}/").status_code == 200

    Group.objects.get(name=Role.COUNTER_STAFF).user_set.remove(staff["counter"])

    assert counter.get(f"/api/v1/cases/{code}/").status_code == 404


def test_a_moved_officer_sees_only_the_new_agencys_cases_at_once(staff, file_case, province):
    code = file_case(vn(2026, 11, 27, 9, 0)).code  # decided by the Department of Justice
    officer = token_client(staff["officer"])
    assert officer.get(f"/api/v1/cases/{code}/").status_code == 200

    staff["officer"].agency = province["construction"]
    staff["officer"].save()

    assert officer.get(f"/api/v1/cases/{code}/").status_code == 404


def test_an_agency_moved_out_of_the_province_leaves_the_counters_sight_at_once(
    staff, province, client_for
):
    construction = ProcedureFactory(agency=province["construction"])
    submitted = client_for().post(
        "/api/v1/cases/",
        {
            "procedure": construction.code,
            "channel": "online",
            "applicant": {"full_name": "Vàng A Sử", "id_number": "010200001111"},
        },
        format="json",
    )
    reference = submitted.json()["reference"]
    counter = token_client(staff["counter"])  # any counter of the province may receive it
    assert counter.get(f"/api/v1/cases/{reference}/").status_code == 200

    province["construction"].parent = AgencyFactory(code="000.00.00.H99", name="UBND tỉnh khác")
    province["construction"].save()

    assert counter.get(f"/api/v1/cases/{reference}/").status_code == 404


# --- web sessions: the same context, kept per worker, and the same immediacy --------------


def test_a_session_page_reads_no_user_context_once_it_is_kept(client, staff, file_case):
    code = file_case(vn(2026, 11, 27, 9, 0)).code
    client.force_login(staff["counter"])
    assert client.get(f"/desk/cases/{code}/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/desk/cases/{code}/").status_code == 200
    sql = [q["sql"] for q in queries.captured_queries]
    pk = staff["counter"].pk
    context = [f'"cases_user"."id" = {pk}', f'"cases_user_groups"."user_id" = {pk}']
    assert not [q for q in sql if any(part in q for part in context)], sql


def test_a_session_loses_a_removed_role_at_once(client, staff, file_case):
    code = file_case(vn(2026, 11, 27, 9, 0)).code
    client.force_login(staff["counter"])
    assert client.get(f"/desk/cases/{code}/").status_code == 200

    staff["counter"].groups.remove(Group.objects.get(name=Role.COUNTER_STAFF))

    assert client.get(f"/desk/cases/{code}/").status_code == 404


def test_a_moved_officers_session_sees_only_the_new_agencys_cases_at_once(
    client, staff, file_case, province
):
    code = file_case(vn(2026, 11, 27, 9, 0)).code
    client.force_login(staff["officer"])
    assert client.get(f"/desk/cases/{code}/").status_code == 200

    staff["officer"].agency = province["construction"]
    staff["officer"].save()

    assert client.get(f"/desk/cases/{code}/").status_code == 404


def test_a_deactivated_user_or_a_changed_password_ends_the_session_at_once(client, staff):
    client.force_login(staff["counter"])
    assert client.get("/desk/queue/").status_code == 200

    staff["counter"].set_password("a-new-password-2026")
    staff["counter"].save()
    assert client.get("/desk/queue/").status_code == 302  # to the login page

    client.force_login(staff["counter"])
    assert client.get("/desk/queue/").status_code == 200
    staff["counter"].is_active = False
    staff["counter"].save()
    assert client.get("/desk/queue/").status_code == 302
