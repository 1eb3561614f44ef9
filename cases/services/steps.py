"""One function per move of `workflow.MOVES`: validate its parameters, say what it changes.

A step function writes nothing (but a reprint's new PIN hash, which it computes): it
returns a `Step`, which `engine.case_act` applies by compare-and-set with the status.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import seams, working_time
from ..exceptions import ActionForbidden, InvalidTransition
from ..models import (
    Agency,
    AppointmentChange,
    CollectionMode,
    ReturnChannel,
    Role,
    Status,
    SupplementClock,
    User,
)
from ..selectors import agency_subtree_ids, calendar_for, province_subtree_ids
from .pins import new_pin, pin_hash


@dataclass
class Step:
    """What one action changes besides the status."""

    fields: dict = field(default_factory=dict)
    data: dict = field(default_factory=dict)
    new_appointment: datetime | None = None
    appointment_reason: str = ""
    then: str = ""  # a move the system makes right after this one
    code_at: Agency | None = None  # issue a case code of this (receiving) agency


# A step that would change nothing: `case_act` answers with the case as it is, no event.
UNCHANGED = Step()


@dataclass(frozen=True)
class SystemActor:
    """Onestop itself, or a system it trusts (a payment gateway), taking a step on its own.

    Not a user: it passes only the permission check of moves marked `system_may` (which no
    user passes), and its steps are recorded with no actor and `data["system"]` naming it.
    """

    name: str
    is_authenticated = False


ONESTOP = SystemActor("onestop")


def appointment_from(case, start: datetime) -> datetime:
    """The appointment of a case whose processing time starts at `start`."""
    procedure = case.procedure
    return working_time.deadline(
        start,
        procedure.processing_time_value,
        procedure.processing_time_unit,
        calendar_for(case.receiving_agency),
    )


def _accept(*, case, by, now):
    case.receiving_agency = by.agency  # received where the accepting clerk works
    fields = {"receiving_agency": by.agency, "received_at": now}
    if case.procedure.collection == CollectionMode.UPFRONT and seams.fees_due(case).amount:
        # Thu trước: the clock starts when the fee is paid; until then the case waits.
        return Step(fields=fields, then="request-payment", code_at=by.agency)
    return Step(
        fields=fields,
        new_appointment=appointment_from(case, now),
        appointment_reason=AppointmentChange.Reason.RECEIVED,
        code_at=by.agency,
    )


def _close(*, case, by, now):
    return Step(fields={"closed_at": now})


def _assign(*, case, by, now, officer: User):
    _check_officer(case, officer)
    if case.status == Status.PROCESSING and case.assigned_to_id == officer.pk:
        return UNCHANGED  # the same request twice: already done
    return Step(fields={"assigned_to": officer}, data={"officer": officer.username})


def _claim(*, case, by, now):
    """The officer assigns the case to themselves (the table lets them take only an
    unassigned case of their own agency)."""
    return Step(fields={"assigned_to": by}, data={"officer": by.username})


def _check_officer(case, officer) -> None:
    if not isinstance(officer, User) or not officer.is_active or Role.OFFICER not in officer.roles:
        raise ValidationError({"officer": _("Choose an active officer.")})
    # An officer of the deciding agency or of one of its sub-units.
    if officer.agency_id not in agency_subtree_ids(case.deciding_agency_id):
        raise ValidationError({"officer": _("The officer must work for the deciding agency.")})


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
        new = appointment_from(case, now)
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
    if agency.dissolved_on is not None:
        raise ValidationError({"agency": _("This agency no longer exists.")})
    if agency.pk == case.deciding_agency_id:
        raise ValidationError({"agency": _("The case is already with this agency.")})
    # The applicant's data stays in the province that received it.
    if agency.pk not in province_subtree_ids(case.procedure.agency):
        raise ValidationError({"agency": _("Transfer only to an agency of the same province.")})
    return Step(
        fields={"deciding_agency": agency, "assigned_to": None},
        data={"from_agency": case.deciding_agency.code, "to_agency": agency.code},
    )


def _reorganise(*, case, by, now, agency: Agency, successor: Agency, effective_on, decision=""):
    """The case's agency (`agency`, deciding it, receiving it or both) was dissolved or
    merged: the successor takes its place; the assigned officer stays (the staff move too).
    `data["deciding_from"]` names the agency that decided it until now, for the reports."""
    fields, data = (
        {},
        {
            "from_agency": agency.code,
            "to_agency": successor.code,
            "effective_on": effective_on.isoformat(),
        },
    )
    if decision:
        data["decision"] = decision
    if case.deciding_agency_id == agency.pk:
        fields["deciding_agency"] = successor
        data["deciding_from"] = agency.pk
    if case.receiving_agency_id == agency.pk:
        fields["receiving_agency"] = successor
    if not fields:
        return UNCHANGED
    return Step(fields=fields, data=data)


def _submit_result(*, case, by, now, result: str = "generated", document: str = ""):
    # `document`: the electronic draft (documents.ResultDocument) that `sign` must sign.
    return Step(data={"result": result, "document": document} if document else {"result": result})


def _nothing(*, case, by, now):
    return Step()


def _sign(*, case, by, now, signature: dict | None = None):
    """A paper result is approved; an electronic one is signed by the documents app, which
    passes what it signed as `signature`."""
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


def _reprint_receipt(*, case, by, now):
    """A new PIN for the receipt; the plain PIN is left on the case object for the printer
    (`case.pin`), the only time it exists outside the receipt."""
    case.pin = new_pin()
    return Step(
        fields={"pin_hash": pin_hash(reference=case.reference, pin=case.pin)},
        data={"new_pin": True},
    )


def _request_payment(*, case, by, now):
    due = seams.fees_due(case)
    return Step(data={"amount": due.amount, "items": list(due.codes)})


def _payment_confirmed(*, case, by, now, payment: dict):
    """The upfront fee is paid (or waived): the processing clock starts now."""
    return Step(
        data=payment,
        new_appointment=appointment_from(case, now),
        appointment_reason=AppointmentChange.Reason.FEE_PAID,
    )


def _payment(*, case, by, now, payment: dict):
    return Step(data=payment)


STEPS = {
    "accept": _accept,
    "reject": _close,
    "assign": _assign,
    "claim": _claim,
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
    "reprint-receipt": _reprint_receipt,
    "request-payment": _request_payment,
    "payment-confirmed": _payment_confirmed,
    "payment": _payment,
    "reorganise": _reorganise,
}
