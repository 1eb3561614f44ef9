"""What the reports read: one row of facts per case, and the citizens' ratings.

`CaseFact` is derived data: `facts.case_fact_refresh` rewrites a case's row from its
history in the same transaction as every step, so a report never lags behind a step.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RatingValue(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")


class Rating(models.Model):
    """Đánh giá mức độ hài lòng: the applicant's rating of a returned case, once per case."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="rating", primary_key=True
    )
    value = models.CharField(_("rating"), max_length=20, choices=RatingValue.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("rated at"), default=timezone.now)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["created_at"], name="rating_created")]

    def __str__(self):
        return f"{self.case_id}: {self.value}"


class CaseFact(models.Model):
    """The facts of one case that the KPIs count, kept current with its history."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="fact", primary_key=True
    )
    procedure = models.ForeignKey("cases.Procedure", on_delete=models.CASCADE, related_name="+")
    deciding_agency = models.ForeignKey(
        "cases.Agency",
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The agency deciding the case now: a transferred case counts there, once."),
    )
    officer = models.ForeignKey(
        "cases.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    level = models.CharField(max_length=10, help_text=_("The procedure's level."))
    online_level = models.CharField(max_length=10, help_text=_("The procedure's online level."))
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=25)
    return_channel = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(null=True)
    due_at = models.DateTimeField(
        null=True,
        help_text=_(
            "The appointment in force, apology letters left out: they never make a "
            "late case on time."
        ),
    )
    resolved_at = models.DateTimeField(null=True)
    returned_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(
        null=True, help_text=_("Resolved, else returned, else stopped or rejected.")
    )
    ended_at = models.DateTimeField(
        null=True, help_text=_("When the case stopped being open (finished or withdrawn).")
    )
    on_time = models.BooleanField(
        null=True,
        help_text=_("Finished by due_at with at most one supplement request; empty while open."),
    )
    supplements = models.PositiveSmallIntegerField(default=0)
    transfers = models.PositiveSmallIntegerField(default=0)
    apologised = models.BooleanField(default=False)
    signed_digitally = models.BooleanField(default=False)
    digitised = models.BooleanField(
        default=False,
        help_text=_("Has digitised documents, and an electronic result where one is required."),
    )
    fee_bearing = models.BooleanField(default=False)
    fee_exempt = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    processing_days = models.FloatField(
        null=True,
        help_text=_("Working days from acceptance to resolution, supplement waits excluded."),
    )

    class Meta:
        indexes = [
            models.Index(fields=["received_at"], name="fact_received"),
            # Throughput's processing-time percentiles read it alone (PostgreSQL: index-only).
            models.Index(
                fields=["resolved_at"], include=["processing_days"], name="fact_resolved_days"
            ),
            models.Index(fields=["returned_at"], name="fact_returned"),
            models.Index(fields=["finished_at"], name="fact_finished"),
            # Open cases: the on-time KPI's "open at period end" and the backlog.
            models.Index(fields=["due_at"], name="fact_due_open", condition=Q(ended_at=None)),
            models.Index(fields=["deciding_agency", "received_at"], name="fact_agency_received"),
        ]

    def __str__(self):
        return f"facts of case {self.case_id}"


class ReportStamp(models.Model):
    """Counters that every step and rating moves, in its own transaction: the key under
    which a computed report may be served again. Sixteen rows, chosen by case, so that
    concurrent steps seldom wait for one another."""

    SHARDS = 16

    id = models.PositiveSmallIntegerField(primary_key=True)
    changes = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.id}: {self.changes}"
