from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases.deadlines import Threshold

# Where the receipt PIN goes in a body; the PIN itself is kept apart (`secret`).
PIN_PLACEHOLDER = "[[PIN]]"


class Notification(models.Model):
    """An outbox row: one message to send, written in the same transaction as its cause.

    A dispatcher claims a row with a lease (`claimed_until`) and sets `sent_at` only after
    the backend accepted the message: a worker killed mid-send leaves the row to be sent
    again once the lease runs out (at least once; the row id is the idempotency key given
    to SMS gateways). Failures are retried with exponential backoff; after
    `OUTBOX_MAX_ATTEMPTS`, or at once for a permanent failure such as a bounce, the row is
    parked until an administrator resends it.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(
        max_length=40,
        blank=True,
        help_text=_("What it is about: the case action (e.g. accept) or sla.<threshold>."),
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255, blank=True)
    body = models.TextField()
    secret = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("The receipt PIN, put into the body only when sending; erased once sent."),
    )
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    parked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Given up: no more attempts until resent by hand.")
    )
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_pending",
                condition=Q(sent_at=None, parked_at=None),
            )
        ]

    def __str__(self):
        return f"{self.channel} → {self.recipient}: {self.subject or self.body[:40]}"

    @property
    def rendered_body(self) -> str:
        """The body as sent: the PIN in place, or a pointer to the receipt once it is erased."""
        return self.body.replace(
            PIN_PLACEHOLDER, self.secret or gettext("(printed on your receipt)")
        )


class DeadlineCrossing(models.Model):
    """A case crossed one deadline threshold for the appointment in force: recorded once.

    The overdue crossing is also the draft of the apology letter (form 04, phiếu xin lỗi
    và hẹn lại ngày trả kết quả) until the officer issues it with `apologise`.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    threshold = models.PositiveSmallIntegerField(choices=Threshold.choices)
    appointment_at = models.DateTimeField(help_text=_("The appointment the threshold is of."))
    at = models.DateTimeField(default=timezone.now, help_text=_("When the watcher saw it."))

    class Meta:
        verbose_name = _("deadline crossing")
        verbose_name_plural = _("deadline crossings")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "threshold", "appointment_at"], name="crossing_once"
            )
        ]

    def __str__(self):
        return f"{self.case_id} {self.get_threshold_display()}"


class StaffAlert(models.Model):
    """An in-app alert to one staff member, or to an agency's queue when nobody is assigned."""

    class Audience(models.TextChoices):
        OFFICER = "officer", _("Assigned officer")
        QUEUE = "queue", _("Agency queue")
        SUPERVISOR = "supervisor", _("Supervisor")
        HEAD = "head", _("Head of agency")

    crossing = models.ForeignKey(DeadlineCrossing, on_delete=models.CASCADE, related_name="alerts")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    threshold = models.PositiveSmallIntegerField(choices=Threshold.choices)
    audience = models.CharField(max_length=12, choices=Audience.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="alerts",
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
        verbose_name = _("staff alert")
        verbose_name_plural = _("staff alerts")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["recipient", "created_at"], name="alert_unread", condition=Q(read_at=None)
            ),
            models.Index(
                fields=["agency", "created_at"],
                name="alert_queue_unread",
                condition=Q(read_at=None, recipient=None),
            ),
        ]

    def __str__(self):
        return f"{self.get_threshold_display()}: {self.case_id} → {self.recipient or self.agency}"


class Heartbeat(models.Model):
    """The last successful run of a periodic job, for the health endpoint."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self):
        return f"{self.name} {self.at}"
