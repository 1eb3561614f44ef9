"""Each worker keeps the procedures it files cases under, and every change to the catalogue
takes effect at the next filing."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases import kept
from cases.catalogue import CATALOGUE_KEY, forget_catalogue
from cases.models import Case

from .conftest import APPLICANT, vn
from .factories import FeeItemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def counter(staff):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=staff['counter'])}")
    return client


def file(client, procedure_code):
    body = {"procedure": procedure_code, "applicant": APPLICANT, "channel": "counter"}
    return client.post("/api/v1/cases/", body, format="json")


def procedure_reads(client, procedure_code) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert file(client, procedure_code).status_code == 201
    return sum('FROM "cases_procedure"' in q["sql"] for q in captured.captured_queries)


def test_a_procedure_is_read_once_then_kept(counter, procedure):
    assert procedure_reads(counter, procedure.code) == 1
    assert procedure_reads(counter, procedure.code) == 0


def test_a_withdrawn_procedure_is_refused_at_the_next_filing(counter, procedure):
    assert file(counter, procedure.code).status_code == 201
    procedure.is_active = False
    procedure.save()

    answer = file(counter, procedure.code)

    assert answer.status_code == 400 and "procedure" in answer.json()


def test_a_new_processing_time_sets_the_next_appointment(counter, procedure, time_machine):
    time_machine.move_to(vn(2026, 11, 23, 9, 0), tick=False)  # a Monday
    first = file(counter, procedure.code).json()
    procedure.processing_time_value += 2
    procedure.save()

    second = file(counter, procedure.code).json()

    assert first["appointment_at"] != second["appointment_at"]
    case = Case.objects.get(code=second["code"])
    assert case.appointment_at > Case.objects.get(code=first["code"]).appointment_at


def test_a_new_fee_item_makes_the_next_case_fee_bearing(counter, procedure):
    from reports.models import CaseFact

    first = file(counter, procedure.code).json()["code"]
    FeeItemFactory(procedure=procedure, code="LP1", amount=50_000)

    second = file(counter, procedure.code).json()["code"]

    fee_bearing = dict(CaseFact.objects.values_list("case__code", "fee_bearing"))
    assert (fee_bearing[first], fee_bearing[second]) == (False, True)


def test_without_the_cache_every_filing_reads_the_procedure(counter, procedure, settings):
    assert file(counter, procedure.code).status_code == 201
    settings.CACHES = {
        "default": {**settings.CACHES["default"], "LOCATION": "redis://127.0.0.1:1/0"}
    }
    assert procedure_reads(counter, procedure.code) == 1
    assert procedure_reads(counter, procedure.code) == 1


def test_a_request_reads_its_stamps_once_and_again_those_it_renews():
    kept._request_started()  # what Django's request_started signal runs
    try:
        at_start = kept.read_stamps([CATALOGUE_KEY])
        cache.set(CATALOGUE_KEY, "renewed by another worker")
        assert kept.read_stamps([CATALOGUE_KEY]) == at_start  # as the request began

        forget_catalogue()  # the request's own change
        renewed = kept.read_stamps([CATALOGUE_KEY])
        assert renewed != at_start and renewed == (cache.get(CATALOGUE_KEY),)
    finally:
        kept._request_finished()
    cache.set(CATALOGUE_KEY, "renewed again")
    assert kept.read_stamps([CATALOGUE_KEY]) == ("renewed again",)  # no request: read each time
