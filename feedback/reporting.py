"""What the national scorecard reads of feedback, given to the reports through their seam
(`reports.sources`, registered in `FeedbackConfig.ready`):

- the case filter "complained": the cases with a complaint about them (part of 5.4), with a
  stamp (how many complaints, the latest id: complaints are never deleted nor re-kinded) so
  the reports may cache under it;
- the tallies of 5.1 (received, by kind), 5.2 (answered on time) and 5.3 (satisfaction with
  the answers), over the feedback the scope's agencies must answer.

A report's scope gives `start`, `end`, `agency_ids`, `level` and `procedure_id`; the level
and procedure are the feedback's procedure's (feedback about an officer without a case has
none, and counts only when the report is not narrowed to them).
"""

from django.db.models import Case, CharField, Count, F, Max, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from .models import AnswerRating, Feedback, Kind, Subject


def complained(case_ids: QuerySet) -> QuerySet:
    """The cases of `case_ids` with a complaint about them."""
    return Feedback.objects.filter(kind=Kind.COMPLAINT, case_id__in=case_ids).values("case_id")


def complaints_stamp() -> tuple:
    counts = Feedback.objects.filter(kind=Kind.COMPLAINT).aggregate(n=Count("pk"), last=Max("pk"))
    return counts["n"], counts["last"]


def _scoped(scope) -> QuerySet[Feedback]:
    feedback = Feedback.objects.all()
    if scope.agency_ids is not None:
        feedback = feedback.filter(agency_id__in=scope.agency_ids)
    if scope.level:
        feedback = feedback.filter(procedure__level=scope.level)
    if scope.procedure_id:
        feedback = feedback.filter(procedure_id=scope.procedure_id)
    return feedback


def _between(field: str, scope) -> Q:
    return Q(**{f"{field}__gte": scope.start, f"{field}__lt": scope.end})


# --- 5.1: received, by kind --------------------------------------------------------------


def received_count(scope) -> dict:
    """5.1: the feedback filed in the period, by kind."""
    rows = _scoped(scope).filter(_between("filed_at", scope)).values("kind").annotate(n=Count("pk"))
    parts = dict.fromkeys(Kind.values, 0) | {row["kind"]: row["n"] for row in rows}
    return {"numerator": sum(parts.values()), "denominator": None, "parts": parts}


def received_rows(scope, part: str) -> QuerySet:
    return _rows(_scoped(scope).filter(_between("filed_at", scope)))


# --- 5.2: answered on time ---------------------------------------------------------------


def _on_time(scope) -> tuple[Q, Q]:
    """Feedback whose answer is due, answered in the period by its deadline, plus feedback
    unanswered at the period's end and not past its deadline, over the feedback answered in
    the period or unanswered at its end (2.1's rule, for answers)."""
    answered_in = _between("answered_at", scope)
    open_at_end = Q(filed_at__lt=scope.end) & (Q(answered_at=None) | Q(answered_at__gte=scope.end))
    due = Q(due_at__isnull=False)
    denominator = due & (answered_in | open_at_end)
    numerator = due & (
        (answered_in & Q(answered_at__lte=F("due_at"))) | (open_at_end & Q(due_at__gte=scope.end))
    )
    return numerator, denominator


def on_time_count(scope) -> dict:
    numerator, denominator = _on_time(scope)
    counts = _scoped(scope).aggregate(
        n=Count("pk", filter=numerator), d=Count("pk", filter=denominator)
    )
    return {"numerator": counts["n"], "denominator": counts["d"]}


def on_time_rows(scope, part: str) -> QuerySet:
    numerator, denominator = _on_time(scope)
    return _rows(_scoped(scope).filter(numerator if part == "numerator" else denominator))


# --- 5.3: satisfaction with the answers --------------------------------------------------

SATISFIED = Q(rating__in=[AnswerRating.SATISFIED, AnswerRating.VERY_SATISFIED])


def satisfaction_count(scope) -> dict:
    """5.3: the answers rated in the period, those rated satisfied or very satisfied."""
    rated = _scoped(scope).filter(_between("rated_at", scope))
    counts = rated.aggregate(n=Count("pk", filter=SATISFIED), d=Count("pk"))
    return {"numerator": counts["n"], "denominator": counts["d"]}


def satisfaction_rows(scope, part: str) -> QuerySet:
    rated = _scoped(scope).filter(_between("rated_at", scope))
    return _rows(rated.filter(SATISFIED) if part == "numerator" else rated)


# --- what the drill-down shows -----------------------------------------------------------

COLUMNS = (
    ("reference", _("Reference")),
    ("kind_label", _("Kind")),
    ("subject_label", _("About")),
    ("case__code", _("Case code")),
    ("agency__code", _("Answering agency")),
    ("filed_at", _("Sent on")),
    ("due_at", _("Answer due")),
    ("answered_at", _("Answered")),
    ("rating_label", _("Rating of the answer")),
)


def _labelled(field: str, choices) -> Case:
    """The choice's label in the request's language, for the drill-down's table."""
    whens = [When(**{field: value}, then=Value(str(label))) for value, label in choices]
    return Case(*whens, default=F(field), output_field=CharField())


def _rows(feedback: QuerySet) -> QuerySet:
    labels = {
        "kind_label": _labelled("kind", Kind.choices),
        "subject_label": _labelled("subject", Subject.choices),
        "rating_label": _labelled("rating", AnswerRating.choices),
    }
    keys = [key for key, _label in COLUMNS]
    return feedback.annotate(**labels).order_by("-filed_at", "-id").values(*keys)


def register() -> None:
    from reports import sources

    sources.register_case_filter("complained", complained, stamp=complaints_stamp)
    for name, count, rows in (
        ("feedback_received", received_count, received_rows),
        ("feedback_on_time", on_time_count, on_time_rows),
        ("feedback_satisfaction", satisfaction_count, satisfaction_rows),
    ):
        sources.register_tally(name, sources.Tally(count=count, rows=rows, columns=COLUMNS))
