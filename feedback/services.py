"""Writes of feedback (phản ánh, kiến nghị): file, answer, rate, and the watcher that alerts
the agency when an answer is due soon or overdue.

Each write is one transaction that changes the feedback by compare-and-set on what it read
and appends its `FeedbackEvent`, so a double click or two staff at once change it once.
Deadlines count in working days on the answering agency's calendar (`cases.working_time`
through `cases.selectors.calendar_for`: the one calendar of the cases).
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import working_time
from cases.exceptions import ActionForbidden, InvalidTransition
from cases.models import Agency, Case, Procedure, Role, User
from cases.selectors import calendar_for
from onestop.sequences import next_in_sequence

from .models import (
    AnswerDeadline,
    AnswerRating,
    Feedback,
    FeedbackAlert,
    FeedbackEvent,
    FeedbackSequence,
    Kind,
    Subject,
    Threshold,
)
from .selectors import alerts_for, may_answer

TEXT_MAX = 4000


def _required(value, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _answering_agency(subject: str, case, procedure, officer) -> tuple[Agency, Procedure | None]:
    """Who must answer: the case's deciding agency, the procedure's, or the officer's."""
    if subject == Subject.CASE:
        if case is None:
            raise ValidationError({"case": _("Which case is it about?")})
        return case.deciding_agency, case.procedure
    if subject == Subject.PROCEDURE:
        procedure = procedure or (case.procedure if case else None)
        if procedure is None:
            raise ValidationError({"procedure": _("Which procedure is it about?")})
        return procedure.agency, procedure
    if subject == Subject.OFFICER:
        if not isinstance(officer, User) or officer.agency_id is None:
            raise ValidationError({"officer": _("Which officer is it about?")})
        return officer.agency, case.procedure if case else procedure
    raise ValidationError({"subject": _("Choose one of: %s.") % ", ".join(Subject.values)})


def answer_due(agency: Agency, kind: str, filed_at: datetime) -> datetime | None:
    """The deadline for the answer: the kind's working days from filing, or None."""
    days = AnswerDeadline.objects.filter(kind=kind).values_list("working_days", flat=True).first()
    if days is None:
        return None
    calendar = calendar_for(agency)
    return working_time.add(filed_at, working_time.working_days(days, calendar), calendar)


def _first_alert_at(agency: Agency, due_at: datetime | None) -> datetime | None:
    """When the answer turns due soon (the agency's window, as for cases)."""
    if due_at is None:
        return None
    calendar = calendar_for(agency)
    window = working_time.working_days(agency.due_soon_working_days, calendar)
    return working_time.subtract(due_at, window, calendar)


@transaction.atomic
def feedback_file(
    *,
    kind: str,
    subject: str,
    text: str,
    citizen_name: str,
    case: Case | None = None,
    procedure: Procedure | None = None,
    officer: User | None = None,
    citizen_phone: str = "",
    citizen_email: str = "",
    citizen_user: User | None = None,
    filed_by: User | None = None,
    now: datetime | None = None,
) -> Feedback:
    """A citizen (or counter staff on their behalf, `filed_by`) files feedback about a case,
    a procedure or an officer; its answer is due within the kind's working days."""
    now = now or timezone.now()
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose one of: %s.") % ", ".join(Kind.values)})
    text = _required(text, "text", _("Write the feedback."))
    if len(text) > TEXT_MAX:
        raise ValidationError({"text": _("At most %d characters.") % TEXT_MAX})
    name = _required(citizen_name, "citizen_name", _("Whose feedback is it?"))
    agency, procedure = _answering_agency(subject, case, procedure, officer)
    due_at = answer_due(agency, kind, now)
    day = timezone.localtime(now, working_time.VN_TZ).date()
    number = next_in_sequence(FeedbackSequence, day=day)
    feedback = Feedback.objects.create(
        reference=f"PA-{day:%y%m%d}-{number:04d}",
        kind=kind,
        subject=subject,
        case=case,
        procedure=procedure,
        officer=officer if subject == Subject.OFFICER else None,
        agency=agency,
        text=text,
        citizen_name=name,
        citizen_phone=(citizen_phone or "").strip(),
        citizen_email=(citizen_email or "").strip(),
        citizen_user=citizen_user,
        filed_by=filed_by,
        filed_at=now,
        due_at=due_at,
        next_alert_at=_first_alert_at(agency, due_at),
    )
    FeedbackEvent.objects.create(
        feedback=feedback,
        action="file",
        actor=filed_by or citizen_user,
        at=now,
        data={"kind": kind, "subject": subject, "due_at": due_at.isoformat() if due_at else None},
    )
    return feedback


@transaction.atomic
def feedback_answer(
    *, feedback: Feedback, answer: str, by: User, now: datetime | None = None
) -> Feedback:
    """Staff of the answering agency answer (trả lời), once."""
    now = now or timezone.now()
    if not may_answer(by, feedback):
        raise ActionForbidden(_("You may not answer this feedback."))
    answer = _required(answer, "answer", _("Write the answer."))
    if len(answer) > TEXT_MAX:
        raise ValidationError({"answer": _("At most %d characters.") % TEXT_MAX})
    changed = Feedback.objects.filter(pk=feedback.pk, answered_at=None).update(
        answer=answer, answered_by=by, answered_at=now, next_alert_at=None
    )
    if changed != 1:
        raise InvalidTransition(_("This feedback has already been answered."))
    on_time = feedback.due_at is None or now <= feedback.due_at
    FeedbackEvent.objects.create(
        feedback=feedback, action="answer", actor=by, at=now, data={"on_time": on_time}
    )
    feedback.refresh_from_db()
    return feedback


@transaction.atomic
def feedback_rate(
    *,
    feedback: Feedback,
    rating: str,
    comment: str = "",
    by: User | None = None,
    now: datetime | None = None,
) -> Feedback:
    """The citizen rates the answer (đánh giá việc giải quyết phản ánh), once."""
    now = now or timezone.now()
    if rating not in AnswerRating.values:
        raise ValidationError({"rating": _("Choose one of: %s.") % ", ".join(AnswerRating.values)})
    if feedback.answered_at is None:
        raise InvalidTransition(_("The feedback can be rated once it is answered."))
    comment = (comment or "").strip()[:2000]
    changed = Feedback.objects.filter(pk=feedback.pk, rated_at=None).update(
        rating=rating, rating_comment=comment, rated_at=now
    )
    if changed != 1:
        raise InvalidTransition(_("This answer has already been rated."))
    user = by if by is not None and by.is_authenticated else None
    FeedbackEvent.objects.create(
        feedback=feedback, action="rate", actor=user, at=now, data={"rating": rating}
    )
    feedback.refresh_from_db()
    return feedback


# --- the watcher -------------------------------------------------------------------------


def feedback_scan(*, now: datetime | None = None, batch_size: int = 500) -> int:
    """One pass over the feedback whose next alert has come; the thresholds crossed."""
    now = now or timezone.now()
    crossed = 0
    while True:
        read, alerted = _scan_batch(now=now, batch_size=batch_size)
        crossed += alerted
        if read < batch_size:
            return crossed


@transaction.atomic
def _scan_batch(*, now: datetime, batch_size: int) -> tuple[int, int]:
    """Claim a batch (rows another pass holds are skipped), move each to its next
    threshold by compare-and-set, and alert in the same transaction: once per threshold."""
    due = list(
        Feedback.objects.select_for_update(skip_locked=True)
        .filter(next_alert_at__lte=now)
        .order_by("next_alert_at")
        .select_related("agency")[:batch_size]
    )
    alerted = 0
    for feedback in due:
        reached = Threshold.OVERDUE if now >= feedback.due_at else Threshold.DUE_SOON
        next_at = feedback.due_at if reached == Threshold.DUE_SOON else None
        claimed = Feedback.objects.filter(
            pk=feedback.pk,
            next_alert_at=feedback.next_alert_at,
            alert_level=feedback.alert_level,
            answered_at=None,
        ).update(next_alert_at=next_at, alert_level=reached)
        if not claimed or reached <= feedback.alert_level:
            continue
        FeedbackAlert.objects.bulk_create(
            [
                FeedbackAlert(
                    feedback=feedback,
                    threshold=reached,
                    recipient=user,
                    agency=agency,
                    created_at=now,
                )
                for user, agency in _recipients(feedback.agency, reached)
            ],
            ignore_conflicts=True,
        )
        FeedbackEvent.objects.create(
            feedback=feedback, action="alert", at=now, data={"threshold": int(reached)}
        )
        alerted += 1
    return len(due), alerted


def _recipients(agency: Agency, threshold: int) -> list[tuple[User | None, Agency | None]]:
    """The agency's queue hears of both thresholds; from overdue on, its supervisors too
    (else those of the nearest agency above that has any)."""
    found: list[tuple[User | None, Agency | None]] = [(None, agency)]
    if threshold >= Threshold.OVERDUE:
        current = agency
        while current is not None:
            supervisors = list(
                User.objects.filter(
                    agency=current, groups__name=Role.SUPERVISOR, is_active=True
                ).distinct()
            )
            if supervisors:
                found += [(user, None) for user in supervisors]
                break
            current = current.parent
    return found


def alerts_read(*, user: User, alert_ids: list[int], now: datetime | None = None) -> int:
    """Mark the user's own alerts (or their agency queue's) read."""
    return (
        alerts_for(user)
        .filter(pk__in=alert_ids, read_at=None)
        .update(read_at=now or timezone.now())
    )
