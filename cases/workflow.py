"""The case lifecycle: one table of allowed moves, and who may make them.

`services.case_act` is the only code that applies a move; everything that needs to know
what may happen to a case (the API's `allowed_actions`, the demo builder) reads this table.
"""

from dataclasses import dataclass

from .models import Role, Status
from .models.case import OPEN_STATES

COUNTER, OFFICER, SIGNER = Role.COUNTER_STAFF, Role.OFFICER, Role.SIGNER

# Which side of the case the actor must belong to (their agency or a parent of it).
RECEIVING, DECIDING, EITHER = "receiving", "deciding", "either"


@dataclass(frozen=True)
class Move:
    action: str
    sources: frozenset[Status]
    target: Status | None  # None: the case stays in its state (a step such as a transfer)
    roles: frozenset[str]
    side: str
    reason_required: bool = False
    form: str = ""  # the form issued with the step (Circular 03/2025): 01 receipt ... 05 stop
    applicant_may: bool = False  # the citizen who filed it may take this action too
    # Made by the system itself (a payment gateway's confirmation), never by a user through
    # the API: `roles` is then empty, and only a `SystemActor` passes the permission check.
    by_system: bool = False


def _move(action, sources, target, roles, side, **kw) -> Move:
    return Move(action, frozenset(sources), target, frozenset(roles), side, **kw)


S = Status
MOVES: dict[str, Move] = {
    m.action: m
    for m in [
        _move("accept", {S.SUBMITTED}, S.RECEIVED, {COUNTER}, RECEIVING, form="01"),
        _move(
            "reject",
            {S.SUBMITTED},
            S.REJECTED,
            {COUNTER},
            RECEIVING,
            reason_required=True,
            form="03",
        ),
        _move("assign", {S.RECEIVED, S.PROCESSING}, S.PROCESSING, {COUNTER, SIGNER}, EITHER),
        _move(
            "request-supplement",
            {S.RECEIVED, S.PROCESSING},
            S.SUPPLEMENT_REQUESTED,
            {COUNTER, OFFICER},
            EITHER,
            reason_required=True,
            form="02",
        ),
        _move("supplement-received", {S.SUPPLEMENT_REQUESTED}, S.PROCESSING, {COUNTER}, RECEIVING),
        _move("transfer", {S.PROCESSING}, None, {OFFICER, SIGNER}, DECIDING, reason_required=True),
        _move("submit-result", {S.PROCESSING}, S.AWAITING_SIGNATURE, {OFFICER}, DECIDING),
        _move(
            "send-back",
            {S.AWAITING_SIGNATURE},
            S.PROCESSING,
            {SIGNER},
            DECIDING,
            reason_required=True,
        ),
        _move("sign", {S.AWAITING_SIGNATURE}, S.RESOLVED, {SIGNER}, DECIDING),
        _move(
            "stop",
            {S.PROCESSING, S.SUPPLEMENT_REQUESTED},
            S.STOPPED,
            {OFFICER, SIGNER},
            DECIDING,
            reason_required=True,
            form="05",
        ),
        _move(
            "withdraw",
            OPEN_STATES,
            S.WITHDRAWN,
            {COUNTER, OFFICER},
            EITHER,
            reason_required=True,
            applicant_may=True,
        ),
        _move(
            "apologise",
            {S.RECEIVED, S.PROCESSING, S.AWAITING_SIGNATURE},
            None,
            {OFFICER, SIGNER},
            DECIDING,
            reason_required=True,
            form="04",
        ),
        # The system returns online on the applicant's first download of the signed result.
        _move("return", {S.RESOLVED}, S.RETURNED, {COUNTER}, RECEIVING, by_system=True),
        # Fees (payments app): an upfront fee stops the case until it is paid; every change
        # of a payment request is a step on the timeline.
        _move("request-payment", {S.RECEIVED}, S.AWAITING_PAYMENT, (), EITHER, by_system=True),
        _move("payment-confirmed", {S.AWAITING_PAYMENT}, S.RECEIVED, (), EITHER, by_system=True),
        _move("payment", set(S), None, (), EITHER, by_system=True),
    ]
}

ACTIONS = tuple(MOVES)
# The actions a person takes (through the API or a page); the rest only the system makes.
USER_ACTIONS = tuple(action for action, move in MOVES.items() if move.roles or move.applicant_may)
