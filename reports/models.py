"""What the reports read: one row of facts per case, and the citizens' ratings.

`CaseFact` is derived data: `facts.advance` moves a case's row on in the same transaction
as every step, so a report never lags behind a step; `facts.derive` is its definition.
"""

from datetime import timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models.case import AppendOnly


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
    written_result = models.BooleanField(
        default=True, help_text=_("The procedure's result is a written paper.")
    )
    channel = models.CharField(max_length=10)
    status = models.CharField(max_length=25)
    return_channel = models.CharField(max_length=10, blank=True)
    received_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(
        null=True,
        help_text=_("When processing started: at acceptance, or once an upfront fee was settled."),
    )
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
        null=True,
        help_text=_(
            "For the on-time indicator: resolved, else returned, else stopped, rejected or "
            "withdrawn; a case waiting for a supplement finished at the request."
        ),
    )
    ended_at = models.DateTimeField(
        null=True, help_text=_("When the case stopped being open (finished or withdrawn).")
    )
    on_time = models.BooleanField(
        null=True,
        help_text=_(
            "Finished by due_at (or before any appointment) with at most one supplement "
            "request; empty while open."
        ),
    )
    supplements = models.PositiveSmallIntegerField(default=0)
    transfers = models.PositiveSmallIntegerField(default=0)
    apologised = models.BooleanField(default=False)
    signed_digitally = models.BooleanField(default=False)
    digitised = models.BooleanField(
        default=False,
        help_text=_(
            "Has digitised documents, and an electronic result wherever the result is a "
            "written paper."
        ),
    )
    reused = models.BooleanField(
        default=False,
        help_text=_("Has a document reused from the citizen's data store, not filed again."),
    )
    fee_bearing = models.BooleanField(default=False)
    fee_exempt = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    processing_days = models.FloatField(
        null=True,
        help_text=_("Working days from the start of processing to resolution, waits excluded."),
    )
    processing_time = models.FloatField(
        null=True, help_text=_("The same time in the procedure's own unit (processing_unit).")
    )
    processing_unit = models.CharField(
        max_length=20, default="working_days", help_text=_("The procedure's time unit.")
    )
    # What a step needs of the history to move the row on (`facts.advance`), kept here so
    # that it never reads the history: the wait for the applicant under way, and the
    # waits since processing started.
    paused_since = models.DateTimeField(
        null=True, help_text=_("When the wait for the applicant under way began.")
    )
    waited = models.DurationField(
        default=timedelta(0),
        db_default=timedelta(0),
        help_text=_("Office time waited for the applicant since processing started."),
    )
    waited_calendar = models.DurationField(
        default=timedelta(0),
        db_default=timedelta(0),
        help_text=_("The same waits round the clock."),
    )
    reorganised_at = models.DateTimeField(
        null=True,
        help_text=_(
            "When a reorganisation last moved the case to its deciding agency: for periods "
            "that ended by then it counts under the agency of `FactHolding`."
        ),
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
            models.Index(fields=["started_at"], name="fact_started"),
            # The cases a reorganisation moved: counted from their facts, not the roll-up.
            models.Index(
                fields=["reorganised_at"],
                name="fact_reorganised",
                condition=Q(reorganised_at__isnull=False),
            ),
            # Open cases: the on-time KPI's "open at period end" and the backlog.
            models.Index(fields=["due_at"], name="fact_due_open", condition=Q(ended_at=None)),
            # Throughput's cases due soon at each bucket's end (PostgreSQL: index-only).
            models.Index(fields=["due_at"], include=["received_at", "ended_at"], name="fact_due"),
            models.Index(fields=["deciding_agency", "received_at"], name="fact_agency_received"),
        ]

    def __str__(self):
        return f"facts of case {self.case_id}"


class FactHolding(models.Model):
    """An agency that decided a case until a reorganisation (its dissolution or merger) moved
    the case to its successor: for a period that ended between `since` (the reorganisation
    before, if any) and `until`, the case counts there, so that a merger changes no figure
    of a period already over. Derived from the case's `reorganise` steps, as its facts."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("cases.Agency", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(null=True)
    until = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "until"], name="holding_case_until")]
        indexes = [models.Index(fields=["agency", "until"], name="holding_agency_until")]

    def __str__(self):
        return f"case {self.case_id} at {self.agency_id} until {self.until}"


def folded_by(key: list[str], name: str) -> tuple[list, list]:
    """The indexes and constraint of a table the facts' triggers append to and
    `rollup.compact` folds: its key, its appended rows (what the fold looks for), and one
    folded row a key."""
    return (
        [
            models.Index(fields=key, name=f"{name}_key"),
            models.Index(fields=key, name=f"{name}_appended", condition=Q(compacted=False)),
        ],
        [
            models.UniqueConstraint(
                fields=key, name=f"{name}_compacted_once", condition=Q(compacted=True)
            )
        ],
    )


class FactRollup(models.Model):
    """The received cases' facts counted per day (Vietnam time), deciding agency and level:
    what a report of a province or an agency adds up, thousands of rows, instead of reading
    every case's row (`reports.rollup`).

    PostgreSQL triggers on `CaseFact` write it (migration `0007_fact_rollup`): every
    statement that inserts, updates or deletes fact rows appends what it changed here, as
    signed counts, in its own transaction; whatever writes the facts (a step, a rebuild, the
    generator's COPY, an agency merger), the sums stay exact. `rollup.compact` folds the
    appended rows into one row a key. Cases a reorganisation moved are not counted here:
    they count under the agency that held them at each period's end, read from their facts.

    A moment's counters count at its day; an interval's (`RUNNING`) count +1 on its first
    day and -1 on its last, so the cases open at a day's end are the sum up to that day.
    """

    day = models.DateField()
    agency = models.ForeignKey(
        "cases.Agency", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    level = models.CharField(max_length=10)
    compacted = models.BooleanField(default=False)
    received = models.IntegerField(default=0)
    received_online = models.IntegerField(default=0)
    received_online_electronic = models.IntegerField(
        default=0, help_text=_("Online, with an electronic result wherever it is a paper.")
    )
    received_fee = models.IntegerField(default=0, help_text=_("Fee-bearing, not waived."))
    received_fee_paid_online = models.IntegerField(default=0)
    received_digitised = models.IntegerField(default=0)
    received_reused = models.IntegerField(default=0)
    received_full = models.IntegerField(default=0, help_text=_("Of a fully online procedure."))
    received_full_online = models.IntegerField(
        default=0, help_text=_("Of a fully online procedure, received and returned online.")
    )
    finished = models.IntegerField(default=0)
    finished_on_time = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    resolved_paper = models.IntegerField(default=0)
    resolved_paper_signed = models.IntegerField(default=0)
    resolved_online_signed = models.IntegerField(default=0)
    returned = models.IntegerField(default=0)
    returned_online = models.IntegerField(default=0)
    open = models.IntegerField(default=0, help_text=_("From received to finished (2.1)."))
    open_not_late = models.IntegerField(
        default=0,
        help_text=_("From received to finished or due, at most one supplement (2.1)."),
    )
    backlog = models.IntegerField(default=0, help_text=_("From received to ended."))
    overdue = models.IntegerField(default=0, help_text=_("From due to ended."))

    RUNNING = ("open", "open_not_late", "backlog", "overdue")

    class Meta:
        indexes, constraints = folded_by(["day", "agency", "level"], "rollup")

    def __str__(self):
        return f"{self.day} {self.agency_id} {self.level}"

    @classmethod
    def counters(cls) -> list[str]:
        return [
            f.name
            for f in cls._meta.fields
            if isinstance(f, models.IntegerField) and not f.primary_key
        ]


class ResolvedDays(models.Model):
    """How many cases resolved each day (Vietnam time), at each level, took how long: the
    processing days in steps of 1/STEPS. Throughput's median and 90th percentile of a
    province find here which step holds them, then read only that step's cases.

    Written by the same triggers as `FactRollup`, folded by the same `rollup.compact`.
    """

    STEPS = 20  # a step of 0.05 working days

    day = models.DateField()
    level = models.CharField(max_length=10)
    step = models.IntegerField(help_text=_("floor(processing_days × STEPS)"))
    cases = models.IntegerField(default=0)
    compacted = models.BooleanField(default=False)

    class Meta:
        indexes, constraints = folded_by(["day", "level", "step"], "resolved_days")

    def __str__(self):
        return f"{self.day} {self.level} {self.step}: {self.cases}"


class ReportStamp(models.Model):
    """Counters that every step and rating moves, in its own transaction: the key under
    which a computed report may be served again. Sixteen rows, chosen by case, so that
    concurrent steps seldom wait for one another."""

    SHARDS = 16

    id = models.PositiveSmallIntegerField(primary_key=True)
    changes = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.id}: {self.changes}"


class ScorecardGroup(models.IntegerChoices):
    """The five groups of the national scorecard (Decision 766/QĐ-TTg), 100 points in all."""

    TRANSPARENCY = 1, _("Transparency")  # công khai, minh bạch
    PROGRESS = 2, _("Progress")  # tiến độ giải quyết
    ONLINE = 3, _("Online service and payment")  # dịch vụ công trực tuyến, thanh toán
    DIGITISATION = 4, _("Digitisation")  # số hóa hồ sơ, kết quả
    SATISFACTION = 5, _("Satisfaction")  # mức độ hài lòng


class Indicator(models.Model):
    """Chỉ số: one indicator of the national scorecard (Decision 766/QĐ-TTg).

    The portal's method changes by guidance, so the threshold and points (and the source
    they follow) are data an administrator changes, every change recorded in
    `IndicatorChange`; the formula is code (`reports.kpis`, under the same id), with its
    rule in its docstring. Seeded by migration `0004_indicators`.
    """

    id = models.SlugField(primary_key=True, max_length=40, help_text=_("The KPI id of the API."))
    number = models.CharField(_("number"), max_length=5, help_text=_("e.g. 2.1, 3.5a"))
    group = models.PositiveSmallIntegerField(_("group"), choices=ScorecardGroup.choices)
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order on the scorecard."))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    rule_vi = models.TextField(_("rule (Vietnamese)"))
    rule_en = models.TextField(_("rule (English)"))
    threshold = models.FloatField(
        _("threshold (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01), MaxValueValidator(100)],
        help_text=_("Full points at or above this rate; below it, rate ÷ threshold × points."),
    )
    points = models.FloatField(
        _("points"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    source = models.TextField(
        _("source"), blank=True, help_text=_("Where the rule, threshold and points come from.")
    )
    measurable = models.BooleanField(
        _("measurable here"),
        default=True,
        help_text=_("Whether this system holds the data; if not, shown as not measurable."),
    )

    EDITABLE = ("threshold", "points", "source")

    class Meta:
        verbose_name = _("scorecard indicator")
        verbose_name_plural = _("scorecard indicators")
        ordering = ["position"]

    def __str__(self):
        return f"{self.number} {self.name_vi}"


class IndicatorChange(AppendOnly):
    """A change of an indicator's threshold, points or source: who, when, old → new."""

    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="changes")
    field = models.CharField(_("field"), max_length=20)
    old = models.TextField(_("old value"), blank=True)
    new = models.TextField(_("new value"), blank=True)
    changed_by = models.ForeignKey(
        "cases.User", null=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator change")
        verbose_name_plural = _("indicator changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.indicator_id}.{self.field}: {self.old} → {self.new}"
