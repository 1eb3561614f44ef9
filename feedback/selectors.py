"""Reads of feedback: who sees which, who answers, the desk's lists and alerts."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.catalogue import active_procedure
from cases.models import Case, Role, User
from cases.selectors import case_by_code, cases_visible_to, due_soon_until, user_agency_ids

from .models import Feedback, FeedbackAlert, Subject

ANSWERING_ROLES = frozenset({Role.OFFICER, Role.SUPERVISOR, Role.ADMIN})


def feedback_visible_to(user) -> QuerySet[Feedback]:
    """Staff see the feedback their agencies must answer and what they filed; a citizen
    sees what they filed signed in and the feedback on their own cases."""
    feedback = Feedback.objects.select_related("case", "procedure", "agency", "officer")
    if not user.is_authenticated:
        return feedback.none()
    if user.is_staff_member:
        return feedback.filter(Q(agency_id__in=user_agency_ids(user)) | Q(filed_by=user))
    return feedback.filter(Q(citizen_user=user) | Q(case__applicant_user=user))


def may_answer(user, feedback: Feedback) -> bool:
    """Officers, supervisors and administrators of the answering agency (or above it)."""
    return (
        user.is_authenticated
        and user.is_staff_member
        and bool(user.roles & ANSWERING_ROLES)
        and feedback.agency_id in user_agency_ids(user)
    )


def feedback_of_case(case: Case) -> QuerySet[Feedback]:
    """The feedback filed about a case (what the applicant with its PIN sees)."""
    return Feedback.objects.filter(case=case).select_related("procedure", "agency", "officer")


def feedback_queue(
    user, *, state: str = "", due: str = "", kind: str = "", now: datetime | None = None
) -> QuerySet[Feedback]:
    """The desk's list: the feedback a staff member sees, waiting answers first by deadline.

    `state`: "open" (waiting for its answer), "answered", or "" for all; `due`: "overdue"
    or "soon" (the user's agency's due-soon window, as for cases)."""
    now = now or timezone.now()
    feedback = feedback_visible_to(user)
    if state == "open":
        feedback = feedback.filter(answered_at=None)
    elif state == "answered":
        feedback = feedback.filter(answered_at__isnull=False)
    if kind:
        feedback = feedback.filter(kind=kind)
    if due == "overdue":
        feedback = feedback.filter(answered_at=None, due_at__lt=now)
    elif due == "soon":
        soon = due_soon_until(getattr(user, "agency", None), now)
        feedback = feedback.filter(answered_at=None, due_at__gte=now, due_at__lte=soon)
    return feedback.order_by("answered_at", "due_at", "-filed_at", "-id")


def alerts_for(user: User) -> QuerySet[FeedbackAlert]:
    """The user's feedback alerts: theirs, and their agencies' queues' if they answer."""
    mine = Q(recipient=user)
    if user.is_staff_member and user.roles & ANSWERING_ROLES:
        mine |= Q(recipient=None, agency_id__in=user_agency_ids(user))
    return FeedbackAlert.objects.filter(mine).select_related("feedback")


def feedback_by_reference(queryset: QuerySet[Feedback], reference: str) -> Feedback | None:
    return queryset.filter(reference=reference).first()


def officer_of(case: Case) -> User:
    """The officer handling a case, whom feedback "about the officer" of it is about."""
    if case.assigned_to is None:
        raise ValidationError({"about": _("No officer handles this case yet.")})
    return case.assigned_to


def feedback_subject(user, *, about: str, case: str = "", procedure: str = "", officer: str = ""):
    """What feedback filed by `user` is about, from what they typed: a case they may see (by
    code or reference), an active procedure (by code), an officer (staff only, by username;
    else the officer handling the case). Field errors name what is unknown."""
    found = {}
    if case.strip():
        found["case"] = case_by_code(cases_visible_to(user), case.strip())
        if found["case"] is None:
            raise ValidationError({"case": _("No such case that you may see.")})
    if procedure.strip():
        found["procedure"] = active_procedure(procedure.strip())
        if found["procedure"] is None:
            raise ValidationError({"procedure": _("No such procedure.")})
    if about == Subject.OFFICER:
        if officer.strip() and user.is_staff_member:
            found["officer"] = User.objects.filter(
                username=officer.strip(), agency__isnull=False
            ).first()
            if found["officer"] is None:
                raise ValidationError({"officer": _("No such officer.")})
        elif found.get("case") is not None:
            found["officer"] = officer_of(found["case"])
    return found
