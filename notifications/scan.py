"""The deadline watcher (SLA scan): every minute, find the cases whose next threshold has
come, claim each by compare-and-set, record the crossing and alert the staff.

Cheap when nothing is due: one query on the partial index over `Case.next_alert_at`
(only open, running cases have one). Exactly once per threshold: a case is claimed only
if its `next_alert_at`, `alert_level` and appointment are still what the scan read, and
the crossing, the staff alerts and their e-mails are written in the claim's transaction.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases import deadlines
from cases.models import Agency, Case, Procedure, Role, User
from cases.selectors import calendar_for

from .models import DeadlineCrossing, Heartbeat, Notification, StaffAlert, Threshold
from .services import enqueue_after_commit

logger = logging.getLogger(__name__)

SCAN_FIELDS = [
    "id",
    "code",
    "reference",
    "appointment_at",
    "next_alert_at",
    "alert_level",
    "receiving_agency_id",
    "deciding_agency_id",
    "assigned_to_id",
    "procedure_id",
]
SCAN_HEARTBEAT = "sla_scan"
# A case whose thresholds cannot be computed (its agency's calendar broken, say) is logged
# and looked at again this much later, so that it never holds the scan up.
RETRY_BAD_ROW = timedelta(hours=1)


def sla_scan(*, now: datetime | None = None, batch_size: int = 1000) -> int:
    """One pass over every case due now; the number of thresholds crossed."""
    now = now or timezone.now()
    directory = Directory()
    crossed = 0
    while True:
        read, claimed = sla_scan_batch(now=now, batch_size=batch_size, directory=directory)
        crossed += claimed
        if read < batch_size:
            break
    Heartbeat.objects.update_or_create(name=SCAN_HEARTBEAT, defaults={"at": timezone.now()})
    return crossed


def due_cases(*, now: datetime, limit: int) -> list[Case]:
    """The cases whose next threshold has come, oldest first; rows another scan is working
    on are skipped."""
    return list(
        Case.objects.select_for_update(skip_locked=True)
        .filter(next_alert_at__lte=now)
        .order_by("next_alert_at")
        .only(*SCAN_FIELDS)[:limit]
    )


@transaction.atomic
def sla_scan_batch(*, now: datetime, batch_size: int, directory=None) -> tuple[int, int]:
    """Claim and alert one batch: (cases read, thresholds crossed)."""
    directory = directory or Directory()
    cases = due_cases(now=now, limit=batch_size)
    return len(cases), len(claim_and_alert(cases, now=now, directory=directory))


def claim_and_alert(cases: list[Case], *, now: datetime, directory=None) -> list[DeadlineCrossing]:
    """Claim each case read by `due_cases` and alert what it crossed.

    The claim is a compare-and-set on what was read: if a step changed the case meanwhile
    (a new appointment, a pause for the citizen), the claim fails and the case is left to
    the next pass with its new values.
    """
    directory = directory or Directory()
    claims = []  # (case, threshold reached or None, next moment to look or None)
    for case in cases:
        try:
            agency = directory.agency(case.receiving_agency_id)
            reached, next_at = deadlines.crossed(
                agency,
                case.appointment_at,
                alerted=case.alert_level,
                now=now,
                calendar=directory.calendar(agency),
            )
        except Exception:  # one case's bad data must not stop the others' alerts
            logger.exception("Deadline scan: case %s skipped; looked at again in an hour", case.pk)
            reached, next_at = None, now + RETRY_BAD_ROW
        claims.append((case, reached, next_at))
    won = _compare_and_set(claims)
    crossings = [
        DeadlineCrossing(case=case, threshold=reached, appointment_at=case.appointment_at, at=now)
        for case, reached, _next in claims
        if reached and case.pk in won
    ]
    DeadlineCrossing.objects.bulk_create(crossings)
    _alert_staff(crossings, now=now, directory=directory)
    return crossings


def _compare_and_set(claims) -> set[int]:
    """Move each case on to its next threshold if it is still as read; the ids that were.

    PostgreSQL: one UPDATE for the whole batch (a VALUES list of what was read), so that a
    pass over 10,000 cases is not 10,000 round trips. Elsewhere (the embedded SQLite), one
    UPDATE a case.
    """
    if not claims:
        return set()
    if connection.vendor != "postgresql":
        return {
            case.pk
            for case, reached, next_at in claims
            if Case.objects.filter(
                pk=case.pk,
                next_alert_at=case.next_alert_at,
                alert_level=case.alert_level,
                appointment_at=case.appointment_at,
            ).update(next_alert_at=next_at, alert_level=reached or case.alert_level)
        }
    table = Case._meta.db_table
    rows = ", ".join(
        ["(%s, %s::timestamptz, %s, %s::timestamptz, %s::timestamptz, %s)"] * len(claims)
    )
    params = []
    for case, reached, next_at in claims:
        params += [
            case.pk,
            case.next_alert_at,
            case.alert_level,
            case.appointment_at,
            next_at,
            reached or case.alert_level,
        ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS c SET next_alert_at = v.next_at, alert_level = v.new_level
            FROM (VALUES {rows}) AS v(id, seen_at, seen_level, seen_appointment, next_at,
                                      new_level)
            WHERE c.id = v.id AND c.next_alert_at = v.seen_at
              AND c.alert_level = v.seen_level AND c.appointment_at = v.seen_appointment
            RETURNING c.id
            """,
            params,
        )
        return {row[0] for row in cursor.fetchall()}


def _alert_staff(crossings, *, now, directory) -> None:
    alerts, mails = [], []
    with translation.override(settings.NOTIFICATION_LANGUAGE):
        messages = _staff_messages(f"{settings.SITE_URL.rstrip('/')}/alerts/")
        for crossing in crossings:
            case = crossing.case
            recipients = directory.recipients(case, crossing.threshold)
            for audience, user, agency in recipients:
                alerts.append(
                    StaffAlert(
                        crossing=crossing,
                        case=case,
                        threshold=crossing.threshold,
                        audience=audience,
                        recipient=user,
                        agency=agency,
                        created_at=now,
                    )
                )
            addresses = directory.addresses(recipients)
            if not addresses:
                continue
            values = {
                "code": case.code or case.reference,
                "procedure": directory.procedure_name(case.procedure_id),
                "when": timezone.localtime(case.appointment_at).strftime("%H:%M %d/%m/%Y"),
            }
            subject, body = (text % values for text in messages[crossing.threshold])
            mails += [
                Notification(
                    case=case,
                    kind=f"sla.{Threshold(crossing.threshold).name.lower()}",
                    channel=Notification.Channel.EMAIL,
                    recipient=address,
                    subject=subject,
                    body=body,
                    created_at=now,
                    next_attempt_at=now,
                )
                for address in addresses
            ]
    StaffAlert.objects.bulk_create(alerts, batch_size=1000)
    if Notification.objects.bulk_create(mails, batch_size=1000):
        enqueue_after_commit()


# Staff e-mails: a pass may write thousands, so plain formatted strings, not templates.
STAFF_MESSAGES = {
    Threshold.DUE_SOON: (
        _("Case %(code)s is due soon"),
        _("Case %(code)s (%(procedure)s) is due soon: its appointment is %(when)s."),
    ),
    Threshold.OVERDUE: (
        _("Case %(code)s is overdue"),
        _(
            "Case %(code)s (%(procedure)s) is overdue: its appointment was %(when)s. An apology "
            "letter (form 04) has been drafted for the officer to issue."
        ),
    ),
    Threshold.ESCALATED: (
        _("Case %(code)s is escalated"),
        _(
            "Case %(code)s (%(procedure)s) is still open well past its appointment (%(when)s) "
            "and has been escalated."
        ),
    ),
}


def _staff_messages(link: str) -> dict[int, tuple[str, str]]:
    """The subject and body formats in the active language, looked up once per batch."""
    footer = f"\n{_('Your alerts:')} {link}"
    return {t: (str(subject), str(body) + footer) for t, (subject, body) in STAFF_MESSAGES.items()}


@dataclass
class Directory:
    """Who hears about a case, looked up once per scan and agency."""

    _agencies: dict = field(default_factory=dict)
    _supervisors: dict = field(default_factory=dict)
    _officers: dict = field(default_factory=dict)
    _users: dict = field(default_factory=dict)
    _procedures: dict = field(default_factory=dict)
    _calendars: dict = field(default_factory=dict)

    def calendar(self, agency: Agency):
        if agency.pk not in self._calendars:
            self._calendars[agency.pk] = calendar_for(agency)
        return self._calendars[agency.pk]

    def agency(self, agency_id: int) -> Agency:
        if not self._agencies:
            self._agencies = {a.pk: a for a in Agency.objects.all()}
        return self._agencies[agency_id]

    def user(self, user_id: int) -> User:
        if user_id not in self._users:
            self._users[user_id] = User.objects.get(pk=user_id)
        return self._users[user_id]

    def procedure_name(self, procedure_id: int) -> str:
        if procedure_id not in self._procedures:
            names = Procedure.objects.filter(pk=procedure_id).values_list("name", flat=True)
            self._procedures[procedure_id] = names.get()
        return self._procedures[procedure_id]

    def _with_role(self, agency_id: int, role: str) -> list[User]:
        return list(
            User.objects.filter(agency_id=agency_id, groups__name=role, is_active=True).distinct()
        )

    def supervisors(self, agency_id: int) -> list[User]:
        """The supervisors of the agency, else of the nearest agency above it that has any."""
        if agency_id not in self._supervisors:
            found, current = [], self.agency(agency_id)
            while current is not None and not found:
                found = self._with_role(current.pk, Role.SUPERVISOR)
                current = self.agency(current.parent_id) if current.parent_id else None
            self._supervisors[agency_id] = found
        return self._supervisors[agency_id]

    def officers(self, agency_id: int) -> list[User]:
        if agency_id not in self._officers:
            self._officers[agency_id] = self._with_role(agency_id, Role.OFFICER)
        return self._officers[agency_id]

    def recipients(self, case: Case, threshold: int) -> list[tuple[str, User | None, Agency]]:
        """(audience, user, queue agency): the officer or the queue hears of every threshold;
        the supervisor from overdue on; the agency's head (else the supervisor) of escalation.
        """
        deciding = self.agency(case.deciding_agency_id)
        if case.assigned_to_id:
            found = [(StaffAlert.Audience.OFFICER, self.user(case.assigned_to_id), None)]
        else:
            found = [(StaffAlert.Audience.QUEUE, None, deciding)]
        if threshold >= Threshold.OVERDUE:
            found += [
                (StaffAlert.Audience.SUPERVISOR, u, None) for u in self.supervisors(deciding.pk)
            ]
        if threshold >= Threshold.ESCALATED and deciding.head_id:
            found.append((StaffAlert.Audience.HEAD, self.user(deciding.head_id), None))
        seen, unique = set(), []
        for audience, user, agency in found:
            key = user.pk if user else ("queue", agency.pk)
            if key not in seen:
                seen.add(key)
                unique.append((audience, user, agency))
        return unique

    def addresses(self, recipients) -> list[str]:
        users = []
        for _audience, user, agency in recipients:
            users += [user] if user else self.officers(agency.pk)
        return sorted({u.email for u in users if u.email})
