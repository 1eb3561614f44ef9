"""The case engine: `case_act`, the one place that changes a case's status.

It checks the move against `workflow.MOVES` (who, from which state, the move's own rule and
the features' gates), writes the case by compare-and-set on its step counter, appends a
`CaseEvent`, keeps the appointment history and `next_alert_at`, then lets the features
record what follows, in the same transaction, through `cases.seams`.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import deadlines, seams
from ..access import acts_on_side
from ..exceptions import ActionForbidden, InvalidTransition
from ..models import AppointmentChange, Case, CaseEvent, User
from ..models.case import CLOCK_RUNNING
from ..workflow import MOVES, Move
from .codes import issue_case_code
from .steps import ONESTOP, STEPS, UNCHANGED, Step, SystemActor


def _permitted(move: Move, case: Case, user: User) -> bool:
    if isinstance(user, SystemActor):
        return move.system_may
    if move.applicant_may and case.applicant_user_id and case.applicant_user_id == user.pk:
        return True
    if not (user.is_authenticated and user.is_staff_member):
        return False
    return bool(move.roles & user.roles) and acts_on_side(user, case, move.side)


def _refusal(move: Move, case: Case, user, now: datetime) -> Exception | None:
    """Why a move that the table allows is refused for this case and user, if it is: the
    move's own rule, then the features' gates (fees due before a return)."""
    if move.refuse is not None and (reason := move.refuse(case, user, now)):
        return reason
    return seams.refusal(move, case, user, now)


def allowed_actions(case: Case, user, now: datetime | None = None) -> list[str]:
    """The actions this user may take on the case now (moves taken through a door of their
    own, such as reprinting the receipt, are not listed)."""
    now = now or timezone.now()
    return [
        move.action
        for move in MOVES.values()
        if move.listed
        and case.status in move.sources
        and _permitted(move, case, user)
        and not _refusal(move, case, user, now)
    ]


def action_check(*, case: Case, action: str, by: User, now: datetime | None = None, **params):
    """Raise what `case_act` would raise for this action now, writing nothing: a feature
    checks before slow work it does outside the step's transaction (signing remotely)."""
    plan(case=case, action=action, by=by, now=now or timezone.now(), **params)


@transaction.atomic
def case_act(*, case: Case, action: str, by: User, now: datetime | None = None, **params) -> Case:
    """Apply one action to a case (see `workflow.MOVES`) and return the updated case."""
    return _apply(case=case, action=action, by=by, now=now, **params)


def _apply(*, case: Case, action: str, by: User, now: datetime | None = None, **params) -> Case:
    """`case_act` within a transaction the caller already holds: no savepoint of its own."""
    now = now or timezone.now()
    move, step, fields, reason = plan(case=case, action=action, by=by, now=now, **params)
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
    event = event_of(case=case, move=move, step=step, by=by, now=now, reason=reason)
    event.save()
    if step.new_appointment:
        appointment_change(case=case, event=event, step=step, old_at=case.appointment_at)
    for name, value in fields.items():
        setattr(case, name, value)
    return after_step(case=case, step=step, event=event, changed=fields, now=now)


def plan(*, case: Case, action: str, by: User, now: datetime, **params):
    """Check one action against the table, the case and the user; say what it changes:
    (move, step, the case's new fields, the reason). Writes nothing (a step that issues a
    code says so in `code_at`)."""
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


def event_of(*, case: Case, move: Move, step: Step, by, now: datetime, reason: str) -> CaseEvent:
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


def appointment_change(*, case: Case, event: CaseEvent, step: Step, old_at) -> None:
    AppointmentChange.objects.create(
        case=case,
        event=event,
        old_at=old_at,
        new_at=step.new_appointment,
        reason=step.appointment_reason,
    )


def after_step(
    *,
    case: Case,
    step: Step,
    event: CaseEvent,
    changed: dict,
    now: datetime,
    filing: seams.Filing | None = None,
) -> Case:
    """What follows every step once the case row holds it: the features record it (facts,
    messages, the portal's copy; see `cases.seams.ORDER`), then a chained move, if any."""
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
    return deadlines.next_threshold_at(case.receiving_agency, appointment_at, alerted=alerted)
