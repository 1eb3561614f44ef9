"""Read paths: which cases a user may see, the working calendar, lists for the API."""

import time
from datetime import datetime, timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from onestop.precompiled import Precompiled, attach_prefetched

from . import (
    lookups,  # noqa: F401 - registers `__any_of`
    working_time,
)
from .models import (
    Agency,
    CalendarOverride,
    Case,
    CaseDocument,
    CaseEvent,
    FeeItem,
    Procedure,
    Role,
    Status,
    User,
)
from .models.case import OPEN_STATES


def agency_subtree_ids(agency_id: int) -> frozenset[int]:
    """The agency and all agencies below it, in one recursive query."""
    table = Agency._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE subtree(id) AS (
                SELECT id FROM {table} WHERE id = %s
                UNION ALL
                SELECT a.id FROM {table} a JOIN subtree s ON a.parent_id = s.id
            )
            SELECT id FROM subtree
            """,
            [agency_id],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def user_agency_ids(user: User) -> frozenset[int]:
    """Agencies whose cases a staff member may see; cached on the user for the request."""
    if user.agency_id is None:
        return frozenset()
    if not hasattr(user, "_agency_ids"):
        user._agency_ids = agency_subtree_ids(user.agency_id)
    return user._agency_ids


def province_subtree_ids(agency: Agency) -> frozenset[int]:
    """Every agency of the agency's province (the top of its tree)."""
    return _province_ids(agency.pk)


def province_agency_ids(user: User) -> frozenset[int]:
    """Every agency of the user's province; cached on the user for the request."""
    if user.agency_id is None:
        return frozenset()
    if not hasattr(user, "_province_ids"):
        user._province_ids = _province_ids(user.agency_id)
    return user._province_ids


def _province_ids(agency_id: int) -> frozenset[int]:
    """Up the tree from the agency to its top, then down to every agency under it: one query."""
    table = Agency._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE up(id, parent_id) AS (
                SELECT id, parent_id FROM {table} WHERE id = %s
                UNION ALL
                SELECT a.id, a.parent_id FROM {table} a JOIN up ON a.id = up.parent_id
            ), province(id) AS (
                SELECT id FROM up WHERE parent_id IS NULL
                UNION ALL
                SELECT a.id FROM {table} a JOIN province p ON a.parent_id = p.id
            )
            SELECT id FROM province
            """,
            [agency_id],
        )
        return frozenset(row[0] for row in cursor.fetchall())


def cases_visible_to(user) -> QuerySet[Case]:
    """Staff see cases received or decided under their agency; citizens see their own.

    Counter staff also see every online submission of their province still waiting to be
    received: since 2025 any centre may receive a case for any agency of the province.
    A citizen's own cases are those they filed with their account and, once they proved
    their ID number with the national identity, every case filed under it (`cases_mine`).
    """
    cases = Case.objects.select_related(
        "procedure", "receiving_agency", "deciding_agency", "assigned_to"
    )
    if not user.is_authenticated:
        return cases.none()
    if user.is_staff_member:
        ids = user_agency_ids(user)
        visible = Q(receiving_agency_id__any_of=ids) | Q(deciding_agency_id__any_of=ids)
        if Role.COUNTER_STAFF in user.roles:
            province = province_agency_ids(user)
            visible |= Q(status=Status.SUBMITTED, deciding_agency_id__any_of=province)
        return cases.filter(visible)
    return cases.filter(mine_q(user))


def cases_to_claim(user) -> QuerySet[Case]:
    """Chờ phân công: the cases of the officer's own agency that no officer holds (received,
    or transferred in), by deadline; the officer takes one with the `claim` move."""
    if user.agency_id is None:
        return Case.objects.none()
    return (
        cases_visible_to(user)
        .filter(
            deciding_agency_id=user.agency_id,
            assigned_to__isnull=True,
            status__in=(Status.RECEIVED, Status.PROCESSING),
        )
        .order_by("appointment_at", "id")
    )


def mine_q(user) -> Q:
    """The cases that are the user's own: filed with their account, or, once they proved
    their ID number (or tax code) with the national identity, filed under it by any channel.
    They may act only on those they filed themselves (see `services.allowed_actions`)."""
    mine = Q(applicant_user=user)
    if user.proven_id_number:
        mine |= Q(applicant_id_number=user.proven_id_number)
    return mine


# What a row of the case list shows, read as `.values()`: no model instance per row.
CASE_QUEUE_FIELDS = (
    "code",
    "reference",
    "status",
    "channel",
    "procedure__code",
    "procedure__name",
    "receiving_agency__code",
    "deciding_agency__code",
    "assigned_to__username",
    "applicant_full_name",
    "applicant_id_number",
    "applicant_phone",
    "applicant_email",
    "applicant_address",
    "applicant_notify_by",
    "submitted_at",
    "received_at",
    "appointment_at",
    "resolved_at",
    "returned_at",
    "closed_at",
    "return_channel",
)


def case_queue(user) -> QuerySet:
    """The cases a user may see, by appointment, as rows of what a list shows."""
    return cases_visible_to(user).order_by("appointment_at", "id").values(*CASE_QUEUE_FIELDS)


def due_soon_window(agency: Agency, calendar: working_time.WorkCalendar) -> timedelta:
    """How close to its appointment a case of this agency counts as due soon."""
    return working_time.working_days(agency.due_soon_working_days, calendar)


def cases_due(
    cases: QuerySet[Case], *, due: str, agency: Agency | None, now=None
) -> QuerySet[Case]:
    """Open cases past their appointment (`overdue`) or due soon by the agency's window."""
    now = now or timezone.now()
    open_cases = cases.filter(status__in=OPEN_STATES, appointment_at__isnull=False)
    if due == "overdue":
        return open_cases.filter(appointment_at__lt=now)
    soon = due_soon_until(agency, now)
    return open_cases.filter(appointment_at__gte=now, appointment_at__lte=soon)


def due_soon_until(agency: Agency | None, now) -> datetime:
    """An open case whose appointment falls before this moment is due soon (or late)."""
    agency = agency or Agency()  # no agency (a citizen): the defaults of one
    calendar = calendar_for(agency)
    return working_time.add(now, due_soon_window(agency, calendar), calendar)


def submissions() -> QuerySet[Case]:
    """Cases by their submission reference, for the page that shows a filer its reference
    (which checks the browser filed it)."""
    return Case.objects.select_related("procedure")


def with_code(cases: QuerySet[Case], code_or_reference: str) -> QuerySet[Case]:
    """The case of `cases` with this code or submission reference. Both are unique and never
    alike (a reference starts with HS): one row at most, read without an ORDER BY."""
    return cases.filter(Q(code=code_or_reference) | Q(reference=code_or_reference)).order_by()[:1]


def case_by_code(cases: QuerySet[Case], code_or_reference: str) -> Case | None:
    """`with_code`'s case, or None."""
    matches = list(with_code(cases, code_or_reference))
    return matches[0] if matches else None


# The case page's documents and history, compiled once per connection: prefetching them
# compiled both queries on every page, a quarter of its CPU (onestop.precompiled).
_documents_of = Precompiled(
    lambda case_id: CaseDocument.objects.filter(case_id=case_id), case_id=int
)
_events_of = {
    actor: Precompiled(
        lambda case_id, actor=actor: CaseEvent.objects.filter(case_id=case_id).select_related(
            actor
        ),
        case_id=int,
    )
    for actor in ("actor", "actor__agency")
}


def case_get_for_user(*, user, code_or_reference: str, with_timeline: bool = False) -> Case | None:
    """A case by code (or submission reference) if the user may see it, else None; with its
    documents and events read along (`case.documents.all()`, `case.events.all()`) if
    `with_timeline`."""
    case = case_by_code(cases_visible_to(user), code_or_reference)
    if case is not None and with_timeline:
        # Staff see who took each step; anyone else sees the actor's agency instead.
        actor = "actor" if getattr(user, "is_staff_member", False) else "actor__agency"
        attach_prefetched(case, "documents", _documents_of.all(case_id=case.pk))
        attach_prefetched(case, "events", _events_of[actor].all(case_id=case.pk))
    return case


def receiving_clerk_name(case: Case) -> str:
    """Who received the case at the counter (the accept step's actor), as printed on form 01;
    "" if no one did. Reads the case's events as prefetched when they are."""
    accepted = [event for event in case.events.all() if event.action == "accept"]
    clerk = accepted[-1].actor if accepted else None
    return (clerk.get_full_name() or clerk.username) if clerk else ""


def procedure_search(
    *, text: str = "", level: str = "", agency: Agency | None = None
) -> QuerySet[Procedure]:
    """Active procedures whose code or name holds every word typed, by code."""
    procedures = Procedure.objects.filter(is_active=True).select_related("agency")
    for word in text.split():
        procedures = procedures.filter(Q(code__icontains=word) | Q(name__icontains=word))
    if level:
        procedures = procedures.filter(level=level)
    if agency is not None:
        procedures = procedures.filter(agency=agency)
    return procedures.order_by("code")


def staff_with_role(role: Role):
    return User.objects.filter(groups__name=role, is_active=True)


# --- the catalogue, as plain rows: a list of them builds no model instance ---------------


def agency_rows() -> QuerySet:
    return Agency.objects.order_by("code").values(
        "code", "name", "level", parent_code=F("parent__code")
    )


def procedure_rows() -> QuerySet:
    """Active procedures; their fees come from `procedure_fees`."""
    return (
        Procedure.objects.filter(is_active=True)
        .order_by("code")
        .values(
            "id",
            "code",
            "name",
            "level",
            "processing_time_value",
            "processing_time_unit",
            "online_level",
            "collection",
            "supplement_clock",
            "required_documents",
            agency_code=F("agency__code"),
        )
    )


def procedure_fees(procedure_ids) -> dict[int, list[dict]]:
    """The fee items of these procedures, by procedure id: one query."""
    fees: dict[int, list[dict]] = {}
    rows = FeeItem.objects.filter(procedure_id__in=procedure_ids).order_by("id")
    for fee in rows.values("procedure_id", "code", "name", "kind", "amount"):
        fees.setdefault(fee.pop("procedure_id"), []).append(fee)
    return fees


# --- the working calendar -------------------------------------------------------------


@lru_cache(maxsize=64)
def _calendar(overrides: tuple, office_hours: tuple) -> working_time.WorkCalendar:
    return working_time.build_calendar(overrides=dict(overrides), office_hours=office_hours)


OVERRIDES_TTL_SECONDS = 30
_overrides_memo: dict = {"read_at": float("-inf"), "rows": ()}


def _overrides() -> tuple:
    """The override table, re-read at most every OVERRIDES_TTL_SECONDS by each process.

    Every filing needs the calendar; overrides change a few times a year, by decision,
    weeks ahead of the day they affect, so half a minute of staleness costs nothing.
    """
    now = time.monotonic()
    if now - _overrides_memo["read_at"] > OVERRIDES_TTL_SECONDS:
        _overrides_memo["rows"] = tuple(
            CalendarOverride.objects.order_by("date").values_list("date", "is_working")
        )
        _overrides_memo["read_at"] = now
    return _overrides_memo["rows"]


def forget_calendar_overrides() -> None:
    """Make the next calendar re-read the overrides (after an edit, and in tests)."""
    _overrides_memo["read_at"] = float("-inf")


def calendar_for(agency: Agency) -> working_time.WorkCalendar:
    """The agency's working calendar: its office hours, the holidays and the overrides."""
    return _calendar(_overrides(), agency.office_hours_as_times())


def default_calendar() -> working_time.WorkCalendar:
    """The calendar with the default office hours, for callers without an agency."""
    return _calendar(_overrides(), working_time.DEFAULT_OFFICE_HOURS)


def visible_case_or_404(user, code: str, *, with_timeline: bool = False) -> Case:
    """By case code, or by submission reference before the case has a code.

    404 also for a case the user may not see: never reveal that it exists.
    """
    case = case_get_for_user(user=user, code_or_reference=code, with_timeline=with_timeline)
    if case is None:
        raise Http404
    return case
