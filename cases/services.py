"""Writes: filing a case and moving it through its lifecycle.

`case_act` is the one place that changes a case's status: it checks the move against
`workflow.MOVES`, writes the status by compare-and-set, appends a `CaseEvent`, keeps the
appointment history, recomputes `next_alert_at` and queues what follows after commit.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notify_applicant
from reports.facts import case_fact_refresh

from . import working_time
from .exceptions import ActionForbidden, InvalidTransition
from .models import (
    Agency,
    AppointmentChange,
    Case,
    CaseCodeSequence,
    CaseDocument,
    CaseEvent,
    Channel,
    Procedure,
    ReturnChannel,
    Role,
    Status,
    SupplementClock,
    User,
)
from .selectors import (
    agency_subtree_ids,
    calendar_for,
    due_soon_window,
    province_agency_ids,
    user_agency_ids,
)
from .workflow import DECIDING, EITHER, MOVES, RECEIVING, Move

# Crockford base32: no I, L, O, U, so a PIN read aloud or retyped is unambiguous.
PIN_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PIN_LENGTH = 8  # 40 bits
_PIN_READS_AS = str.maketrans({"I": "1", "L": "1", "O": "0", "-": None, " ": None})

# States in which the processing clock runs (and so the deadline watcher has work).
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SIGNATURE})


# --- PINs and codes --------------------------------------------------------------------


def _random_base32(length: int) -> str:
    return "".join(secrets.choice(PIN_ALPHABET) for _ in range(length))


def normalise_pin(pin: str) -> str:
    return (pin or "").upper().translate(_PIN_READS_AS)


def pin_hash(*, reference: str, pin: str) -> str:
    """Keyed hash of a lookup PIN: a stolen table alone does not let anyone guess PINs."""
    message = f"{reference}:{normalise_pin(pin)}".encode()
    return hmac.new(settings.PIN_HASH_KEY.encode(), message, hashlib.sha256).hexdigest()


def pin_matches(case: Case, pin: str) -> bool:
    return bool(case.pin_hash) and hmac.compare_digest(
        case.pin_hash, pin_hash(reference=case.reference, pin=pin)
    )


def _next_case_number(agency: Agency, day) -> int:
    """Take the next number of the agency's daily sequence.

    One upsert: the row lock it takes is held to the end of the transaction, so numbers
    are never issued twice; if the transaction rolls back, so does the number.
    """
    table = CaseCodeSequence._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} (agency_id, day, last) VALUES (%s, %s, 1)
            ON CONFLICT (agency_id, day) DO UPDATE SET last = {table}.last + 1
            RETURNING last
            """,
            [agency.pk, day],
        )
        return cursor.fetchone()[0]


def issue_case_code(*, agency: Agency, moment: datetime) -> str:
    """`{agency code}-{yyMMdd}-{NNNN}`, the day in Vietnam time; past 9999 it grows."""
    day = timezone.localtime(moment, working_time.VN_TZ).date()
    number = _next_case_number(agency, day)
    return f"{agency.code}-{day:%y%m%d}-{number:04d}"


# --- filing ----------------------------------------------------------------------------


@transaction.atomic
def case_file(
    *,
    procedure: Procedure,
    applicant: dict,
    channel: str,
    documents: list[dict] = (),
    by: User | None = None,
    now: datetime | None = None,
) -> Case:
    """File a case (nộp hồ sơ).

    Counter staff file `counter` or `post` cases, which are received at once (code,
    appointment, receipt PIN). Anyone else files `online`; the case waits as `submitted`
    until the counter accepts it. The plain PIN is set on the returned object as `pin`,
    the only time it exists outside the receipt.
    """
    now = now or timezone.now()
    staff = by is not None and by.is_authenticated and by.is_staff_member
    if staff and Role.COUNTER_STAFF not in by.roles:
        raise ActionForbidden(_("Only counter staff file cases for applicants."))
    allowed_channels = {Channel.COUNTER, Channel.POST} if staff else {Channel.ONLINE}
    if channel not in allowed_channels:
        raise ValidationError(
            {"channel": _("Use one of: %s.") % ", ".join(sorted(allowed_channels))}
        )
    if not procedure.is_active:
        raise ValidationError({"procedure": _("This procedure is no longer offered.")})

    pin = _random_base32(PIN_LENGTH)
    reference = "HS" + _random_base32(10)
    case = Case.objects.create(
        reference=reference,
        pin_hash=pin_hash(reference=reference, pin=pin),
        procedure=procedure,
        receiving_agency=by.agency if staff else procedure.agency,
        deciding_agency=procedure.agency,
        applicant_user=by if by is not None and by.is_authenticated and not staff else None,
        applicant_full_name=applicant["full_name"],
        applicant_id_number=applicant["id_number"],
        applicant_phone=applicant.get("phone", ""),
        applicant_email=applicant.get("email", ""),
        applicant_address=applicant.get("address", ""),
        channel=channel,
        submitted_at=now,
    )
    CaseDocument.objects.bulk_create(
        CaseDocument(
            case=case,
            name=doc["name"],
            digitised=doc.get("digitised", False),
            reused=doc.get("reused", False),
            added_at=now,
        )
        for doc in documents
    )
    CaseEvent.objects.create(
        case=case,
        actor=by if by is not None and by.is_authenticated else None,
        at=now,
        action="submit",
        to_status=Status.SUBMITTED,
        data={"channel": channel, "documents": len(documents)},
    )
    if staff:
        case = _apply(case=case, action="accept", by=by, now=now)
    else:
        case_fact_refresh(case_id=case.pk)
    case.pin = pin
    return case


@transaction.atomic
def case_document_add(
    *, case: Case, name: str, file, by: User, reused: bool = False
) -> CaseDocument:
    """Attach a scanned document (số hóa) to an open case, with its SHA-256 for integrity."""
    if not case.is_open:
        raise InvalidTransition(_("Documents can only be added to an open case."))
    if not _acts_on_side(by, case, EITHER) or not by.roles & {Role.COUNTER_STAFF, Role.OFFICER}:
        raise ActionForbidden(_("You may not add documents to this case."))
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    document = CaseDocument(
        case=case, name=name, digitised=True, reused=reused, sha256=digest.hexdigest()
    )
    document.file.save(file.name, file, save=False)
    document.save()
    case_fact_refresh(case_id=case.pk)
    return document


# --- the lifecycle ---------------------------------------------------------------------


@dataclass
class Step:
    """What one action changes besides the status."""

    fields: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    new_appointment: datetime | None = None
    appointment_reason: str = ""


def _acts_on_side(user: User, case: Case, side: str) -> bool:
    ids = user_agency_ids(user)
    receiving = case.receiving_agency_id in ids
    deciding = case.deciding_agency_id in ids
    if case.status == Status.SUBMITTED and Role.COUNTER_STAFF in user.roles and not receiving:
        # Not received anywhere yet: any counter of the province may receive it.
        receiving = case.deciding_agency_id in province_agency_ids(user)
    return {RECEIVING: receiving, DECIDING: deciding}.get(side, receiving or deciding)


def _permitted(move: Move, case: Case, user: User) -> bool:
    if move.applicant_may and case.applicant_user_id and case.applicant_user_id == user.pk:
        return True
    if not (user.is_authenticated and user.is_staff_member):
        return False
    return bool(move.roles & user.roles) and _acts_on_side(user, case, move.side)


def allowed_actions(case: Case, user, now: datetime | None = None) -> list[str]:
    """The actions this user may take on the case now."""
    now = now or timezone.now()
    return [
        move.action
        for move in MOVES.values()
        if case.status in move.sources
        and _permitted(move, case, user)
        and not _refusal(move, case, user, now)
    ]


def _refusal(move: Move, case: Case, user: User, now: datetime) -> Exception | None:
    """Why a move that the table allows is refused for this case and user, if it is."""
    if move.action == "submit-result" and case.assigned_to_id not in (None, user.pk):
        return ActionForbidden(_("Only the assigned officer submits the result."))
    if move.action == "apologise" and not _late_or_nearly(case, now):
        return InvalidTransition(_("An apology letter is for a case that is late or about to be."))
    return None


def _late_or_nearly(case: Case, now: datetime) -> bool:
    """Past the appointment, or within the due-soon window of it."""
    calendar = calendar_for(case.receiving_agency)
    window = due_soon_window(case.receiving_agency, calendar)
    return case.appointment_at is not None and (
        working_time.add(now, window, calendar) >= case.appointment_at
    )


@transaction.atomic
def case_act(*, case: Case, action: str, by: User, now: datetime | None = None, **params) -> Case:
    """Apply one action to a case (see `workflow.MOVES`) and return the updated case."""
    return _apply(case=case, action=action, by=by, now=now, **params)


def _apply(*, case: Case, action: str, by: User, now: datetime | None = None, **params) -> Case:
    """`case_act` within a transaction the caller already holds: no savepoint of its own."""
    move = MOVES.get(action)
    if move is None:
        raise InvalidTransition(_("Unknown action: %s.") % action)
    now = now or timezone.now()
    if not _permitted(move, case, by):
        raise ActionForbidden(_("You may not %(action)s this case.") % {"action": action})
    if case.status not in move.sources:
        raise InvalidTransition(
            _("Cannot %(action)s a case that is %(status)s.")
            % {"action": action, "status": case.get_status_display().lower()}
        )
    if refusal := _refusal(move, case, by, now):
        raise refusal
    reason = (params.pop("reason", "") or "").strip()
    if move.reason_required and not reason:
        raise ValidationError({"reason": _("A reason is required.")})

    step = STEPS[action](case=case, by=by, now=now, **params)
    target = move.target or case.status
    appointment = step.new_appointment or case.appointment_at
    fields = {
        **step.fields,
        "status": target,
        "next_alert_at": next_alert_at(case, status=target, appointment_at=appointment, now=now),
    }
    if step.new_appointment:
        fields["appointment_at"] = step.new_appointment

    # Compare-and-set: if anyone took a step on the case since we read it (a move to another
    # state, or a step within one such as a transfer), we change nothing.
    fields["version"] = case.version + 1
    updated = Case.objects.filter(pk=case.pk, status=case.status, version=case.version).update(
        **fields
    )
    if updated != 1:
        raise InvalidTransition(_("The case changed meanwhile; reload it and try again."))
    event = CaseEvent.objects.create(
        case=case,
        actor=by if by.is_authenticated else None,
        at=now,
        action=action,
        from_status=case.status,
        to_status=target,
        reason=reason,
        form=move.form,
        data=step.data,
    )
    if step.new_appointment:
        AppointmentChange.objects.create(
            case=case,
            event=event,
            old_at=case.appointment_at,
            new_at=step.new_appointment,
            reason=step.appointment_reason,
        )
    for name, value in fields.items():
        setattr(case, name, value)
    case_fact_refresh(case_id=case.pk)  # the reports see the step as soon as it commits
    notify_applicant(case=case, event=event)
    return case


def next_alert_at(case: Case, *, status: str, appointment_at, now: datetime):
    """When the deadline watcher must look at the case next: due soon, then overdue.

    None while the clock is stopped (paused for a supplement, finished, not yet received).
    """
    if status not in CLOCK_RUNNING or appointment_at is None:
        return None
    calendar = calendar_for(case.receiving_agency)
    window = due_soon_window(case.receiving_agency, calendar)
    due_soon_at = working_time.subtract(appointment_at, window, calendar)
    return due_soon_at if now < due_soon_at else appointment_at


def _appointment_from(case: Case, start: datetime) -> datetime:
    procedure = case.procedure
    return working_time.deadline(
        start,
        procedure.processing_time_value,
        procedure.processing_time_unit,
        calendar_for(case.receiving_agency),
    )


# --- one function per action: validate its parameters, say what changes ------------------


def _accept(*, case, by, now):
    case.receiving_agency = by.agency  # received where the accepting clerk works
    return Step(
        fields={
            "receiving_agency": by.agency,
            "code": issue_case_code(agency=by.agency, moment=now),
            "received_at": now,
        },
        new_appointment=_appointment_from(case, now),
        appointment_reason=AppointmentChange.Reason.RECEIVED,
    )


def _close(*, case, by, now):
    return Step(fields={"closed_at": now})


def _assign(*, case, by, now, officer: User):
    if not isinstance(officer, User) or not officer.is_active or Role.OFFICER not in officer.roles:
        raise ValidationError({"officer": _("Choose an active officer.")})
    # An officer of the deciding agency or of one of its sub-units.
    if officer.agency_id not in agency_subtree_ids(case.deciding_agency_id):
        raise ValidationError({"officer": _("The officer must work for the deciding agency.")})
    return Step(fields={"assigned_to": officer}, data={"officer": officer.username})


def _request_supplement(*, case, by, now, items):
    items = [str(item).strip() for item in items or [] if str(item).strip()]
    if not items:
        raise ValidationError({"items": _("List every missing document, all at once.")})
    return Step(data={"items": items})


def _supplement_received(*, case, by, now):
    """The documents arrived: move the appointment per the procedure's clock mode."""
    requested_at = (
        case.events.filter(to_status=Status.SUPPLEMENT_REQUESTED)
        .order_by("-at", "-id")
        .values_list("at", flat=True)
        .first()
    )
    calendar = calendar_for(case.receiving_agency)
    if case.procedure.supplement_clock == SupplementClock.RESTART:
        new = _appointment_from(case, now)
    else:
        waited = working_time.between(requested_at, now, calendar)
        new = working_time.add(case.appointment_at, waited, calendar)
    return Step(
        data={"waited_from": requested_at.isoformat(), "mode": case.procedure.supplement_clock},
        new_appointment=new,
        appointment_reason=AppointmentChange.Reason.SUPPLEMENT,
    )


def _transfer(*, case, by, now, agency):
    if not isinstance(agency, Agency):
        raise ValidationError({"agency": _("Unknown agency.")})
    if agency.pk == case.deciding_agency_id:
        raise ValidationError({"agency": _("The case is already with this agency.")})
    return Step(
        fields={"deciding_agency": agency, "assigned_to": None},
        data={"from_agency": case.deciding_agency.code, "to_agency": agency.code},
    )


def _submit_result(*, case, by, now, result: str = "generated"):
    return Step(data={"result": result})


def _nothing(*, case, by, now):
    return Step()


def _sign(*, case, by, now):
    # The signature of an electronic result (PAdES) comes with the signing service;
    # here the signer approves the (paper) result.
    return Step(fields={"resolved_at": now}, data={"signature": "approval"})


def _apologise(*, case, by, now, new_appointment_at):
    if not isinstance(new_appointment_at, datetime) or timezone.is_naive(new_appointment_at):
        raise ValidationError({"new_appointment_at": _("Give a date and time with its offset.")})
    if new_appointment_at <= max(now, case.appointment_at):
        raise ValidationError(
            {"new_appointment_at": _("The new appointment must be later than the current one.")}
        )
    return Step(
        data={"old_appointment_at": case.appointment_at.isoformat()},
        new_appointment=new_appointment_at,
        appointment_reason=AppointmentChange.Reason.APOLOGY,
    )


def _return(*, case, by, now, channel, recipient: str = "", tracking_number: str = ""):
    if channel not in ReturnChannel.values:
        raise ValidationError({"channel": _("Use online, counter or post.")})
    if channel == ReturnChannel.COUNTER and not recipient.strip():
        raise ValidationError({"recipient": _("Who collected the result?")})
    if channel == ReturnChannel.POST and not tracking_number.strip():
        raise ValidationError({"tracking_number": _("Give the postal tracking number.")})
    data = {"channel": channel}
    if recipient:
        data["recipient"] = recipient.strip()
    if tracking_number:
        data["tracking_number"] = tracking_number.strip()
    return Step(fields={"returned_at": now, "return_channel": channel}, data=data)


STEPS = {
    "accept": _accept,
    "reject": _close,
    "assign": _assign,
    "request-supplement": _request_supplement,
    "supplement-received": _supplement_received,
    "transfer": _transfer,
    "submit-result": _submit_result,
    "send-back": _nothing,
    "sign": _sign,
    "stop": _close,
    "withdraw": _close,
    "apologise": _apologise,
    "return": _return,
}
assert STEPS.keys() == MOVES.keys(), "every move needs its step"


# --- public lookup by code and PIN -----------------------------------------------------


class LookupThrottled(Exception):
    """This client has failed too many lookups this hour (HTTP 429)."""


def _client_failures_key(client: str, now: datetime) -> str:
    return f"lookup-failures:{client}:{now:%Y%m%d%H}"


def case_public_lookup(
    *, code: str, pin: str, client: str, now: datetime | None = None
) -> Case | None:
    """The case with this code (or submission reference) if the PIN is right, else None.

    A wrong PIN and an unknown code look the same to the caller. Failures count per client
    per hour (then `LookupThrottled`) and per case (then the case's lookup locks a while,
    even for the right PIN), so guessing a 40-bit PIN stays hopeless.
    """
    now = now or timezone.now()
    key = _client_failures_key(client, now)
    if cache.get(key, 0) >= settings.LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR:
        raise LookupThrottled
    case = Case.objects.select_related("procedure").filter(Q(code=code) | Q(reference=code)).first()
    locked = case is not None and case.lookup_locked_until and case.lookup_locked_until > now
    if case is not None and not locked and pin_matches(case, pin):
        if case.lookup_failures:
            Case.objects.filter(pk=case.pk).update(lookup_failures=0)
        return case

    cache.add(key, 0, timeout=3600)
    cache.incr(key)
    if case is not None and not locked:
        failures = case.lookup_failures + 1
        if failures >= settings.LOOKUP_CASE_MAX_FAILURES:
            lock_until = now + timedelta(minutes=settings.LOOKUP_CASE_LOCK_MINUTES)
            Case.objects.filter(pk=case.pk).update(
                lookup_failures=0, lookup_locked_until=lock_until
            )
        else:
            Case.objects.filter(pk=case.pk).update(lookup_failures=F("lookup_failures") + 1)
    return None
