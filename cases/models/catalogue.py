"""The catalogue: agencies, procedures and their fees, and the working calendar."""

from dataclasses import dataclass
from datetime import time

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from cases.working_time import Unit
from onestop import money

AGENCY_CODE_VALIDATOR = RegexValidator(
    r"^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[0-9A-Z]{3}$",
    _("An agency code looks like 000.00.20.H38 (L4.L3.L2.L1)."),
)


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    # No district body exists since 1 July 2025 (two-tier local government); kept for the
    # agencies and procedures of before, whose cases keep their history.
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


def default_office_hours():
    return [["07:30", "11:30"], ["13:30", "17:00"]]


class Agency(models.Model):
    """Agency (cơ quan, đơn vị): a province department or centre, or a commune body.

    An agency can be dissolved or merged into another on a date (giải thể, sáp nhập):
    `cases.services.reorganisation` moves its cases not yet finished to its successor.
    """

    code = models.CharField(
        _("identifier code"),
        max_length=20,
        unique=True,
        validators=[AGENCY_CODE_VALIDATOR],
        help_text=_("Mã định danh, L4.L3.L2.L1, e.g. 000.00.20.H38."),
    )
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        _("due soon within (working days)"),
        default=1,
        help_text=_(
            "A case is due soon, and its staff are alerted, this close to its appointment."
        ),
    )
    escalation_working_days = models.PositiveSmallIntegerField(
        _("escalate after (working days overdue)"),
        default=2,
        help_text=_("A case this long past its appointment is escalated to the agency's head."),
    )
    head = models.ForeignKey(
        "cases.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("head"),
        help_text=_("Thủ trưởng: hears of escalated cases (else the supervisors do)."),
    )
    office_hours = models.JSONField(
        _("office hours"),
        default=default_office_hours,
        help_text=_('Opening intervals of a working day, local time: [["07:30", "11:30"], ...].'),
    )
    # Set only by a reorganisation (cases.services.reorganisation), never edited by hand.
    dissolved_on = models.DateField(
        _("dissolved on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Giải thể hoặc sáp nhập: the day from which the agency no longer exists."),
    )
    successor = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="predecessors",
        verbose_name=_("merged into"),
        help_text=_("Cơ quan kế thừa: the agency that took over its cases, staff and work."),
    )
    dissolution_ref = models.CharField(
        _("reorganisation decision"),
        max_length=100,
        blank=True,
        default="",
        editable=False,
        help_text=_("The decision that dissolved or merged it, e.g. 1673/NQ-UBTVQH15."),
    )

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def office_hours_as_times(self) -> tuple[tuple[time, time], ...]:
        return tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in self.office_hours)

    def clean(self):
        try:
            intervals = self.office_hours_as_times()
        except (TypeError, ValueError) as exc:
            raise ValidationError({"office_hours": _("Use pairs of HH:MM times.")}) from exc
        flat = [t for pair in intervals for t in pair]
        if not intervals or flat != sorted(flat) or any(a >= b for a, b in intervals):
            raise ValidationError(
                {"office_hours": _("Intervals must be non-empty, ordered and not overlap.")}
            )


class TimeUnit(models.TextChoices):
    """The units `working_time.deadline` counts in, with their labels."""

    WORKING_DAYS = Unit.WORKING_DAYS.value, _("working days")
    WORKING_HOURS = Unit.WORKING_HOURS.value, _("working hours")
    CALENDAR_DAYS = Unit.CALENDAR_DAYS.value, _("calendar days")


class OnlineLevel(models.TextChoices):
    """Mức độ dịch vụ công trực tuyến (Decree 42/2022)."""

    FULL = "full", _("Full (toàn trình)")
    PARTIAL = "partial", _("Partial (một phần)")
    NONE = "none", _("None")


class CollectionMode(models.TextChoices):
    UPFRONT = "upfront", _("Paid before processing (thu trước)")
    ON_RESULT = "on_result", _("Paid before the result is returned (thu sau)")
    NONE = "none", _("No fee")


class SupplementClock(models.TextChoices):
    EXTEND = "extend", _("Extend by the time spent waiting")
    RESTART = "restart", _("Restart the full processing time")


class PaperForm(models.TextChoices):
    """In what form a document is handed in (bản chính, bản sao chứng thực, bản sao/chụp)."""

    ORIGINAL = "original", _("original")
    CERTIFIED_COPY = "certified_copy", _("certified copy")
    COPY = "copy", _("copy")


@dataclass(frozen=True)
class RequiredDocument:
    """One document of a procedure's file (thành phần hồ sơ): required, or only where its
    condition holds (the filer reads the condition and answers it); one of `alternatives`
    where there are any ("CCCD or passport": the filer hands in either); how many copies, and
    whether an original or a certified copy."""

    name: str
    condition: str = ""  # conditional (trường hợp …) when set
    alternatives: tuple[str, ...] = ()
    copies: int = 1
    form: str = ""  # a PaperForm, or unsaid

    @property
    def conditional(self) -> bool:
        return bool(self.condition)

    @property
    def requirement(self) -> str:
        return "conditional" if self.conditional else "required"

    @property
    def names(self) -> tuple[str, ...]:
        """What may be handed in for it: one of the alternatives, or the document itself."""
        return self.alternatives or (self.name,)

    def describe(self) -> str:
        """How many copies of what: "1 bản chính" (in the language active)."""
        kind = PaperForm(self.form).label if self.form else _("copy or original")
        return _("%(copies)d × %(form)s") % {"copies": self.copies, "form": kind}


DOCUMENT_RULE_KEYS = {"condition", "alternatives", "copies", "form"}


def validate_document_rules(rules) -> None:
    """`Procedure.document_rules`: {document name: {condition, alternatives, copies, form}}."""
    if not isinstance(rules, dict):
        raise ValidationError(_("Give the rules as an object keyed by the document's name."))
    for name, rule in rules.items():
        if not isinstance(rule, dict) or not rule.keys() <= DOCUMENT_RULE_KEYS:
            raise ValidationError(
                _("%(name)s: use only condition, alternatives, copies and form.") % {"name": name}
            )
        copies = rule.get("copies", 1)
        if not isinstance(copies, int) or copies < 1:
            raise ValidationError(
                _("%(name)s: copies is a whole number, 1 or more.") % {"name": name}
            )
        if rule.get("form", "") not in {"", *PaperForm.values}:
            raise ValidationError(
                _("%(name)s: form is original, certified_copy or copy.") % {"name": name}
            )
        alternatives = rule.get("alternatives", [])
        if not isinstance(alternatives, list) or not all(
            isinstance(a, str) and a.strip() for a in alternatives
        ):
            raise ValidationError(_("%(name)s: alternatives is a list of names.") % {"name": name})
        if not isinstance(rule.get("condition", ""), str):
            raise ValidationError(_("%(name)s: the condition is a sentence.") % {"name": name})


class Procedure(models.Model):
    """Procedure (thủ tục hành chính, TTHC) as published in the national database."""

    code = models.CharField(
        _("national code"), max_length=30, unique=True, help_text=_("e.g. 1.011443")
    )
    name = models.CharField(_("name"), max_length=500)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("deciding agency"),
        help_text=_("The agency that decides cases of this procedure (cơ quan giải quyết)."),
    )
    processing_time_value = models.PositiveIntegerField(_("processing time"))
    processing_time_unit = models.CharField(
        _("processing time unit"),
        max_length=20,
        choices=TimeUnit.choices,
        default=TimeUnit.WORKING_DAYS,
    )
    online_level = models.CharField(
        _("online level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    collection = models.CharField(
        _("fee collection"),
        max_length=10,
        choices=CollectionMode.choices,
        default=CollectionMode.NONE,
    )
    supplement_clock = models.CharField(
        _("clock after a supplement"),
        max_length=10,
        choices=SupplementClock.choices,
        default=SupplementClock.EXTEND,
        help_text=_(
            "extend: the appointment moves later by the working time spent waiting; "
            "restart: the full processing time starts again when the documents arrive."
        ),
    )
    required_documents = models.JSONField(
        _("required documents"), default=list, blank=True, help_text=_("Names of the documents.")
    )
    document_rules = models.JSONField(
        _("document rules"),
        default=dict,
        blank=True,
        validators=[validate_document_rules],
        help_text=_(
            "What each required document is, keyed by its name: "
            '{"condition": "when it is needed (it is then conditional)", '
            '"alternatives": ["one of these names"], "copies": 1, '
            '"form": "original|certified_copy|copy"}. A document without a rule is required, '
            "one copy."
        ),
    )
    requires_verified_identity = models.BooleanField(
        _("online filing requires a verified identity"),
        default=False,
        db_default=False,
        help_text=_(
            "Filed online only by the applicant in person, signed in with their national "
            "electronic identity (VNeID) at the level of assurance required."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # What the national scorecard (Decision 766, indicators 1.1–1.3, 3.5, 4.1) reads of
    # the catalogue besides the above.
    decision_ref = models.CharField(
        _("publishing decision"),
        max_length=100,
        blank=True,
        help_text=_(
            "Quyết định công bố: the decision that published or last amended the procedure, "
            "e.g. 1234/QĐ-UBND."
        ),
    )
    decision_effective_on = models.DateField(
        _("decision effective on"),
        null=True,
        blank=True,
        help_text=_("The day that decision took effect."),
    )
    published_on = models.DateField(
        _("published on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the procedure was first made public in the catalogue (công khai); "
            "recorded as the day it is added when left empty."
        ),
    )
    updated_on = models.DateField(
        _("updated on"),
        null=True,
        blank=True,
        help_text=_(
            "The day the catalogue last followed an amending decision; recorded as the day "
            "the decision is changed here when left as it was. Empty: never amended."
        ),
    )
    written_result = models.BooleanField(
        _("result is a written paper"),
        default=True,
        help_text=_(
            "Kết quả là giấy tờ: the result is a paper (a licence, a certificate, a "
            "decision), so its cases must also be issued an electronic result."
        ),
    )
    pays_online = models.BooleanField(
        _("fees payable online"),
        default=False,
        help_text=_("Its fees can be paid online (thanh toán trực tuyến, through PayGov)."),
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def documents(self) -> list[RequiredDocument]:
        """The file's documents in the catalogue's order, each with its rule."""
        rules = self.document_rules or {}
        return [
            RequiredDocument(
                name=name,
                condition=rules.get(name, {}).get("condition", "").strip(),
                alternatives=tuple(rules.get(name, {}).get("alternatives", ())),
                copies=rules.get(name, {}).get("copies", 1),
                form=rules.get(name, {}).get("form", ""),
            )
            for name in self.required_documents
        ]

    def document_named(self, name: str) -> RequiredDocument | None:
        """The catalogue's document that a document handed in is (itself or one of its
        alternatives); None for one the catalogue does not name."""
        return next((document for document in self.documents if name in document.names), None)

    @cached_property
    def fee_bearing(self) -> bool:
        """Whether any of its fee items costs money (thủ tục có thu phí). A query may read it
        with the procedure instead: `.annotate(fee_bearing=...)` sets the same attribute."""
        return self.fees.costing().exists()


class FeeItemQuerySet(models.QuerySet):
    def costing(self):
        """Items that cost money: a procedure with one bears a fee (có thu phí)."""
        return self.filter(amount__gt=0)


class FeeItem(models.Model):
    """A fee (phí) or charge (lệ phí) of a procedure, in whole VND."""

    class Kind(models.TextChoices):
        FEE = "fee", _("Fee (phí)")
        CHARGE = "charge", _("Charge (lệ phí)")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="fees")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    amount = models.PositiveBigIntegerField(_("amount (VND)"))

    objects = FeeItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "code"], name="fee_code_unique_per_procedure"
            )
        ]

    def __str__(self):
        return f"{self.name}: {money.vnd(self.amount)}"


class CalendarOverride(models.Model):
    """A government decision that opens or closes one day (ngày làm bù, ngày nghỉ bù).

    Wins over the weekend and the `holidays` package's VN table.
    """

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(
        _("is a working day"), help_text=_("Checked: a make-up working day; unchecked: a day off.")
    )
    reason = models.CharField(_("reason"), max_length=255)
    decision_ref = models.CharField(
        _("decision"), max_length=100, blank=True, help_text=_("e.g. Thông báo 6150/TB-BLĐTBXH")
    )

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date}: {'working' if self.is_working else 'closed'} ({self.reason})"
