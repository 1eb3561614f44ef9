"""A case's facts for the reports, derived from its history (CaseFact).

`derive` is pure: the case, its events and a few catalogue facts in, one row of facts out.
`on_step`, the reports' step subscriber (`cases.seams`), runs it in the same transaction as
every step, so the reports count every step committed before they are asked;
`generate_cases` calls `derive` directly for the cases it writes in bulk.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Subquery

from cases import working_time
from cases.models import (
    AppointmentChange,
    Case,
    CaseDocument,
    CaseEvent,
    FeeItem,
    Status,
)
from cases.models.case import ENDED, PAUSED
from cases.selectors import calendar_for

from .aggregates import stamp_bump
from .models import CaseFact, FactHolding


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


def _reorganisations(steps: list[Step]) -> list[Step]:
    """The steps by which a reorganisation took the case from the agency deciding it."""
    return [s for s in steps if s.action == "reorganise" and "deciding_from" in s.data]


def holdings(steps: list[Step]) -> list[tuple[int, datetime | None, datetime]]:
    """(agency id, since, until) of every agency that decided the case until a
    reorganisation moved it on (FactHolding)."""
    rows, since = [], None
    for step in _reorganisations(steps):
        rows.append((step.data["deciding_from"], since, step.at))
        since = step.at
    return rows


def agency_at(deciding_agency_id: int, steps: list[Step], end: datetime) -> int:
    """The agency a case counts under for a period ending at `end` (its first moment after):
    the one a reorganisation took it from at or after `end`, else the one deciding it now
    (a transfer is no reorganisation: a transferred case counts at its new agency)."""
    later = [s for s in _reorganisations(steps) if s.at >= end]
    return later[0].data["deciding_from"] if later else deciding_agency_id


def ended_at(case) -> datetime | None:
    """When the case stopped being open: resolved, else returned, else closed (stopped,
    rejected, withdrawn)."""
    if case.status in ENDED or case.resolved_at:
        return case.resolved_at or case.returned_at or case.closed_at
    return None


def finished_at(case, steps: list[Step]) -> datetime | None:
    """When the case finished for indicator 2.1: as `ended_at` (withdrawn cases too), and a
    case waiting for a supplement finished at the request it waits on, since the wait for
    the applicant is not counted against the agency (Decision 766 as the portal reads it)."""
    if case.status == Status.SUPPLEMENT_REQUESTED:
        return next(s.at for s in reversed(steps) if s.to_status == Status.SUPPLEMENT_REQUESTED)
    return ended_at(case)


def started_at(case, steps: list[Step]) -> datetime | None:
    """When processing started (indicator 2.2): at acceptance, or once an upfront fee was
    settled (thu trước: the clock starts then); None while that fee waits."""
    if case.received_at is None:
        return None
    confirmed = next((s.at for s in steps if s.action == "payment-confirmed"), None)
    if confirmed is None and any(s.action == "request-payment" for s in steps):
        return None
    return confirmed or case.received_at


def worked(steps: list[Step], start: datetime, end: datetime, measure: Callable) -> timedelta:
    """`measure(start, end)` less the waits for the applicant within it: from a step that
    paused the clock to the next step that did not."""
    total = measure(start, end)
    paused_since = None
    for step in steps:
        if step.to_status in PAUSED and paused_since is None:
            paused_since = step.at
        elif step.to_status not in PAUSED and paused_since is not None:
            if step.at > start and paused_since < end:
                total -= measure(max(paused_since, start), min(step.at, end))
            paused_since = None
    return total


def _calendar_time(a: datetime, b: datetime) -> timedelta:
    return max(b - a, timedelta(0))


def processing_in_unit(
    steps: list[Step],
    start: datetime,
    end: datetime,
    unit: str,
    calendar: working_time.WorkCalendar,
) -> tuple[float, float]:
    """(working days, time in `unit`) from `start` to `end`, waits left out: the working
    time in working days or hours, calendar days round the clock."""
    office = worked(steps, start, end, lambda a, b: working_time.between(a, b, calendar))
    days = office / calendar.day_length
    if unit == working_time.Unit.WORKING_HOURS:
        return days, office / timedelta(hours=1)
    if unit == working_time.Unit.CALENDAR_DAYS:
        return days, worked(steps, start, end, _calendar_time) / timedelta(days=1)
    return days, days


def derive(
    case,
    steps: list[Step],
    *,
    level: str,
    online_level: str,
    written_result: bool,
    processing_unit: str,
    before_apology: datetime | None,
    has_digitised: bool,
    has_reused: bool,
    fee_bearing: bool,
    calendar: working_time.WorkCalendar,
) -> dict:
    """The CaseFact fields of `case` (a Case or anything with its attributes)."""
    status = case.status
    finished = finished_at(case, steps)
    due_at = before_apology or case.appointment_at
    supplements = sum(step.action == "request-supplement" for step in steps)
    signed = any(signed_digitally(step) for step in steps)
    exempt, paid_online = payment_facts(steps)
    started = started_at(case, steps)

    on_time = None
    if finished and case.received_at:
        # Without an appointment the clock never started (an upfront fee unpaid): not late.
        on_time = (due_at is None or finished <= due_at) and supplements <= 1

    processing_days = processing_time = None
    if case.received_at and case.resolved_at:
        days, in_unit = processing_in_unit(
            steps, started or case.received_at, case.resolved_at, processing_unit, calendar
        )
        processing_days, processing_time = round(days, 4), round(in_unit, 4)

    return {
        "procedure_id": case.procedure_id,
        "deciding_agency_id": case.deciding_agency_id,
        "officer_id": case.assigned_to_id,
        "level": level,
        "online_level": online_level,
        "written_result": written_result,
        "channel": case.channel,
        "status": status,
        "return_channel": case.return_channel or "",
        "received_at": case.received_at,
        "started_at": started,
        "due_at": due_at,
        "resolved_at": case.resolved_at,
        "returned_at": case.returned_at,
        "finished_at": finished,
        "ended_at": ended_at(case),
        "on_time": on_time,
        "supplements": supplements,
        "transfers": sum(step.action == "transfer" for step in steps),
        "apologised": before_apology is not None,
        "signed_digitally": signed,
        # An electronic result is required wherever the result is a written paper.
        "digitised": has_digitised and (not written_result or signed),
        "reused": has_reused,
        "fee_bearing": fee_bearing,
        "fee_exempt": exempt,
        "paid_online": paid_online,
        "processing_days": processing_days,
        "processing_time": processing_time,
        "processing_unit": processing_unit,
        "reorganised_at": moved[-1].at if (moved := _reorganisations(steps)) else None,
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
            "procedure__written_result",
            "procedure__processing_time_unit",
            "receiving_agency__office_hours",
        )
        .annotate(
            before_apology=Subquery(apology.values("old_at")[:1]),
            has_digitised=Exists(
                CaseDocument.objects.filter(case_id=OuterRef("pk"), digitised=True)
            ),
            has_reused=Exists(CaseDocument.objects.filter(case_id=OuterRef("pk"), reused=True)),
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
            written_result=case.procedure.written_result,
            processing_unit=case.procedure.processing_time_unit,
            before_apology=case.before_apology,
            has_digitised=case.has_digitised,
            has_reused=case.has_reused,
            fee_bearing=case.fee_bearing,
            calendar=calendar_for(case.receiving_agency),
        ),
        steps,
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
            written_result=procedure.written_result,
            processing_unit=procedure.processing_time_unit,
            before_apology=None,
            has_digitised=any(document.digitised for document in documents),
            has_reused=any(document.reused for document in documents),
            fee_bearing=procedure.fee_bearing,
            calendar=calendar_for(case.receiving_agency),
        ),
    )


def _store(case_id: int, fields: dict, steps: list[Step] = ()) -> None:
    stamp_bump(case_id)
    CaseFact.objects.bulk_create(
        [CaseFact(case_id=case_id, **fields)],
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=list(fields),
    )
    if fields["reorganised_at"] is not None:  # rare: only a case moved by a reorganisation
        FactHolding.objects.filter(case_id=case_id).delete()
        FactHolding.objects.bulk_create(
            FactHolding(case_id=case_id, agency_id=agency_id, since=since, until=until)
            for agency_id, since, until in holdings(steps)
        )


def on_step(done) -> None:
    """The reports' part in every step (`cases.seams`): the case's fact row, rewritten."""
    if done.filing is not None:
        case_fact_of_filing(
            case=done.case, events=done.filing.events, documents=done.filing.documents
        )
    else:
        case_fact_refresh(case_id=done.case.pk)
