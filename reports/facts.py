"""A case's facts for the reports, derived from its history (CaseFact).

`derive` is pure: the case, its events and a few catalogue facts in, one row of facts out.
`on_step`, the reports' step subscriber (`cases.seams`), runs it in the same transaction as
every step, so the reports count every step committed before they are asked;
`generate_cases` calls `derive` directly for the cases it writes in bulk.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Subquery

from cases import working_time
from cases.models import (
    AppointmentChange,
    Case,
    CaseDocument,
    CaseEvent,
    FeeItem,
    OnlineLevel,
    Status,
)
from cases.models.case import FINISHED, PAUSED
from cases.selectors import calendar_for

from .aggregates import stamp_bump
from .models import CaseFact


@dataclass(frozen=True)
class Step:
    """What `derive` needs of a CaseEvent."""

    action: str
    to_status: str
    at: datetime
    data: dict


def signed_digitally(step: Step) -> bool:
    """A `sign` step with an electronic signature. The signing service records its kind in
    `data["signature"]`; "approval" is the paper result approved without one."""
    return step.action == "sign" and step.data.get("signature", "approval") != "approval"


def payment_facts(steps: list[Step]) -> tuple[bool, bool]:
    """(fully fee-exempt, paid online), from the payments app's steps: an exemption that
    waives every fee item says `data["fee_exempt"]`; a payment request paid through the
    gateway is a step with `data["method"] == "online"` and `data["state"] == "paid"`."""
    exempt = any(step.data.get("fee_exempt") is True for step in steps)
    online = any(
        step.data.get("method") == "online" and step.data.get("state") == "paid" for step in steps
    )
    return exempt, online


def derive(
    case,
    steps: list[Step],
    *,
    level: str,
    online_level: str,
    before_apology: datetime | None,
    has_digitised: bool,
    fee_bearing: bool,
    calendar: working_time.WorkCalendar,
) -> dict:
    """The CaseFact fields of `case` (a Case or anything with its attributes)."""
    status = case.status
    finished_at = None
    if status in FINISHED or case.resolved_at:
        finished_at = case.resolved_at or case.returned_at or case.closed_at
    ended_at = finished_at or (case.closed_at if status == Status.WITHDRAWN else None)
    due_at = before_apology or case.appointment_at
    supplements = sum(step.action == "request-supplement" for step in steps)
    signed = any(signed_digitally(step) for step in steps)
    exempt, paid_online = payment_facts(steps)

    on_time = None
    if finished_at and case.received_at and due_at:
        on_time = finished_at <= due_at and supplements <= 1

    processing_days = None
    if case.received_at and case.resolved_at:
        worked = working_time.between(case.received_at, case.resolved_at, calendar)
        paused_since = None
        for step in steps:
            if step.to_status in PAUSED and paused_since is None:
                paused_since = step.at
            elif step.to_status not in PAUSED and paused_since is not None:
                worked -= working_time.between(paused_since, step.at, calendar)
                paused_since = None
        processing_days = round(worked / calendar.day_length, 4)

    return {
        "procedure_id": case.procedure_id,
        "deciding_agency_id": case.deciding_agency_id,
        "officer_id": case.assigned_to_id,
        "level": level,
        "online_level": online_level,
        "channel": case.channel,
        "status": status,
        "return_channel": case.return_channel or "",
        "received_at": case.received_at,
        "due_at": due_at,
        "resolved_at": case.resolved_at,
        "returned_at": case.returned_at,
        "finished_at": finished_at,
        "ended_at": ended_at,
        "on_time": on_time,
        "supplements": supplements,
        "transfers": sum(step.action == "transfer" for step in steps),
        "apologised": before_apology is not None,
        "signed_digitally": signed,
        # An electronic result is required where the whole procedure runs online.
        "digitised": has_digitised and (online_level != OnlineLevel.FULL or signed),
        "fee_bearing": fee_bearing,
        "fee_exempt": exempt,
        "paid_online": paid_online,
        "processing_days": processing_days,
    }


# What `derive` reads of the case row itself.
CASE_FIELDS = (
    "status", "channel", "return_channel", "procedure", "deciding_agency", "assigned_to",
    "receiving_agency", "received_at", "appointment_at", "resolved_at", "returned_at",
    "closed_at",
)  # fmt: skip


def case_fact_refresh(*, case_id: int) -> None:
    """Rewrite one case's facts from its history; call it inside the step's transaction.

    Every step pays for it, so it costs four round trips: the case with what `derive` needs
    of its procedure, agency, papers and apology in one read, its steps, the reports'
    stamp, and the row itself.
    """
    apology = AppointmentChange.objects.filter(
        case_id=OuterRef("pk"), reason=AppointmentChange.Reason.APOLOGY
    ).order_by("id")
    case = (
        Case.objects.select_related("procedure", "receiving_agency")
        .only(
            *CASE_FIELDS,
            "procedure__level",
            "procedure__online_level",
            "receiving_agency__office_hours",
        )
        .annotate(
            before_apology=Subquery(apology.values("old_at")[:1]),
            has_digitised=Exists(
                CaseDocument.objects.filter(case_id=OuterRef("pk"), digitised=True)
            ),
            fee_bearing=Exists(
                FeeItem.objects.costing().filter(procedure_id=OuterRef("procedure_id"))
            ),
        )
        .get(pk=case_id)
    )
    steps = [
        Step(*row)
        for row in CaseEvent.objects.filter(case_id=case_id)
        .order_by("at", "id")
        .values_list("action", "to_status", "at", "data")
    ]
    _store(
        case_id,
        derive(
            case,
            steps,
            level=case.procedure.level,
            online_level=case.procedure.online_level,
            before_apology=case.before_apology,
            has_digitised=case.has_digitised,
            fee_bearing=case.fee_bearing,
            calendar=calendar_for(case.receiving_agency),
        ),
    )


def case_fact_of_filing(*, case: Case, events: list[CaseEvent], documents) -> None:
    """`case_fact_refresh` for a case being filed, from what the filing holds: its whole
    history is `events` (in order), its papers are `documents`, and no apology exists yet.
    Two round trips, not four, on the path every counter filing takes."""
    procedure = case.procedure
    _store(
        case.pk,
        derive(
            case,
            [Step(event.action, event.to_status, event.at, event.data) for event in events],
            level=procedure.level,
            online_level=procedure.online_level,
            before_apology=None,
            has_digitised=any(document.digitised for document in documents),
            fee_bearing=procedure.fee_bearing,
            calendar=calendar_for(case.receiving_agency),
        ),
    )


def _store(case_id: int, fields: dict) -> None:
    stamp_bump(case_id)
    CaseFact.objects.bulk_create(
        [CaseFact(case_id=case_id, **fields)],
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=list(fields),
    )


def on_step(done) -> None:
    """The reports' part in every step (`cases.seams`): the case's fact row, rewritten."""
    if done.filing is not None:
        case_fact_of_filing(
            case=done.case, events=done.filing.events, documents=done.filing.documents
        )
    else:
        case_fact_refresh(case_id=done.case.pk)
