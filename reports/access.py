"""Who may read reports, and over which agencies: supervisors and admins, their subtree."""

from datetime import date

from django.http import Http404

from cases.access import may_read_reports
from cases.models import Agency, Procedure
from cases.selectors import agency_subtree_ids, user_agency_ids

from .scope import Scope

__all__ = ["may_read_reports", "scope_for"]


def scope_for(
    user, *, first: date, last: date, agency: str = "", level: str = "", procedure: str = ""
) -> Scope:
    """The report scope a user asked for; Http404 for an agency or procedure they may not see.

    Staff read their own agency's subtree (an agency below theirs narrows it); a superuser
    without an agency reads the whole database.
    """
    allowed = None if user.agency_id is None and user.is_superuser else user_agency_ids(user)
    agency_ids = allowed
    if agency:
        chosen = Agency.objects.filter(code=agency).values_list("pk", flat=True).first()
        if chosen is None or (allowed is not None and chosen not in allowed):
            raise Http404
        agency_ids = agency_subtree_ids(chosen)
    procedure_id = None
    if procedure:
        found = Procedure.objects.filter(code=procedure).values_list("pk", "agency_id").first()
        if found is None or (allowed is not None and found[1] not in allowed):
            raise Http404
        procedure_id = found[0]
    return Scope(first, last, agency_ids, level, procedure_id)
