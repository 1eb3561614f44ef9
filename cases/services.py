"""Writes: filing a case and moving it through its lifecycle.

`case_act` is the one place that changes a case's status: it checks the move against
`workflow.MOVES`, writes the status by compare-and-set, appends a `CaseEvent`, keeps the
appointment history, recomputes `next_alert_at` and queues what follows after commit.
"""

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import sla
from notifications.services import notify_applicant
from reports.facts import case_fact_of_filing, case_fact_refresh

from . import seams, working_time
from .exceptions import ActionForbidden, InvalidTransition
from .models import (
    Agency,
    AppointmentChange,
    Case,
    CaseCodeSequence,
    CaseDocument,
    CaseEvent,
    Channel,
    CollectionMode,
    NotifyBy,
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
    province_subtree_ids,
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


def next_in_sequence(sequence, **key) -> int:
    """Take the next number of a counter row (`CaseCodeSequence`, payments' receipts...).

    One upsert: the row lock it takes is held to the end of the transaction, so numbers
    are never issued twice; if the transaction rolls back, so does the number.
    """
    table = sequence._meta.db_table
    columns = [sequence._meta.get_field(name).column for name in key]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {table} ({", ".join(columns)}, last)
            VALUES ({", ".join(["%s"] * len(columns))}, 1)
            ON CONFLICT ({", ".join(columns)}) DO UPDATE SET last = {table}.last + 1
            RETURNING last
            """,
            list(key.values()),
        )
        return cursor.fetchone()[0]


def issue_case_code(*, agency: Agency, moment: datetime) -> str:
    """`{agency code}-{yyMMdd}-{NNNN}`, the day in Vietnam time; past 9999 it grows."""
    day = timezone.localtime(moment, working_time.VN_TZ).date()
    number = next_in_sequence(CaseCodeSequence, agency=agency.pk, day=day)
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
    actor = by if by is not None and by.is_authenticated else None
    case = Case(
        reference=reference,
        pin_hash=pin_hash(reference=reference, pin=pin),
        procedure=procedure,
        receiving_agency=by.agency if staff else procedure.agency,
        deciding_agency=procedure.agency,
        applicant_user=actor if not staff else None,
        applicant_full_name=applicant["full_name"],
        applicant_id_number=applicant["id_number"],
        applicant_phone=applicant.get("phone", ""),
        applicant_email=applicant.get("email", ""),
        applicant_address=applicant.get("address", ""),
        applicant_notify_by=applicant.get("notify_by") or NotifyBy.ALL,
        channel=channel,
        submitted_at=now,
    )
    case.pin = pin  # before accepting: the receipt message carries it (see notifications)
    events = [
        CaseEvent(
            case=case,
            actor=actor,
            at=now,
            action="submit",
            to_status=Status.SUBMITTED,
            data={"channel": channel, "documents": len(documents)},
        )
    ]
    if staff:
        # The code counter's row stays locked until commit, so its number is taken last:
        # with the case's id reserved, its documents and history go first (PostgreSQL
        # checks foreign keys at commit), then the number and the case, inserted already
        # received. Without ids ahead (SQLite, where writers queue anyway) the row goes
        # first and takes the accepted fields at the end.
        case.pk = _reserve_case_id()
        if case.pk is None:
            case.save(force_insert=True)
        # The accept step of `_apply`, checked and planned the same way, written with the
        # INSERT instead of as an UPDATE of the row just inserted.
        move, step, fields, reason = _plan(case=case, action="accept", by=by, now=now)
        accepted = _event(case=case, move=move, step=step, by=by, now=now, reason=reason)
        events.append(accepted)
        for name, value in fields.items():
            setattr(case, name, value)
    else:
        case.save(force_insert=True)
    documents_to_create = []
    for doc in documents:
        document = CaseDocument(
            case=case,
            name=doc["name"],
            digitised=doc.get("digitised", False),
            reused=doc.get("reused", False),
            added_at=now,
        )
        if doc.get("file"):  # a scan uploaded with an online submission
            _store_file(document, doc["file"])
        documents_to_create.append(document)
    CaseDocument.objects.bulk_create(documents_to_create)
    CaseEvent.objects.bulk_create(events)
    filing = seams.Filing(events=events, documents=documents_to_create)
    if not staff:
        case_fact_of_filing(case=case, events=events, documents=documents_to_create)
        seams.step_done(
            seams.StepDone(case=case, event=events[0], changed={}, now=now, filing=filing)
        )
        return case
    if step.new_appointment:
        _appointment_change(case=case, event=accepted, step=step, old_at=None)
    case.code = issue_case_code(agency=step.code_at, moment=now)
    case.save(force_insert=case._state.adding)
    # After the number, as in every step that takes one (see reports.aggregates.stamp_bump).
    case_fact_of_filing(case=case, events=events, documents=documents_to_create)
    changed = {**fields, "code": case.code}
    return _after_step(
        case=case,
        step=step,
        event=accepted,
        now=now,
        changed=changed,
        filing=filing,
        facts_written=True,
    )


def _reserve_case_id() -> int | None:
    """The next case id from its sequence; None where ids are not reserved ahead (SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Case._meta.db_table])
        return cursor.fetchone()[0]


# What a scan may be, recognised by its content (never by the name or declared type), and
# the extension it is stored under.
SCAN_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@transaction.atomic
def case_document_add(
    *, case: Case, name: str, file, by: User, reused: bool = False
) -> CaseDocument:
    """Attach a scanned document (số hóa) to an open case, with its SHA-256 for integrity.

    Stored under a generated name with the extension of its sniffed type.
    """
    if not case.is_open:
        raise InvalidTransition(_("Documents can only be added to an open case."))
    if not _acts_on_side(by, case, EITHER) or not by.roles & {Role.COUNTER_STAFF, Role.OFFICER}:
        raise ActionForbidden(_("You may not add documents to this case."))
    document = CaseDocument(case=case, name=name, digitised=True, reused=reused)
    _store_file(document, file)
    document.save()
    case_fact_refresh(case_id=case.pk)
    return document


def scan_extension(file) -> str | None:
    """The extension a scan is stored under, from its content; None if it is not a scan."""
    file.seek(0)
    kind = filetype.guess(file.read(512))
    file.seek(0)
    return SCAN_TYPES.get(kind.mime) if kind else None


def _store_file(document: CaseDocument, file) -> None:
    """Save the scan under a generated name, its type sniffed from the content (never the
    client's word), and keep its SHA-256, so any change to it shows."""
    extension = scan_extension(file)
    if extension is None:
        raise ValidationError({"file": _("Upload a PDF, JPEG or PNG file.")})
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    document.sha256 = digest.hexdigest()
    document.file.save(f"{uuid.uuid4().hex}.{extension}", file, save=False)


# --- the lifecycle ---------------------------------------------------------------------


@dataclass
class Step:
    """What one action changes besides the status."""

    fields: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    new_appointment: datetime | None = None
    appointment_reason: str = ""
    then: str = ""  # a move the system makes right after this one
    code_at: Agency | None = None  # issue a case code of this (receiving) agency


@dataclass(frozen=True)
class SystemActor:
    """Onestop itself, or a system it trusts (a payment gateway), taking a step on its own.

    Not a user: it passes only the permission check of moves marked `by_system` (which no
    user passes), and its steps are recorded with no actor and `data["system"]` naming it.
    """

    name: str
    is_authenticated = False


ONESTOP = SystemActor("onestop")


def _acts_on_side(user: User, case: Case, side: str) -> bool:
    ids = user_agency_ids(user)
    receiving = case.receiving_agency_id in ids
    deciding = case.deciding_agency_id in ids
    if case.status == Status.SUBMITTED and Role.COUNTER_STAFF in user.roles and not receiving:
        # Not received anywhere yet: any counter of the province may receive it.
        receiving = case.deciding_agency_id in province_agency_ids(user)
    return {RECEIVING: receiving, DECIDING: deciding}.get(side, receiving or deciding)


def _permitted(move: Move, case: Case, user: User) -> bool:
    if isinstance(user, SystemActor):
        return move.by_system
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
    if (
        move.action == "return"
        and case.procedure.collection == CollectionMode.ON_RESULT
        and _fees_due(case)
    ):
        return InvalidTransition(_("The fees must be paid before the result is returned."))
    return None


def _fees_due(case: Case) -> int:
    """What the applicant still owes, in VND (the payments app keeps the accounts)."""
    from payments.selectors import fees_due

    return fees_due(case).amount


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
    now = now or timezone.now()
    move, step, fields, reason = _plan(case=case, action=action, by=by, now=now, **params)
    if step is UNCHANGED:
        return case
    if step.code_at is not None:
        # The code counter's row lock is held to commit: taken after all the computing.
        fields["code"] = issue_case_code(agency=step.code_at, moment=now)

    # Compare-and-set: if anyone took a step on the case since we read it (a move to another
    # state, or a step within one such as a transfer), we change nothing.
    updated = Case.objects.filter(pk=case.pk, status=case.status, version=case.version).update(
        **fields
    )
    if updated != 1:
        raise InvalidTransition(_("The case changed meanwhile; reload it and try again."))
    event = _event(case=case, move=move, step=step, by=by, now=now, reason=reason)
    event.save()
    if step.new_appointment:
        _appointment_change(case=case, event=event, step=step, old_at=case.appointment_at)
    for name, value in fields.items():
        setattr(case, name, value)
    return _after_step(case=case, step=step, event=event, now=now, changed=fields)


def _plan(*, case: Case, action: str, by: User, now: datetime, **params):
    """Check one action against the table, the case and the user; say what it changes:
    (move, step, the case's new fields, the reason). Writes nothing but what the step's own
    function does (a step that issues a code says so in `code_at`)."""
    move = MOVES.get(action)
    if move is None:
        raise InvalidTransition(_("Unknown action: %s.") % action)
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
    if step is UNCHANGED:
        return move, step, {}, reason
    target = move.target or case.status
    appointment = step.new_appointment or case.appointment_at
    # A new appointment starts its thresholds afresh.
    alerted = 0 if step.new_appointment else case.alert_level
    fields = {
        **step.fields,
        "status": target,
        "next_alert_at": next_alert_at(
            case, status=target, appointment_at=appointment, alerted=alerted
        ),
        "version": case.version + 1,
    }
    if step.new_appointment:
        fields["appointment_at"] = step.new_appointment
        fields["alert_level"] = 0
    return move, step, fields, reason


def _event(*, case: Case, move: Move, step: Step, by, now: datetime, reason: str) -> CaseEvent:
    """The history row of a step, made before the case's fields change (not saved)."""
    return CaseEvent(
        case=case,
        actor=by if by.is_authenticated else None,
        at=now,
        action=move.action,
        from_status=case.status,
        to_status=move.target or case.status,
        reason=reason,
        form=move.form,
        data={**step.data, "system": by.name} if isinstance(by, SystemActor) else step.data,
    )


def _appointment_change(*, case: Case, event: CaseEvent, step: Step, old_at) -> None:
    AppointmentChange.objects.create(
        case=case,
        event=event,
        old_at=old_at,
        new_at=step.new_appointment,
        reason=step.appointment_reason,
    )


def _after_step(
    *,
    case: Case,
    step: Step,
    event: CaseEvent,
    now: datetime,
    changed: dict,
    filing: seams.Filing | None = None,
    facts_written: bool = False,
) -> Case:
    """What follows every step once the case row holds it: facts, message, chained move.

    The reports see the step as soon as it commits: its facts are rewritten here, unless
    the caller wrote them already (filing, from what it holds).
    """
    if not facts_written:
        case_fact_refresh(case_id=case.pk)
    notify_applicant(case=case, event=event)
    seams.step_done(seams.StepDone(case=case, event=event, changed=changed, now=now, filing=filing))
    if step.then:
        return _apply(case=case, action=step.then, by=ONESTOP, now=now)
    return case


def next_alert_at(case: Case, *, status: str, appointment_at, alerted: int):
    """When the deadline watcher must look at the case next: the first threshold (due soon,
    overdue, escalation) above the one already alerted, even if already past.

    None while the clock is stopped: waiting for a supplement or a fee (the citizen's turn),
    finished, or not yet received.
    """
    if status not in CLOCK_RUNNING or appointment_at is None:
        return None
    return sla.next_threshold_at(case.receiving_agency, appointment_at, alerted=alerted)


# A step that would change nothing: `case_act` answers with the case as it is, no event.
UNCHANGED = Step()


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
    fields = {"receiving_agency": by.agency, "received_at": now}
    if case.procedure.collection == CollectionMode.UPFRONT and _fees_due(case):
        # Thu trước: the clock starts when the fee is paid; until then the case waits.
        return Step(fields=fields, then="request-payment", code_at=by.agency)
    return Step(
        fields=fields,
        new_appointment=_appointment_from(case, now),
        appointment_reason=AppointmentChange.Reason.RECEIVED,
        code_at=by.agency,
    )


def _close(*, case, by, now):
    return Step(fields={"closed_at": now})


def _assign(*, case, by, now, officer: User):
    if not isinstance(officer, User) or not officer.is_active or Role.OFFICER not in officer.roles:
        raise ValidationError({"officer": _("Choose an active officer.")})
    # An officer of the deciding agency or of one of its sub-units.
    if officer.agency_id not in agency_subtree_ids(case.deciding_agency_id):
        raise ValidationError({"officer": _("The officer must work for the deciding agency.")})
    if case.status == Status.PROCESSING and case.assigned_to_id == officer.pk:
        return UNCHANGED  # the same request twice: already done
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
    # The applicant's data stays in the province that received it.
    if agency.pk not in province_subtree_ids(case.procedure.agency):
        raise ValidationError({"agency": _("Transfer only to an agency of the same province.")})
    return Step(
        fields={"deciding_agency": agency, "assigned_to": None},
        data={"from_agency": case.deciding_agency.code, "to_agency": agency.code},
    )


def _submit_result(*, case, by, now, result: str = "generated", document: str = ""):
    # `document`: the electronic draft (documents.ResultDocument) that `sign` must sign.
    return Step(data={"result": result, "document": document} if document else {"result": result})


def _nothing(*, case, by, now):
    return Step()


def _sign(*, case, by, now, signature: dict | None = None):
    """A paper result is approved; an electronic one is signed by `documents.services`,
    which passes what it signed as `signature`."""
    draft = case.events.filter(action="submit-result").order_by("-at", "-id").values("data").first()
    if signature is None and draft and draft["data"].get("document"):
        raise InvalidTransition(_("An electronic result must be signed with a certificate."))
    return Step(fields={"resolved_at": now}, data=signature or {"signature": "approval"})


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


def _return(
    *,
    case,
    by,
    now,
    channel,
    recipient: str = "",
    recipient_id_number: str = "",
    tracking_number: str = "",
):
    if channel not in ReturnChannel.values:
        raise ValidationError({"channel": _("Use online, counter or post.")})
    if isinstance(by, SystemActor) and channel != ReturnChannel.ONLINE:
        raise ActionForbidden(_("Only an online return is recorded automatically."))
    if channel == ReturnChannel.COUNTER and not recipient.strip():
        raise ValidationError({"recipient": _("Who collected the result?")})
    if channel == ReturnChannel.POST and not tracking_number.strip():
        raise ValidationError({"tracking_number": _("Give the postal tracking number.")})
    data = {"channel": channel}
    if recipient:
        data["recipient"] = recipient.strip()
    if recipient_id_number:
        data["recipient_id_number"] = recipient_id_number.strip()
    if tracking_number:
        data["tracking_number"] = tracking_number.strip()
    return Step(fields={"returned_at": now, "return_channel": channel}, data=data)


def _request_payment(*, case, by, now):
    from payments.selectors import fees_due

    due = fees_due(case)
    return Step(data={"amount": due.amount, "items": [item.code for item in due.items]})


def _payment_confirmed(*, case, by, now, payment: dict):
    """The upfront fee is paid (or waived): the processing clock starts now."""
    return Step(
        data=payment,
        new_appointment=_appointment_from(case, now),
        appointment_reason=AppointmentChange.Reason.FEE_PAID,
    )


def _payment(*, case, by, now, payment: dict):
    return Step(data=payment)


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
    "request-payment": _request_payment,
    "payment-confirmed": _payment_confirmed,
    "payment": _payment,
}
assert STEPS.keys() == MOVES.keys(), "every move needs its step"
