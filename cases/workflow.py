"""The case lifecycle: one table of allowed moves, each described once.

A `Move` says where it goes from and to, who may make it and from which side of the case,
whether it needs a reason and whether that reason is written for the applicant, the form
it issues, its label, and the rule that may still refuse it for one case. `services.case_act`
is the only code that applies a move; everything else that needs to know what may happen
to a case (the API's `allowed_actions`, its action bodies, the desks' forms, the public
timeline, the demo and the generator) reads this table, and tests/test_workflow.py checks
every other table keyed by action names covers exactly these moves.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import deadlines
from .exceptions import ActionForbidden, InvalidTransition
from .models import Role, Status
from .models.case import FINAL_STATES, OPEN_STATES

COUNTER, OFFICER, SIGNER = Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER

# Which side of the case the actor must belong to (their agency or a parent of it).
RECEIVING, DECIDING, EITHER = "receiving", "deciding", "either"


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[Status]
    target: Status | None  # None: the case stays in its state (a step such as a transfer)
    roles: frozenset[str]  # the staff roles that may make it; empty: no staff member
    side: str
    label: str
    reason_required: bool = False
    # The reason is written for the applicant (a refusal, the missing documents, a stop...),
    # shown on the public timeline; other reasons (a send-back, a transfer) are internal.
    reason_is_public: bool = False
    form: str = ""  # the form issued with the step (Circular 03/2025): 01 receipt ... 05 stop
    applicant_may: bool = False  # the citizen who filed it may take this action too
    # Made by the system itself (a payment gateway's confirmation, the online return on the
    # first download): only a `SystemActor` passes for it. A move may be both (`return`).
    system_may: bool = False
    # Offered as an action (`allowed_actions`, the action API, the case page's buttons);
    # a move taken through a door of its own (reprinting the receipt) is not.
    listed: bool = True
    # (case, user, now) -> why this move is refused for this case, though the table allows it
    refuse: Callable[..., Exception | None] | None = None


def _move(action, sources, target, roles, side, label, **kw) -> Move:
    return Move(action, frozenset(sources), target, frozenset(roles), side, label, **kw)


def _only_the_assigned_officer(case, user, now: datetime) -> Exception | None:
    if case.assigned_to_id not in (None, user.pk):
        return ActionForbidden(_("Only the assigned officer submits the result."))
    return None


def _unassigned_and_ours(case, user, now: datetime) -> Exception | None:
    if case.assigned_to_id is not None:
        return InvalidTransition(_("This case already has an officer."))
    # Not an officer of a parent agency: the case is worked where it is decided.
    if user.agency_id != case.deciding_agency_id:
        return ActionForbidden(_("Only an officer of the deciding agency takes a case."))
    return None


def _only_when_late(case, user, now: datetime) -> Exception | None:
    if not deadlines.late_or_nearly(case, now):
        return InvalidTransition(_("An apology letter is for a case that is late or about to be."))
    return None


S = Status
# A case holds a code, and so a receipt, from its acceptance on.
HAS_RECEIPT = frozenset(S) - {S.SUBMITTED, S.REJECTED}
NOT_FINAL = frozenset(S) - FINAL_STATES

MOVES: dict[str, Move] = {
    m.action: m
    for m in [
        _move(
            "accept", {S.SUBMITTED}, S.RECEIVED, {COUNTER}, RECEIVING, gettext_lazy("Accept"),
            form="01",
        ),
        _move(
            "reject", {S.SUBMITTED}, S.REJECTED, {COUNTER}, RECEIVING, gettext_lazy("Refuse"),
            reason_required=True, reason_is_public=True, form="03",
        ),
        _move(
            "assign", {S.RECEIVED, S.PROCESSING}, S.PROCESSING, {COUNTER, SIGNER}, EITHER,
            gettext_lazy("Assign an officer"),
        ),
        # Nhận xử lý: an officer of the deciding agency takes an unassigned case themselves
        # (one received, or one transferred in); the compare-and-set in `case_act` lets only
        # the first of two officers have it. The agency's lead reassigns with `assign`.
        _move(
            "claim", {S.RECEIVED, S.PROCESSING}, S.PROCESSING, {OFFICER}, DECIDING,
            gettext_lazy("Take this case"), refuse=_unassigned_and_ours,
        ),
        _move(
            "request-supplement", {S.RECEIVED, S.PROCESSING}, S.SUPPLEMENT_REQUESTED,
            {COUNTER, OFFICER}, EITHER, gettext_lazy("Request missing documents"),
            reason_required=True, reason_is_public=True, form="02",
        ),
        _move(
            "supplement-received", {S.SUPPLEMENT_REQUESTED}, S.PROCESSING, {COUNTER}, RECEIVING,
            gettext_lazy("Documents received"),
        ),
        _move(
            "transfer", {S.PROCESSING}, None, {OFFICER, SIGNER}, DECIDING,
            gettext_lazy("Transfer"), reason_required=True,
        ),
        _move(
            "submit-result", {S.PROCESSING}, S.AWAITING_SIGNATURE, {OFFICER}, DECIDING,
            gettext_lazy("Submit the result"), refuse=_only_the_assigned_officer,
        ),
        _move(
            "send-back", {S.AWAITING_SIGNATURE}, S.PROCESSING, {SIGNER}, DECIDING,
            gettext_lazy("Send back"), reason_required=True,
        ),
        _move(
            "sign", {S.AWAITING_SIGNATURE}, S.RESOLVED, {SIGNER}, DECIDING, gettext_lazy("Sign"),
        ),
        _move(
            "stop", {S.PROCESSING, S.SUPPLEMENT_REQUESTED}, S.STOPPED, {OFFICER, SIGNER},
            DECIDING, gettext_lazy("Stop processing"),
            reason_required=True, reason_is_public=True, form="05",
        ),
        _move(
            "withdraw", OPEN_STATES, S.WITHDRAWN, {COUNTER, OFFICER}, EITHER,
            gettext_lazy("Withdraw"),
            reason_required=True, reason_is_public=True, applicant_may=True,
        ),
        _move(
            "apologise", {S.RECEIVED, S.PROCESSING, S.AWAITING_SIGNATURE}, None,
            {OFFICER, SIGNER}, DECIDING, gettext_lazy("Apology letter"),
            reason_required=True, reason_is_public=True, form="04", refuse=_only_when_late,
        ),
        # The counter hands the result over; the system returns it online on the
        # applicant's first download of the signed result.
        _move(
            "return", {S.RESOLVED}, S.RETURNED, {COUNTER}, RECEIVING,
            gettext_lazy("Return the result"), system_may=True,
        ),
        # Reprinting the receipt issues a new PIN (the old one stops working).
        _move(
            "reprint-receipt", HAS_RECEIPT, None, {COUNTER}, RECEIVING,
            gettext_lazy("Receipt reprinted"), form="01", listed=False,
        ),
        # Fees (payments app): an upfront fee stops the case until it is paid; every change
        # of a payment request is a step on the timeline.
        _move(
            "request-payment", {S.RECEIVED}, S.AWAITING_PAYMENT, (), EITHER,
            gettext_lazy("Fee requested"), system_may=True,
        ),
        _move(
            "payment-confirmed", {S.AWAITING_PAYMENT}, S.RECEIVED, (), EITHER,
            gettext_lazy("Fee paid"), system_may=True,
        ),
        _move("payment", set(S), None, (), EITHER, gettext_lazy("Payment"), system_may=True),
        # A reorganisation (an agency dissolved or merged into another): a case not yet
        # final moves to the successor, a step of its history (services.reorganisation).
        _move(
            "reorganise", NOT_FINAL, None, (), EITHER,
            gettext_lazy("Moved to the successor agency"), system_may=True, listed=False,
        ),
    ]
}  # fmt: skip

ACTIONS = tuple(MOVES)
# The actions a person takes through the action API and the case page.
USER_ACTIONS = tuple(
    action for action, move in MOVES.items() if move.listed and (move.roles or move.applicant_may)
)
# The first step of every case is its filing, which is no move of the table.
FILING = "submit"
FILING_LABEL = gettext_lazy("Filed")


def label_of(action: str) -> str:
    """What a step is called on a timeline."""
    if action == FILING:
        return FILING_LABEL
    move = MOVES.get(action)
    return move.label if move else action


def reason_is_public(action: str) -> bool:
    move = MOVES.get(action)
    return bool(move and move.reason_is_public)
