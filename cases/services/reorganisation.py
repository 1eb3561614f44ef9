"""Reorganisation (sắp xếp tổ chức bộ máy): an agency dissolved, or merged into another, on
a date — as the district people's committees were on 1 July 2025.

`agency_merge` hands everything the agency held to its successor in one transaction: each
case not yet final moves by the engine's `reorganise` step (an event on its history), its
sub-agencies, staff and procedures follow, and the agency is marked dissolved. Finished
cases are left as they were; the reports keep counting every case under the agency that
held it at the time (reports.facts).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import working_time
from ..catalogue import forget_catalogue
from ..models import Agency, Case, Procedure, User
from ..models.case import FINAL_STATES
from ..selectors import agency_subtree_ids, province_subtree_ids
from ..user_context import forget_everyone
from .engine import case_act
from .steps import SystemActor

REORGANISATION = SystemActor("reorganisation")


@dataclass(frozen=True)
class Holdings:
    """What an agency holds that a merge hands over."""

    cases: int  # not yet final, received or deciding there
    children: int
    staff: int
    procedures: int

    @property
    def empty(self) -> bool:
        return not (self.cases or self.children or self.staff or self.procedures)


def _open_cases(agency: Agency):
    return Case.objects.filter(Q(deciding_agency=agency) | Q(receiving_agency=agency)).exclude(
        status__in=FINAL_STATES
    )


def holdings_of(agency: Agency) -> Holdings:
    """What merging `agency` would move (the confirmation shows it before anything moves)."""
    return Holdings(
        cases=_open_cases(agency).count(),
        children=agency.children.count(),
        staff=User.objects.filter(agency=agency).count(),
        procedures=Procedure.objects.filter(agency=agency).count(),
    )


def merge_check(*, agency: Agency, into: Agency | None, on: date, now: datetime | None = None):
    """Raise ValidationError if `agency` cannot be merged into `into` (None: dissolved with
    no successor) on `on`; writes nothing."""
    today = timezone.localtime(now or timezone.now(), working_time.VN_TZ).date()
    if agency.dissolved_on is not None:
        dissolved = agency.dissolved_on.strftime("%d/%m/%Y")
        raise ValidationError(_("This agency was already dissolved on %s.") % dissolved)
    if on > today:
        raise ValidationError({"on": _("A reorganisation is recorded on or after its day.")})
    if into is None:
        if not holdings_of(agency).empty:
            raise ValidationError(
                {"into": _("Name the successor: the agency still has cases, staff or work.")}
            )
        return
    if into.dissolved_on is not None:
        raise ValidationError({"into": _("The successor no longer exists.")})
    if into.pk in agency_subtree_ids(agency.pk):
        raise ValidationError({"into": _("The successor cannot be the agency or one below it.")})
    if into.pk not in province_subtree_ids(agency):
        raise ValidationError({"into": _("The successor must be an agency of the same province.")})


@transaction.atomic
def agency_merge(
    *,
    agency: Agency,
    into: Agency | None,
    on: date,
    decision: str = "",
    now: datetime | None = None,
) -> int:
    """Dissolve `agency` on `on`, handing its cases, sub-agencies, staff and procedures to
    `into`; return how many cases moved. All or nothing: a case changed meanwhile by someone
    else makes the whole merge fail (run it again)."""
    now = now or timezone.now()
    # Both rows as they are now, locked to commit: a second merge of either waits, then
    # finds it dissolved.
    locked = Agency.objects.select_for_update().in_bulk([agency.pk, *([into.pk] if into else [])])
    agency, into = locked[agency.pk], (locked[into.pk] if into else None)
    merge_check(agency=agency, into=into, on=on, now=now)
    moved = 0
    if into is not None:
        for case in _open_cases(agency).select_related("procedure", "receiving_agency"):
            case_act(
                case=case,
                action="reorganise",
                by=REORGANISATION,
                now=now,
                agency=agency,
                successor=into,
                effective_on=on,
                decision=decision,
            )
            moved += 1
        Agency.objects.filter(parent=agency).update(parent=into)
        User.objects.filter(agency=agency).update(agency=into)
        Procedure.objects.filter(agency=agency).update(agency=into)
    agency.dissolved_on, agency.successor, agency.dissolution_ref = on, into, decision
    agency.save(update_fields=["dissolved_on", "successor", "dissolution_ref"])
    # Written past the signals: every worker re-reads the tree, the users and the catalogue
    # once this commits.
    transaction.on_commit(forget_everyone)
    transaction.on_commit(forget_catalogue)
    return moved
