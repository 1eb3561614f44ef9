"""Hand-written Django views: what each hot path costs with nothing but the ORM's `.values()`.

Each answers the same JSON shape as its Onestop counterpart (close enough to cost the same),
without authentication, permissions, throttles or serializers: the ceiling to compare with.
"""

import hashlib
import hmac
import json
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from cases.models import (
    Agency,
    AppointmentChange,
    Case,
    CaseCodeSequence,
    CaseDocument,
    CaseEvent,
    FeeItem,
    Procedure,
)
from notifications.models import Notification
from onestop.sequences import next_in_sequence
from reports.models import CaseFact, ReportStamp

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


_procedures: dict[str, Procedure] = {}


@csrf_exempt
def filing(request):
    """A counter filing's rows, written with plain ORM calls in Onestop's order (its number
    taken last, so that the counter's row is locked for the least time): the case's id
    reserved; then, in one transaction, its documents, its two events, its appointment, the
    day's code number, the case (received), its report row with the reports' stamp, and the
    SMS to the applicant. The same eleven round trips as Onestop's filing, without its
    authentication, validation, working-day calendar (the appointment is counted in calendar
    days), templates or outbox task."""
    body = json.loads(request.body)
    applicant = body["applicant"]
    documents = body.get("documents", [])
    procedure = _procedures.get(body["procedure"])
    if procedure is None:  # kept by the worker, as Onestop's catalogue keeps it
        procedure = Procedure.objects.select_related("agency").get(code=body["procedure"])
        _procedures[procedure.code] = procedure
    agency = procedure.agency
    now = timezone.now()
    day = timezone.localdate(now)
    appointment = now + timedelta(days=procedure.processing_time_value)
    pin = secrets.token_hex(4).upper()
    reference = "HS" + secrets.token_hex(5).upper()
    digest = hmac.new(settings.PIN_HASH_KEY.encode(), f"{reference}:{pin}".encode(), "sha256")
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('cases_case', 'id'))")
        case_id = cursor.fetchone()[0]
    with transaction.atomic():
        CaseDocument.objects.bulk_create(
            CaseDocument(
                case_id=case_id,
                name=document["name"],
                digitised=document.get("digitised", False),
                added_at=now,
            )
            for document in documents
        )
        submitted, accepted = CaseEvent.objects.bulk_create(
            [
                CaseEvent(case_id=case_id, at=now, action="submit", to_status="submitted"),
                CaseEvent(
                    case_id=case_id,
                    at=now,
                    action="accept",
                    from_status="submitted",
                    to_status="received",
                ),
            ]
        )
        AppointmentChange.objects.create(case_id=case_id, event=accepted, new_at=appointment)
        number = next_in_sequence(CaseCodeSequence, agency=agency.pk, day=day)
        case = Case.objects.create(
            id=case_id,
            code=f"{agency.code}-{day:%y%m%d}-{number:04d}",
            reference=reference,
            pin_hash=digest.hexdigest(),
            procedure=procedure,
            receiving_agency=agency,
            deciding_agency=agency,
            applicant_full_name=applicant["full_name"],
            applicant_id_number=applicant["id_number"],
            applicant_phone=applicant.get("phone", ""),
            applicant_address=applicant.get("address", ""),
            channel=body["channel"],
            status="received",
            submitted_at=now,
            received_at=now,
            appointment_at=appointment,
        )
        ReportStamp.objects.filter(pk=case_id % ReportStamp.SHARDS).update(changes=F("changes") + 1)
        CaseFact.objects.create(
            case=case,
            procedure=procedure,
            deciding_agency=agency,
            level=procedure.level,
            online_level=procedure.online_level,
            channel=case.channel,
            status=case.status,
            received_at=now,
            due_at=appointment,
            digitised=any(document.get("digitised") for document in documents),
        )
        Notification.objects.create(
            case=case,
            event=accepted,
            kind="accept",
            channel="sms",
            recipient=case.applicant_phone,
            body=f"Ho so {case.code} da duoc tiep nhan, hen tra {appointment:%d/%m/%Y}.",
            created_at=now,
            next_attempt_at=now,
        )
    return JsonResponse({"code": case.code, "pin": pin, "appointment_at": appointment}, status=201)
