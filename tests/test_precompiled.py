"""A hot read compiled once per connection gives what its queryset gives, for any values."""

from unittest import mock

import pytest
from django.db.models import F, Prefetch
from django.db.models.sql.compiler import SQLCompiler

from cases import selectors, services
from cases.models import Case, CaseEvent, Procedure
from cases.public_lookup import public_cases
from cases.selectors import with_code
from cases.user_context import load_context
from onestop.precompiled import Precompiled
from reports.models import Rating

from .conftest import vn
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def fields(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in type(instance)._meta.concrete_fields}


@pytest.fixture
def two_cases(file_case):
    rated, unrated = file_case(vn(2026, 11, 23, 9, 0)), file_case(vn(2026, 11, 24, 9, 0))
    Rating.objects.create(
        case=rated, value="satisfied", comment="Nhanh", created_at=vn(2026, 11, 30, 8, 0)
    )
    return rated, unrated


def test_a_case_comes_with_its_procedure_and_rating_as_select_related_gives_them(
    two_cases, django_assert_num_queries
):
    by_code = Precompiled(lambda code: with_code(public_cases(), code), code=str)
    for case in two_cases:
        expected = with_code(public_cases(), case.code).get()
        with django_assert_num_queries(1):
            found = by_code.first(code=case.code)
        with django_assert_num_queries(0):  # the related rows came with it, or their absence
            assert fields(found.procedure) == fields(expected.procedure)
            rating = getattr(found, "rating", None)
        assert fields(found) == fields(expected)
        expected_rating = getattr(expected, "rating", None)
        assert (rating and fields(rating)) == (expected_rating and fields(expected_rating))
    assert by_code.first(code="000.00.00.H00-261123-9999") is None


def test_values_are_converted_as_the_orm_converts_them(two_cases):
    def events(case_id):
        return (
            CaseEvent.objects.filter(case_id=case_id)
            .annotate(new_appointment_at=F("appointment_change__new_at"))
            .order_by("id")
            .values("at", "action", "data", "new_appointment_at")
        )

    timeline = Precompiled(events, case_id=int)
    for case in two_cases:
        rows = timeline.all(case_id=case.pk)
        assert rows == list(events(case.pk))
        assert rows and all(row["at"].tzinfo is not None for row in rows)


def test_the_query_is_compiled_once(two_cases):
    by_code = Precompiled(lambda code: Case.objects.filter(code=code), code=str)
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql):
        found = [by_code.first(code=case.code) for case in two_cases]
        assert SQLCompiler.as_sql.call_count == 1
    assert [case.pk for case in found] == [case.pk for case in two_cases]


def test_a_value_a_lookup_rewrites_cannot_be_a_parameter(procedure):
    contains = Precompiled(lambda text: Procedure.objects.filter(name__icontains=text), text=str)
    with pytest.raises(ValueError, match="text"):
        contains.all(text="lý lịch")


def actor_seen(event, actor: str):
    """What the case page shows of who took a step: the staff member to staff, their agency
    to anyone else."""
    if event.actor is None:
        return None
    if actor == "actor":
        return fields(event.actor)
    return event.actor.agency_id and fields(event.actor.agency)


@pytest.mark.parametrize("viewer", ["counter", "applicant"])
def test_the_case_pages_timeline_is_what_prefetch_related_leaves(
    file_case, staff, viewer, django_assert_num_queries
):
    case = file_case(vn(2026, 11, 23, 9, 0))
    services.case_act(
        case=case, action="request-supplement", by=staff["counter"], items=["Ảnh"], reason="Thiếu"
    )
    if viewer == "applicant":
        user = UserFactory()
        Case.objects.filter(pk=case.pk).update(applicant_user=user)
        actor = "actor__agency"
    else:
        user, actor = staff["counter"], "actor"
    expected = (
        Case.objects.prefetch_related(
            "documents", Prefetch("events", queryset=CaseEvent.objects.select_related(actor))
        )
        .filter(pk=case.pk)
        .get()
    )

    load_context(user)  # as a request finds it (cases.user_context)
    with django_assert_num_queries(3):  # the case, its documents, its events
        found = selectors.case_get_for_user(
            user=user, code_or_reference=case.code, with_timeline=True
        )
    with django_assert_num_queries(0):
        events = list(found.events.all())
        documents = list(found.documents.all())
        actors = [actor_seen(event, actor) for event in events]
        back = {event.case for event in events} | {document.case for document in documents}
    assert [fields(e) for e in events] == [fields(e) for e in expected.events.all()]
    assert [fields(d) for d in documents] == [fields(d) for d in expected.documents.all()]
    assert actors == [actor_seen(event, actor) for event in expected.events.all()]
    assert back == {found} and len(events) == 3 and documents
