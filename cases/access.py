"""Who may do what with a case, and what each audience may read of it: rules on a user
and a case, no queries beyond the user's own agency tree (cached on the user).

The selectors apply the visibility rules to querysets (`selectors.cases_visible_to`); the
outputs for the applicant (the API, their case page, the public lookup, messages) read
through `applicant_event_view`.
"""

from .models import Case, Role, Status, User
from .selectors import province_agency_ids, user_agency_ids
from .workflow import DECIDING, RECEIVING, reason_is_public


def acts_on_side(user: User, case: Case, side: str) -> bool:
    """Whether the staff member works for the case's receiving or deciding agency (or a
    parent of it), as `side` asks; a submission not yet received belongs to every counter
    of the province."""
    ids = user_agency_ids(user)
    receiving = case.receiving_agency_id in ids
    deciding = case.deciding_agency_id in ids
    if case.status == Status.SUBMITTED and Role.COUNTER_STAFF in user.roles and not receiving:
        receiving = case.deciding_agency_id in province_agency_ids(user)
    return {RECEIVING: receiving, DECIDING: deciding}.get(side, receiving or deciding)


def is_applicant(user, case: Case) -> bool:
    """The person the case is for: the account that filed it, or one signed in with the
    national identity whose proven ID number is the applicant's (a case filed for them at
    the counter). Their download of the signed result is the online return."""
    if not getattr(user, "is_authenticated", False) or user.is_staff_member:
        return False
    if case.applicant_user_id is not None and case.applicant_user_id == user.pk:
        return True
    return bool(user.proven_id_number) and user.proven_id_number == case.applicant_id_number


def is_receiving_counter(user, case: Case) -> bool:
    """Counter staff of the agency that received the case: who prints its receipt and
    records cash, transfers, exemptions and refunds."""
    return (
        getattr(user, "is_staff_member", False)
        and Role.COUNTER_STAFF in user.roles
        and case.receiving_agency_id in user_agency_ids(user)
    )


# Who reads the reports (KPIs, throughput, ratings, the day's payments): over their subtree.
REPORT_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def may_read_reports(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or (user.is_staff_member and bool(user.roles & REPORT_ROLES))


# Event data that names staff, or a row of ours (the agency a reorganisation moved the case
# from, for the reports): left out of what the applicant sees.
STAFF_DATA_KEYS = frozenset({"officer", "deciding_from"})


def reason_shown_to_applicant(event) -> str:
    return event.reason if reason_is_public(event.action) else ""


def applicant_event_view(*, action: str, reason: str, data: dict, actor) -> tuple:
    """(actor shown, reason shown, data shown) of a step for the applicant: the acting
    staff member's agency code instead of their name, no staff names in the data, and only
    the reasons written for the applicant (`Move.reason_is_public`); internal notes (a
    send-back, a transfer note) are left empty."""
    shown = None
    if actor is not None:
        shown = actor.agency.code if actor.agency_id is not None else actor.username
    visible = {key: value for key, value in data.items() if key not in STAFF_DATA_KEYS}
    return shown, reason if reason_is_public(action) else "", visible
