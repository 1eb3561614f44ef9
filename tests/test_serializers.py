"""The hand-filled outputs give exactly what DRF renders from their declared fields.

The hot serializers fill `to_representation` by hand (it is most of a request's time); their
fields still declare the shape for the schema. These tests hold the two together, for every
audience: staff, the applicant (no staff names) and anyone (the catalogue).
"""

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from cases import selectors, services
from cases.api import serializers as s
from cases.api.serializers import FeesDueSerializer
from cases.models import Agency, CollectionMode, Procedure
from cases.public_lookup import public_cases
from payments import links
from payments.fee_gate import fees_due_data
from payments.selectors import fees_payable
from reports.models import Rating

from .conftest import vn
from .factories import FeeItemFactory

pytestmark = pytest.mark.django_db


def drf_rendering(serializer, instance):
    """What DRF's own field-by-field `to_representation` gives."""
    return serializers.ModelSerializer.to_representation(serializer, instance)


def context_of(user) -> dict:
    request = APIRequestFactory().get("/")
    request.user = user
    return {"request": request}


@pytest.fixture
def busy_case(file_case, staff):
    """A case with an officer, a supplement request and a late-night moment (UTC date differs)."""
    case = file_case(vn(2026, 11, 27, 6, 30))
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    services.case_act(
        case=case,
        action="request-supplement",
        by=staff["officer"],
        items=["Bản sao giấy khai sinh"],
        reason="Thiếu giấy tờ",
    )
    return case


def test_a_case_list_row_renders_as_drf_would_for_staff(busy_case, staff):
    context = context_of(staff["counter"])
    with time_machine.travel(vn(2026, 12, 20, 9, 0), tick=False):  # overdue by then
        case = selectors.cases_visible_to(staff["counter"]).get(pk=busy_case.pk)
        row = s.CaseListSerializer(context=context)
        expected = drf_rendering(row, case)
        assert expected["assigned_to"] == "officer" and expected["is_overdue"] is True
        assert row.to_representation(case) == expected
        queue = selectors.case_queue(staff["counter"])
        assert s.CaseListSerializer(queue, many=True, context=context).data == [expected]


def test_a_case_list_row_hides_the_officer_from_the_applicant(file_case, staff, procedure):
    citizen = staff["citizen"]
    case = file_case(vn(2026, 11, 27, 9, 0), by=citizen, channel="online")
    services.case_act(case=case, action="accept", by=staff["counter"])
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    context = context_of(citizen)
    case = selectors.cases_visible_to(citizen).get(pk=case.pk)
    expected = {**drf_rendering(s.CaseListSerializer(context=context), case), "assigned_to": None}
    assert s.CaseListSerializer(context=context).to_representation(case) == expected
    queue = selectors.case_queue(citizen)
    assert s.CaseListSerializer(queue, many=True, context=context).data == [expected]


def test_the_filing_answer_renders_as_drf_would(file_case, staff):
    case = file_case(vn(2026, 11, 27, 9, 0))
    answer = s.CaseCreatedSerializer(case, context=context_of(staff["counter"]))
    assert answer.to_representation(case) == drf_rendering(answer, case)


def test_the_catalogue_rows_render_as_drf_renders_the_models(procedure, province):
    FeeItemFactory(procedure=procedure, code="LP1", amount=200_000)
    FeeItemFactory(procedure=procedure, code="P2", kind="fee", amount=50_000)
    rows = {row["code"]: row for row in selectors.agency_rows()}
    for agency in Agency.objects.select_related("parent"):
        out = s.AgencySerializer()
        assert out.to_representation(rows[agency.code]) == drf_rendering(out, agency)

    model = Procedure.objects.select_related("agency").prefetch_related("fees").get()
    (row,) = selectors.procedure_rows()
    out = s.ProcedureSerializer()
    assert len(drf_rendering(out, model)["fees"]) == 2
    assert out.to_representation(row) == drf_rendering(out, model)  # alone: reads its fees
    listed = s.ProcedureSerializer([row], many=True).data
    assert listed == [drf_rendering(out, model)]


def public_lookup_of(case):
    return public_cases().get(pk=case.pk)


def test_the_public_lookup_renders_as_drf_would(busy_case):
    case = public_lookup_of(busy_case)
    public = s.PublicCaseSerializer()
    expected = drf_rendering(public, case)
    assert expected["requested"] == {"supplement_items": ["Bản sao giấy khai sinh"]}
    assert expected["timeline"][1]["new_appointment_at"] is not None  # set by the receipt
    assert public.to_representation(case) == expected


def test_the_public_lookup_with_fees_and_a_rating_renders_as_drf_would(file_case, procedure, staff):
    procedure.collection = CollectionMode.ON_RESULT
    procedure.save(update_fields=["collection"])
    FeeItemFactory(procedure=procedure, code="LP1", amount=200_000)
    case = file_case(vn(2026, 11, 27, 9, 0))
    Rating.objects.create(case=case, value="satisfied", comment="Nhanh")
    case = public_lookup_of(case)
    public = s.PublicCaseSerializer()
    with time_machine.travel(vn(2026, 11, 28, 9, 0), tick=False):  # the pay link is signed
        expected = drf_rendering(public, case)
        assert expected["fees"]["due"] == 200_000 and expected["rating"]["comment"] == "Nhanh"
        assert public.to_representation(case) == expected
        # The fees, written out by hand for both, as DRF's serializer renders them.
        due = fees_payable(case)
        drf_fees = FeesDueSerializer(
            {
                "collection": case.procedure.collection,
                "amount": due.amount,
                "items": due.items,
                "pay_url": links.pay_path(case),
            }
        ).data
        assert drf_fees["items"] == [
            {
                "code": "LP1",
                "name": drf_fees["items"][0]["name"],
                "kind": "charge",
                "amount": 200_000,
            }
        ]
        assert fees_due_data(case) == drf_fees


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def case_page_of(user, case):
    return selectors.case_get_for_user(user=user, code_or_reference=case.code, with_timeline=True)


def test_the_case_page_renders_as_drf_would_for_staff(busy_case, staff):
    services.case_document_add(
        case=busy_case, name="Bản sao", file=SimpleUploadedFile("a.pdf", PDF), by=staff["counter"]
    )
    context = context_of(staff["counter"])
    with time_machine.travel(vn(2026, 12, 20, 9, 0), tick=False):  # overdue by then
        case = case_page_of(staff["counter"], busy_case)
        page = s.CaseSerializer(context=context)
        expected = drf_rendering(page, case)
        assert expected["documents"][1]["download"].startswith("http://testserver/")
        assert expected["events"][2]["actor"] == "counter"
        assert page.to_representation(case) == expected


def test_the_case_page_shows_the_applicant_agencies_not_staff(file_case, staff):
    citizen = staff["citizen"]
    case = file_case(vn(2026, 11, 27, 9, 0), by=citizen, channel="online")
    services.case_act(case=case, action="accept", by=staff["counter"])
    services.case_act(case=case, action="assign", by=staff["counter"], officer=staff["officer"])
    context = context_of(citizen)
    case = case_page_of(citizen, case)
    page = s.CaseSerializer(context=context)
    expected = {**drf_rendering(page, case), "assigned_to": None}
    assigned = expected["events"][-1]
    assert assigned["actor"] == "000.00.01.H38" and "officer" not in assigned["data"]
    assert page.to_representation(case) == expected
