"""Where the case core meets the features: the one documented seam.

`cases` imports no other app of ours. What a step sets off elsewhere, what the core must ask
of a feature, and what a feature adds to a case's outputs reach it through the registries
below, which each feature fills in its `AppConfig.ready()`:

- **Step subscribers** (`subscribe`): called by `case_file` and `case_act` *inside the
  step's transaction*, after the case row, its event and its appointment change are
  written, in the order of `ORDER` (and only those names). A subscriber writes its own
  rows in that transaction (the reports' fact row, an outbox row, a portal sync row) so
  they commit or roll back with the step; it never calls the network nor waits on anything
  but the database, and asks for work after commit with
  `transaction.on_commit(..., robust=True)`. An exception rolls the whole step back. A
  subscriber may also refuse a move before anything is written (`refuse`: the fee gate).
- **The fee ledger** (`provide_fee_ledger`): what the applicant still owes, which the
  payments app keeps; without it, nothing is ever due.
- **Action services** (`perform_with`): an action whose step comes with file work
  (submitting and signing a result) is performed by its feature, which calls `case_act`
  itself; `cases.actions.perform_action` is the door the API and the desks use.
- **Case parts** (`add_case_part`): a value a feature adds to the case outputs whose
  shape the core declares (the fees due, the applicant's rating), read for one case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# The step subscribers, in the order they run. A step's rows are written in this order:
# the reports' fact row first (the reports see the step as soon as it commits), then the
# applicant's message and the national portal's sync row, which read the case as the step
# left it.
ORDER = (
    "payments.fee_gate",  # refuses a return while fees are due (thu sau)
    "reports.facts",  # the case's fact row and the reports' stamp
    "notifications.applicant",  # the message to the applicant (outbox)
    "dvcqg.sync",  # the national portal's copy of the case and its progress (outbox)
)


@dataclass(frozen=True)
class Filing:
    """What a filing wrote besides the case: its whole history so far, and its papers."""

    events: list
    documents: list


@dataclass(frozen=True)
class StepDone:
    """A step as its subscribers see it, once its rows are written.

    `case`: the case as the step left it (its fields already set); `event`: the step's
    `CaseEvent` (for a counter filing, the accept event; for an online one, the submit);
    `changed`: the case fields the step wrote; `filing`: set when the step is a filing.
    """

    case: Any
    event: Any
    changed: dict
    now: datetime
    filing: Filing | None = None


@dataclass(frozen=True)
class Subscriber:
    name: str
    on_step: Callable[[StepDone], None] | None = None
    # (move, case, user, now) -> an exception that refuses the move, or None
    refuse: Callable[[Any, Any, Any, datetime], Exception | None] | None = None


_subscribers: dict[str, Subscriber] = {}


def subscribe(name: str, *, on_step=None, refuse=None) -> None:
    """Register a feature's part in every step under a name of `ORDER` (once per name)."""
    if name not in ORDER:
        raise LookupError(f"{name!r} is not a step subscriber of cases.seams.ORDER")
    _subscribers[name] = Subscriber(name, on_step=on_step, refuse=refuse)


def subscribers() -> list[Subscriber]:
    """The registered subscribers, in `ORDER`."""
    return [_subscribers[name] for name in ORDER if name in _subscribers]


def step_done(done: StepDone) -> None:
    for subscriber in subscribers():
        if subscriber.on_step is not None:
            subscriber.on_step(done)


def refusal(move, case, user, now: datetime) -> Exception | None:
    for subscriber in subscribers():
        if subscriber.refuse is not None and (reason := subscriber.refuse(move, case, user, now)):
            return reason
    return None


# --- the fee ledger ------------------------------------------------------------------


@dataclass(frozen=True)
class FeesDue:
    amount: int = 0  # VND
    codes: list[str] = field(default_factory=list)  # the fee items still owed


_fee_ledger: Callable[[Any], FeesDue] = lambda case: FeesDue()  # noqa: E731


def provide_fee_ledger(ledger: Callable[[Any], FeesDue]) -> None:
    global _fee_ledger
    _fee_ledger = ledger


def fees_due(case) -> FeesDue:
    """What the applicant of `case` still owes, as the fee ledger keeps it."""
    return _fee_ledger(case)


# --- action services -------------------------------------------------------------------

_action_services: dict[str, Callable] = {}


def perform_with(action: str, service: Callable) -> None:
    """`service(case=, by=, **params)` performs `action` (and calls `case_act` itself)."""
    _action_services[action] = service


def action_service(action: str) -> Callable | None:
    return _action_services.get(action)


# --- case parts ------------------------------------------------------------------------


@dataclass(frozen=True)
class CasePart:
    name: str
    read: Callable[[Any], Any]  # the case -> the value the outputs show
    related: tuple[str, ...] = ()  # relations the case's read may join for it


_parts: dict[str, CasePart] = {}


def add_case_part(name: str, read: Callable[[Any], Any], *, related=()) -> None:
    _parts[name] = CasePart(name, read, tuple(related))


def case_part(name: str, case, default=None):
    """The value feature part `name` shows for `case`; `default` without that feature."""
    part = _parts.get(name)
    return default if part is None else part.read(case)


def related_of_parts() -> tuple[str, ...]:
    return tuple(name for part in _parts.values() for name in part.related)
