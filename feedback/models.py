"""Feedback and complaints (phản ánh, kiến nghị) about a case, a procedure or an officer:
filed by a citizen (or by counter staff on their behalf), answered by the agency within a
deadline in working days set per kind, rated by the citizen; every step kept in
`FeedbackEvent`. The data behind the national scorecard's indicators 5.1–5.3 and part of 5.4.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import AppendOnly


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")  # phản ánh, khiếu nại
    SUGGESTION = "suggestion", _("Suggestion")  # kiến nghị, góp ý
    PRAISE = "praise", _("Praise")  # khen ngợi


class Subject(models.TextChoices):
    CASE = "case", _("A case")
    PROCEDURE = "procedure", _("A procedure")
    OFFICER = "officer", _("An officer")


class AnswerRating(models.TextChoices):
    """The citizen's rating of the answer: the three words of the case rating."""

    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class Threshold(models.IntegerChoices):
    DUE_SOON = 1, _("Due soon")
    OVERDUE = 2, _("Overdue")


class AnswerDeadline(models.Model):
    """How many working days an agency has to answer feedback of one kind (thời hạn trả
    lời); empty: no answer is due (praise, by default)."""

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, primary_key=True)
    working_days = models.PositiveSmallIntegerField(
        _("working days to answer"),
        null=True,
        blank=True,
        help_text=_("Empty: no answer is due for this kind."),
    )

    class Meta:
        verbose_name = _("answer deadline")
        verbose_name_plural = _("answer deadlines")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.working_days}"


class FeedbackSequence(models.Model):
    """The last feedback number issued on one day (Vietnam time)."""

    day = models.DateField(unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.day}: {self.last}"


class Feedback(models.Model):
    """Phản ánh, kiến nghị: one piece of feedback and its answer."""

    reference = models.CharField(
        _("reference"), max_length=20, unique=True, help_text=_("PA-{yyMMdd}-{NNNN}.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("about"), max_length=20, choices=Subject.choices)
    case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
        help_text=_("The case it is about, or the case of the officer or procedure."),
    )
    procedure = models.ForeignKey(
        "cases.Procedure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The officer it is about."),
    )
    agency = models.ForeignKey(
        "cases.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_(
            "The agency that must answer: the case's deciding agency, the "
            "procedure's, or the officer's."
        ),
    )
    text = models.TextField(_("feedback"), max_length=4000)
    citizen_name = models.CharField(_("name"), max_length=255)
    citizen_phone = models.CharField(_("phone"), max_length=20, blank=True)
    citizen_email = models.EmailField(_("email"), blank=True)
    citizen_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The citizen's account, if they filed it signed in."),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The counter staff who filed it on the citizen's behalf."),
    )
    filed_at = models.DateTimeField(_("filed at"), default=timezone.now)
    due_at = models.DateTimeField(
        _("answer due"), null=True, blank=True, help_text=_("Empty: no answer is due.")
    )
    answer = models.TextField(_("answer"), blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rating = models.CharField(
        _("rating of the answer"), max_length=20, choices=AnswerRating.choices, blank=True
    )
    rating_comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_at = models.DateTimeField(_("rated at"), null=True, blank=True)
    next_alert_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the watcher must next look: due soon, then overdue; empty once "
            "answered or when no answer is due."
        ),
    )
    alert_level = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-filed_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "filed_at"], name="feedback_agency_filed"),
            models.Index(
                fields=["next_alert_at"],
                name="feedback_next_alert",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(fields=["answered_at"], name="feedback_answered"),
            models.Index(fields=["rated_at"], name="feedback_rated"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        """Waiting for its answer."""
        return self.due_at is not None and self.answered_at is None

    def is_overdue_at(self, moment) -> bool:
        return self.is_open and moment > self.due_at


class FeedbackEvent(AppendOnly):
    """One step of a feedback's history: filed, answered, rated, alerted."""

    feedback = models.ForeignKey(Feedback, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["feedback", "at"], name="feedback_event_at")]

    def __str__(self):
        return f"{self.feedback_id} {self.action}"


class FeedbackAlert(models.Model):
    """An in-app alert to one staff member, or to an agency's queue, about an answer due
    soon or overdue; written once per threshold by the watcher (`services.feedback_scan`)."""

    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="alerts")
    threshold = models.PositiveSmallIntegerField(choices=Threshold.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    agency = models.ForeignKey(
        "cases.Agency",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The queue's agency, for an alert to nobody in particular."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("feedback alert")
        verbose_name_plural = _("feedback alerts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["feedback", "threshold", "recipient", "agency"],
                name="feedback_alert_once",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.get_threshold_display()}: {self.feedback_id}"
