"""A case's facts for the reports (CaseFact): derived from its history, kept step by step.

`derive` is pure: the case, its events and a few catalogue facts in, one row of facts out;
it is the definition. `advance` is pure too: the row before a step and the step in, the row
after it out, so that a step costs the same for a case with 200 events as for one with 5.
`on_step`, the reports' step subscriber (`cases.seams`), runs `advance` in the same
transaction as every step, so the reports count every step committed before they are
asked; a filing, a paper added without a step and `rebuild_case_facts` run `derive`, and
`rebuild_case_facts --verify` (nightly) reports any row where the two disagree.
`generate_cases` calls `derive` directly for the cases it writes in bulk.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections, router
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


def waits(
    steps: list[Step], start: datetime | None, calendar: working_time.WorkCalendar
) -> tuple[datetime | None, timedelta, timedelta]:
    """(the start of the wait under way, office time waited, calendar time waited): the
    waits for the applicant, from a step that paused the clock to the next step that did
    not, counted from `start` (the start of processing) on; none before it."""
    paused_since, office, elapsed = None, timedelta(0), timedelta(0)
    for step in steps:
        if step.to_status in PAUSED:
            paused_since = paused_since or step.at
        elif paused_since is not None:
            office, elapsed = waited_until(
                step.at, paused_since, start, calendar, office=office, elapsed=elapsed
            )
            paused_since = None
    return paused_since, office, elapsed


def waited_until(at, paused_since, start, calendar, *, office, elapsed):
    """The waits so far, once a wait begun at `paused_since` ends at `at`."""
    if start is None or at <= start:
        return office, elapsed
    since = max(paused_since, start)
    return (
        office + working_time.between(since, at, calendar),
        elapsed + _calendar_time(since, at),
    )


def _calendar_time(a: datetime, b: datetime) -> timedelta:
    return max(b - a, timedelta(0))


def processing(
    start: datetime,
    end: datetime,
    *,
    waited: timedelta,
    waited_calendar: timedelta,
    unit: str,
    calendar: working_time.WorkCalendar,
) -> tuple[float, float]:
    """(working days, time in `unit`) from `start` to `end`, the waits within left out:
    the working time in working days or hours, calendar days round the clock; rounded as
    the row keeps them."""
    office = working_time.between(start, end, calendar) - waited
    days = office / calendar.day_length
    if unit == working_time.Unit.WORKING_HOURS:
        in_unit = office / timedelta(hours=1)
    elif unit == working_time.Unit.CALENDAR_DAYS:
        in_unit = (_calendar_time(start, end) - waited_calendar) / timedelta(days=1)
    else:
        in_unit = days
    return round(days, 4), round(in_unit, 4)


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

    paused_since, waited, waited_calendar = waits(steps, started, calendar)

    processing_days = processing_time = None
    if case.received_at and case.resolved_at:
        processing_days, processing_time = processing(
            started or case.received_at,
            case.resolved_at,
            waited=waited,
            waited_calendar=waited_calendar,
            unit=processing_unit,
            calendar=calendar,
        )

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
        "on_time": on_time(finished, case.received_at, due_at, supplements),
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
        "paused_since": paused_since,
        "waited": waited,
        "waited_calendar": waited_calendar,
        "reorganised_at": moved[-1].at if (moved := _reorganisations(steps)) else None,
    }


def on_time(finished, received, due, supplements: int) -> bool | None:
    """Finished by its due time with at most one supplement request; None while open.
    Without an appointment the clock never started (an upfront fee unpaid): not late."""
    if not (finished and received):
        return None
    return (due is None or finished <= due) and supplements <= 1


# The columns `derive` gives: every column of the row but the case.
FACT_FIELDS = tuple(
    field.attname for field in CaseFact._meta.concrete_fields if not field.primary_key
)

# What `derive` reads of the case row itself.
CASE_FIELDS = (
    "status", "channel", "return_channel", "procedure", "deciding_agency", "assigned_to",
    "receiving_agency", "received_at", "appointment_at", "resolved_at", "returned_at",
    "closed_at",
)  # fmt: skip


def derived(case_ids) -> dict[int, dict]:
    """{case id: its facts derived from its whole history}, for many cases in two reads:
    the cases with what `derive` needs of their procedure, agency, papers and apology, and
    their steps."""
    apology = AppointmentChange.objects.filter(
        case_id=OuterRef("pk"), reason=AppointmentChange.Reason.APOLOGY
    ).order_by("id")
    cases = (
        Case.objects.filter(pk__in=case_ids)
        .select_related("procedure", "receiving_agency")
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
    )
    steps: dict[int, list[Step]] = {}
    for case_id, *row in (
        CaseEvent.objects.filter(case_id__in=case_ids)
        .order_by("case_id", "at", "id")
        .values_list("case_id", "action", "to_status", "at", "data")
    ):
        steps.setdefault(case_id, []).append(Step(*row))
    return {
        case.pk: derive(
            case,
            steps.get(case.pk, []),
            level=case.procedure.level,
            online_level=case.procedure.online_level,
            written_result=case.procedure.written_result,
            processing_unit=case.procedure.processing_time_unit,
            before_apology=case.before_apology,
            has_digitised=case.has_digitised,
            has_reused=case.has_reused,
            fee_bearing=case.fee_bearing,
            calendar=calendar_for(case.receiving_agency),
        )
        for case in cases
    }


def case_fact_refresh(*, case_id: int) -> None:
    """Rewrite one case's facts from its whole history; call it inside a transaction."""
    _store(case_id, derived([case_id])[case_id])


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


def _store(case_id: int, fields: dict) -> None:
    stamp_bump(case_id)
    CaseFact.objects.bulk_create(
        [CaseFact(case_id=case_id, **fields)],
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=list(fields),
    )
    if fields["reorganised_at"] is not None:  # rare: only a case moved by a reorganisation
        holdings_store(case_id)


def holdings_store(case_id: int) -> None:
    """Rewrite the case's FactHolding rows from its reorganisation steps."""
    steps = [
        Step(*row)
        for row in CaseEvent.objects.filter(case_id=case_id, action="reorganise")
        .order_by("at", "id")
        .values_list("action", "to_status", "at", "data")
    ]
    FactHolding.objects.filter(case_id=case_id).delete()
    FactHolding.objects.bulk_create(
        FactHolding(case_id=case_id, agency_id=agency_id, since=since, until=until)
        for agency_id, since, until in holdings(steps)
    )


# The columns a step may change, and so those `advance` reads and writes; the others
# (the procedure's and the channel, the papers reused) are a filing's.
KEPT = (
    "officer_id", "deciding_agency_id", "status", "return_channel", "received_at",
    "started_at", "due_at", "resolved_at", "returned_at", "finished_at", "ended_at", "on_time",
    "supplements", "transfers", "apologised", "signed_digitally", "digitised",
    "written_result", "fee_exempt", "paid_online", "processing_days", "processing_time",
    "processing_unit", "paused_since", "waited", "waited_calendar",
)  # fmt: skip


def advance(
    before: dict,
    step: Step,
    changed: dict,
    *,
    calendar: Callable[[], working_time.WorkCalendar],
    has_digitised: Callable[[], bool],
    confirmed_before: Callable[[], bool],
) -> dict:
    """The KEPT columns after one step, from the row before it (`before`), the step and
    the case fields it wrote (`changed`); the same as `derive` over the whole history.

    What the row alone cannot say is asked for only by the steps that need it: the
    agency's calendar (a wait ends, the case is resolved), whether the case has digitised
    papers (its first digital signature), whether a fee was confirmed before (a fee asked).
    """
    row = dict(before)
    for field, column in (("assigned_to", "officer_id"), ("deciding_agency", "deciding_agency_id")):
        if field in changed:
            row[column] = getattr(changed[field], "pk", changed[field])
    for name in ("received_at", "resolved_at", "returned_at"):
        if name in changed:
            row[name] = changed[name]
    if "return_channel" in changed:
        row["return_channel"] = changed["return_channel"] or ""
    status = row["status"] = step.to_status

    # Processing starts at acceptance, or once the first upfront fee is confirmed.
    if "received_at" in changed:
        row["started_at"] = row["received_at"]
    if step.action == "request-payment" and not confirmed_before():
        row["started_at"] = None
    if step.action == "payment-confirmed" and row["started_at"] is None:
        row["started_at"] = step.at

    if status in PAUSED:
        row["paused_since"] = row["paused_since"] or step.at
    elif row["paused_since"] is not None:
        row["waited"], row["waited_calendar"] = waited_until(
            step.at,
            row["paused_since"],
            row["started_at"],
            calendar() if row["started_at"] and step.at > row["started_at"] else None,
            office=row["waited"],
            elapsed=row["waited_calendar"],
        )
        row["paused_since"] = None

    # The appointment in force until the first apology letter, which never makes a late
    # case on time: the due time stays where the apology found it.
    if step.action == "apologise":
        row["apologised"] = True
    elif "appointment_at" in changed and not row["apologised"]:
        row["due_at"] = changed["appointment_at"]

    if row["ended_at"] is None and (status in ENDED or row["resolved_at"]):
        row["ended_at"] = row["resolved_at"] or row["returned_at"] or changed.get("closed_at")
    row["finished_at"] = step.at if status == Status.SUPPLEMENT_REQUESTED else row["ended_at"]
    row["supplements"] += step.action == "request-supplement"
    row["transfers"] += step.action == "transfer"
    row["on_time"] = on_time(
        row["finished_at"], row["received_at"], row["due_at"], row["supplements"]
    )

    if signed_digitally(step) and not row["signed_digitally"]:
        row["signed_digitally"] = True
        row["digitised"] = has_digitised()
    exempt, paid_online = payment_facts([step])
    row["fee_exempt"] = row["fee_exempt"] or exempt
    row["paid_online"] = row["paid_online"] or paid_online

    if "resolved_at" in changed and row["received_at"]:
        row["processing_days"], row["processing_time"] = processing(
            row["started_at"] or row["received_at"],
            row["resolved_at"],
            waited=row["waited"],
            waited_calendar=row["waited_calendar"],
            unit=row["processing_unit"],
            calendar=calendar(),
        )
    return row


_TABLE = CaseFact._meta.db_table
_READ = f"SELECT {', '.join(KEPT)} FROM {_TABLE} WHERE case_id = %s"


def case_fact_advance(*, case, event, changed: dict) -> None:
    """Bring one case's fact row past one step: read the row, write the columns the step
    changed. A case without a row gets one derived."""
    db = router.db_for_write(CaseFact)
    values = _fact_row(db, case.pk)
    # No row yet, or a reorganisation (rare; it rewrites the agencies that held the case).
    if values is None or event.action == "reorganise":
        case_fact_refresh(case_id=case.pk)
        return
    before = dict(zip(KEPT, values, strict=True))
    after = advance(
        before,
        Step(event.action, event.to_status, event.at, event.data),
        changed,
        calendar=lambda: calendar_for(case.receiving_agency),
        has_digitised=lambda: CaseDocument.objects.filter(case=case, digitised=True).exists(),
        confirmed_before=lambda: CaseEvent.objects.filter(
            case=case, action="payment-confirmed"
        ).exists(),
    )
    stamp_bump(case.pk)
    if columns := {name: after[name] for name in KEPT if after[name] != before[name]}:
        _fact_update(db, case.pk, columns)


def _fact_row(db: str, case_id: int) -> tuple | None:
    """The KEPT columns of a case's row. Plain SQL on PostgreSQL (every step runs it);
    elsewhere (SQLite, the embedded mode) through the ORM, whose converters make its
    datetimes aware and its durations timedeltas."""
    if connections[db].vendor != "postgresql":
        return CaseFact.objects.using(db).filter(case_id=case_id).values_list(*KEPT).first()
    with connections[db].cursor() as cursor:
        cursor.execute(_READ, [case_id])
        return cursor.fetchone()


def _fact_update(db: str, case_id: int, columns: dict) -> None:
    if connections[db].vendor != "postgresql":
        CaseFact.objects.using(db).filter(case_id=case_id).update(**columns)
        return
    assignments = ", ".join(f"{name} = %s" for name in columns)
    with connections[db].cursor() as cursor:
        cursor.execute(
            f"UPDATE {_TABLE} SET {assignments} WHERE case_id = %s", [*columns.values(), case_id]
        )


def on_step(done) -> None:
    """The reports' part in every step (`cases.seams`): the case's fact row, moved on by the
    step; derived afresh for a filing and for papers added without a step."""
    if done.filing is not None:
        case_fact_of_filing(
            case=done.case, events=done.filing.events, documents=done.filing.documents
        )
    elif done.event is None:
        case_fact_refresh(case_id=done.case.pk)
    else:
        case_fact_advance(case=done.case, event=done.event, changed=done.changed)
