"""Cases (hồ sơ), their documents and their append-only history."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    """Internal case states; `national_code` maps each to the national portal's status."""

    SUBMITTED = "submitted", _("Submitted")
    RECEIVED = "received", _("Received")
    REJECTED = "rejected", _("Rejected")
    PROCESSING = "processing", _("Processing")
    AWAITING_SIGNATURE = "awaiting_signature", _("Awaiting signature")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Supplement requested")
    AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    STOPPED = "stopped", _("Stopped")
    RESOLVED = "resolved", _("Resolved")
    RETURNED = "returned", _("Returned")

    @property
    def national_code(self) -> int:
        return NATIONAL_CODES[self]


NATIONAL_CODES = {
    Status.SUBMITTED: 1,
    Status.RECEIVED: 2,
    Status.REJECTED: 3,
    Status.PROCESSING: 4,
    Status.AWAITING_SIGNATURE: 4,
    Status.SUPPLEMENT_REQUESTED: 5,
    Status.AWAITING_PAYMENT: 6,
    Status.WITHDRAWN: 7,
    Status.STOPPED: 8,
    Status.RESOLVED: 9,
    Status.RETURNED: 10,
}

# The status groups, late and due soon: here and nowhere else.
FINAL_STATES = frozenset({Status.REJECTED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})
# Open = the deadline still runs against it (a resolved case waits only for pick-up).
OPEN_STATES = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.PROCESSING,
        Status.AWAITING_SIGNATURE,
        Status.SUPPLEMENT_REQUESTED,
        Status.AWAITING_PAYMENT,
    }
)
# The processing clock runs (and so the deadline watcher has work).
CLOCK_RUNNING = frozenset({Status.RECEIVED, Status.PROCESSING, Status.AWAITING_SIGNATURE})
# The clock is paused while the case waits for the applicant (documents, a fee).
PAUSED = frozenset({Status.SUPPLEMENT_REQUESTED, Status.AWAITING_PAYMENT})
# No longer open: decided one way or the other, or withdrawn (the reports' backlog ends).
ENDED = frozenset(
    {Status.RESOLVED, Status.RETURNED, Status.STOPPED, Status.REJECTED, Status.WITHDRAWN}
)

LATE, DUE_SOON = "late", "soon"


def is_overdue(status: str, appointment_at, now) -> bool:
    """Open and past its appointment: for a case or a list's row alike."""
    return status in OPEN_STATES and appointment_at is not None and now > appointment_at


def due_state(status: str, appointment_at, now, soon_until) -> str:
    """ "late", "soon" (open and due before `soon_until`, `selectors.due_soon_until`) or ""."""
    if is_overdue(status, appointment_at, now):
        return LATE
    if status in OPEN_STATES and appointment_at is not None and appointment_at <= soon_until:
        return DUE_SOON
    return ""


class Channel(models.TextChoices):
    """Kênh thực hiện: how the case was filed."""

    COUNTER = "counter", _("At the counter")
    ONLINE = "online", _("Online")
    POST = "post", _("By public post")


class ReturnChannel(models.TextChoices):
    ONLINE = "online", _("Online download")
    COUNTER = "counter", _("At the counter")
    POST = "post", _("By post")


class NotifyBy(models.TextChoices):
    """How the applicant wants to hear about their case."""

    ALL = "all", _("Every contact given")
    EMAIL = "email", _("Email only")
    SMS = "sms", _("SMS only")
    NONE = "none", _("No messages")


class MessageChannel(models.TextChoices):
    """A way to reach the applicant (kênh nhận thông báo), in the order they prefer."""

    ZALO = "zalo", _("Zalo")
    SMS = "sms", _("SMS")
    EMAIL = "email", _("Email")


class MessageLanguage(models.TextChoices):
    VI = "vi", "Tiếng Việt"
    EN = "en", "English"


class Case(models.Model):
    """Case (hồ sơ): one application for one procedure by one applicant."""

    code = models.CharField(
        _("case code"),
        max_length=40,
        unique=True,
        null=True,
        blank=True,
        help_text=_("{agency code}-{yyMMdd}-{NNNN}, issued when the case is received."),
    )
    reference = models.CharField(
        _("submission reference"),
        max_length=20,
        unique=True,
        help_text=_("Identifies an online submission before it has a case code."),
    )
    pin_hash = models.CharField(max_length=64, blank=True, editable=False)
    procedure = models.ForeignKey(
        "cases.Procedure",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("procedure"),
    )
    receiving_agency = models.ForeignKey(
        "cases.Agency",
        on_delete=models.PROTECT,
        related_name="received_cases",
        verbose_name=_("receiving agency"),
        help_text=_("Nơi tiếp nhận: where the case was (or will be) received."),
    )
    deciding_agency = models.ForeignKey(
        "cases.Agency",
        on_delete=models.PROTECT,
        related_name="deciding_cases",
        verbose_name=_("deciding agency"),
        help_text=_(
            "Cơ quan giải quyết: the agency processing the case now (changes on transfer)."
        ),
    )
    applicant_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="filed_cases",
        help_text=_("The citizen account that filed the case online, if any."),
    )
    applicant_full_name = models.CharField(_("applicant name"), max_length=255)
    applicant_id_number = models.CharField(
        _("ID number or tax code"), max_length=20, help_text=_("CCCD (12 digits) or tax code.")
    )
    applicant_phone = models.CharField(_("phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("email"), blank=True)
    applicant_address = models.CharField(_("address"), max_length=500, blank=True)
    applicant_notify_by = models.CharField(
        _("notify by"), max_length=10, choices=NotifyBy.choices, default=NotifyBy.ALL
    )
    applicant_verified = models.BooleanField(
        _("applicant verified"),
        default=False,
        db_default=False,  # rows written by SQL (the case generator, benchmarks) omit it
        help_text=_(
            "TaiKhoanDuocXacThucVoiVNeID: filed online by the applicant signed in with their "
            "proven national electronic identity (VNeID), whose ID number is the applicant's."
        ),
    )
    # Database defaults too: the bulk writers (COPY in reports.generate) name only the
    # columns they fill.
    applicant_channels = models.JSONField(
        _("message channels"),
        default=list,
        db_default=models.Value([], models.JSONField()),
        blank=True,
        help_text=_(
            "The channels to reach the applicant by, in order (zalo, sms, email): a message "
            "that cannot reach them on one goes by the next. Empty: as notify_by says."
        ),
    )
    applicant_language = models.CharField(
        _("message language"),
        max_length=5,
        blank=True,
        db_default="",
        choices=MessageLanguage.choices,
        help_text=_("The language of the applicant's messages; empty: the province's default."),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    return_channel = models.CharField(
        _("return channel"),
        max_length=10,
        choices=ReturnChannel.choices,
        blank=True,
        help_text=_("How the result was handed over; empty until it is returned."),
    )
    status = models.CharField(
        _("status"), max_length=25, choices=Status.choices, default=Status.SUBMITTED, editable=False
    )
    version = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Counts the steps: each one compares and sets it.")
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        verbose_name=_("assigned officer"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    appointment_at = models.DateTimeField(
        _("appointment"),
        null=True,
        blank=True,
        help_text=_("Ngày hẹn trả kết quả in force; its history is in AppointmentChange."),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        help_text=_("When it was rejected, stopped or withdrawn."),
    )
    next_alert_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "When the deadline watcher must next look at this case: due soon, overdue, escalation."
        ),
    )
    alert_level = models.PositiveSmallIntegerField(
        default=0,
        editable=False,
        help_text=_("The last deadline threshold alerted for the appointment in force."),
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["appointment_at", "id"]
        indexes = [
            # The deadline watcher's query: only open cases, by when they need a look.
            models.Index(
                fields=["next_alert_at"],
                name="case_next_alert_open",
                condition=Q(next_alert_at__isnull=False),
            ),
            models.Index(fields=["status", "appointment_at"], name="case_status_appointment"),
            models.Index(fields=["deciding_agency", "status"], name="case_deciding_status"),
            models.Index(
                fields=["receiving_agency", "received_at"], name="case_receiving_received"
            ),
            models.Index(fields=["applicant_id_number"], name="case_applicant_id"),
        ]

    def __str__(self):
        return self.code or self.reference

    @property
    def national_status(self) -> int:
        return NATIONAL_CODES[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATES

    def is_overdue_at(self, moment) -> bool:
        return is_overdue(self.status, self.appointment_at, moment)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())


class CaseCodeSequence(models.Model):
    """The last case number issued by one receiving agency on one day (Vietnam time)."""

    agency = models.ForeignKey("cases.Agency", on_delete=models.CASCADE)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="case_seq_agency_day")
        ]

    def __str__(self):
        return f"{self.agency_id} {self.day}: {self.last}"


class CaseDocument(models.Model):
    """A document (giấy tờ) filed with a case."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    name = models.CharField(_("name"), max_length=255)
    digitised = models.BooleanField(_("digitised"), default=False, help_text=_("Số hóa."))
    reused = models.BooleanField(
        _("reused"),
        default=False,
        help_text=_("Taken from the citizen's data store, not filed again."),
    )
    file = models.FileField(_("file"), upload_to="cases/documents/%Y/%m/", blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["id"]

    def __str__(self):
        return self.name


class AppendOnly(models.Model):
    """Rows that are history: written once, never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only")


class CaseEvent(AppendOnly):
    """One step of a case's history: who did what, when, from which state to which."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=25, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=25, choices=Status.choices)
    reason = models.TextField(blank=True)
    form = models.CharField(
        max_length=2, blank=True, help_text=_("The form issued with this step: 01–05.")
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="event_case_at")]

    def __str__(self):
        return f"{self.case} {self.action}: {self.from_status or '-'} → {self.to_status}"


class AppointmentChange(AppendOnly):
    """A change of the appointment date, kept as history (initial, supplement, fee, apology)."""

    class Reason(models.TextChoices):
        RECEIVED = "received", _("Set at receipt")
        SUPPLEMENT = "supplement", _("Supplement received")
        FEE_PAID = "fee_paid", _("Fee paid up front")
        APOLOGY = "apology", _("Apology letter")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="appointment_changes")
    # The step that set it: one change per step at most.
    event = models.OneToOneField(
        CaseEvent, on_delete=models.PROTECT, related_name="appointment_change"
    )
    old_at = models.DateTimeField(null=True, blank=True)
    new_at = models.DateTimeField()
    reason = models.CharField(max_length=20, choices=Reason.choices)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.case}: {self.old_at} → {self.new_at} ({self.reason})"
