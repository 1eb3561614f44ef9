"""Hand-written Django views: what each hot path costs with nothing but the ORM's `.values()`.

Each answers the same JSON shape as its Onestop counterpart (close enough to cost the same),
without authentication, permissions, throttles or serializers: the ceiling to compare with.
"""

import hashlib
import hmac

from django.conf import settings
from django.db.models import Q
from django.http import Http404, JsonResponse

from cases.models import Agency, Case, CaseDocument, CaseEvent, FeeItem, Procedure

PAGE = 50
CASE_FIELDS = (
    "id",
    "code",
    "reference",
    "status",
    "channel",
    "procedure__code",
    "procedure__name",
    "receiving_agency__code",
    "deciding_agency__code",
    "assigned_to__username",
    "applicant_full_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "submitted_at",
    "received_at",
    "appointment_at",
    "resolved_at",
    "returned_at",
    "closed_at",
    "return_channel",
)


def bare(request):
    return JsonResponse({"ok": True})


def public_lookup(request, code):
    """The case row by code, the PIN check, its events: two queries."""
    case = (
        Case.objects.filter(Q(code=code) | Q(reference=code))
        .values(
            "id",
            "code",
            "reference",
            "pin_hash",
            "status",
            "procedure__name",
            "received_at",
            "appointment_at",
        )
        .first()
    )
    pin = request.GET.get("pin", "").upper()
    expected = hmac.new(
        settings.PIN_HASH_KEY.encode(),
        f"{case and case['reference']}:{pin}".encode(),
        hashlib.sha256,
    ).hexdigest()
    if case is None or not hmac.compare_digest(case.pop("pin_hash"), expected):
        raise Http404
    case["timeline"] = list(
        CaseEvent.objects.filter(case_id=case.pop("id")).values(
            "at", "action", "from_status", "to_status", "reason", "form"
        )
    )
    return JsonResponse(case)


def case_page(request, code):
    """The case with its joins, its documents and its events: three queries."""
    case = Case.objects.filter(code=code).values(*CASE_FIELDS).first()
    if case is None:
        raise Http404
    case_id = case.pop("id")
    case["documents"] = list(
        CaseDocument.objects.filter(case_id=case_id).values(
            "name", "digitised", "reused", "sha256", "added_at"
        )
    )
    case["events"] = list(
        CaseEvent.objects.filter(case_id=case_id).values(
            "at", "action", "from_status", "to_status", "actor__username", "reason", "form", "data"
        )
    )
    return JsonResponse(case)


def case_list(request):
    """A page of 50 cases by appointment, with the count: two queries."""
    cases = Case.objects.order_by("appointment_at", "id")
    rows = list(cases.values(*CASE_FIELDS)[:PAGE])
    return JsonResponse({"count": cases.count(), "results": rows})


def procedures(request):
    """A page of procedures with their fees: three queries."""
    active = Procedure.objects.filter(is_active=True).order_by("code")
    rows = list(
        active.values(
            "id",
            "code",
            "name",
            "level",
            "agency__code",
            "processing_time_value",
            "processing_time_unit",
            "online_level",
            "collection",
            "supplement_clock",
            "required_documents",
        )[:PAGE]
    )
    fees: dict[int, list] = {}
    for fee in FeeItem.objects.filter(procedure_id__in=[row["id"] for row in rows]).values(
        "procedure_id", "code", "name", "kind", "amount"
    ):
        fees.setdefault(fee.pop("procedure_id"), []).append(fee)
    for row in rows:
        row["fees"] = fees.get(row.pop("id"), [])
    return JsonResponse({"count": active.count(), "results": rows})


def agencies(request):
    """A page of agencies: two queries."""
    all_agencies = Agency.objects.order_by("code")
    rows = list(all_agencies.values("code", "name", "level", "parent__code")[:PAGE])
    return JsonResponse({"count": all_agencies.count(), "results": rows})
