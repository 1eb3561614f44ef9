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
        ZALO = "zalo", _("Zalo")

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
    channels = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "The applicant's channels in order; `channel` is the one in use. A message that "
            "cannot reach the person on it goes by the next (once each)."
        ),
    )
    language = models.CharField(max_length=5, blank=True, help_text=_("vi or en."))
    params = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "The message's values (case code, dates, links...), to render it again "
            "for another channel; the person's phone and e-mail."
        ),
    )

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


# --- messaging: attempts, suppressions, provider templates, tokens, quotas ----------------


class Outcome(models.TextChoices):
    """What one attempt on one channel came to (kết quả gửi)."""

    SENDING = "sending", _("Sending")  # claimed: the provider may have it; never sent again
    DELIVERED = "delivered", _("Accepted")  # the provider took it
    RETRY = "retry", _("Failed, will retry")  # transient: the same channel later
    CHANNEL_FAILED = "channel_failed", _("Channel failed")  # for this message: next channel
    PERSON_FAILED = "person_failed", _("Not reachable")  # this person on this channel
    UNKNOWN = "unknown", _("Outcome unknown")  # timed out after the provider may have sent


class DeliveryAttempt(models.Model):
    """One try to hand a message to a provider: the channel, the address, the reply, when.

    Written (claimed) in its own transaction before the provider is called, so that a
    send whose reply never came is known: a provider that takes no idempotency key is not
    called again for it (see `notifications.delivery`).
    """

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    channel = models.CharField(max_length=10, choices=Notification.Channel.choices)
    recipient = models.CharField(max_length=255)
    key = models.CharField(
        max_length=80, help_text=_("The idempotency key or tracking id given to the provider.")
    )
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.SENDING)
    reply = models.TextField(blank=True, help_text=_("What the provider answered (shortened)."))
    provider_id = models.CharField(
        max_length=80, blank=True, help_text=_("The provider's message id (ZNS msg_id).")
    )
    delivered_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the delivery report said it reached the phone.")
    )
    bounced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["provider_id"], name="attempt_provider_id"),
            models.Index(fields=["key"], name="attempt_key"),
        ]

    def __str__(self):
        return f"{self.channel} → {self.recipient}: {self.outcome}"


class Suppression(models.Model):
    """An address that does not reach its person on a channel (bounced, invalid, blocked):
    later messages skip it and go by the applicant's next channel."""

    channel = models.CharField(max_length=10, choices=Notification.Channel.choices)
    address = models.CharField(max_length=255)
    reason = models.CharField(max_length=255)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="suppression_once")
        ]

    def __str__(self):
        return f"{self.channel}:{self.address}"


class ProviderTemplate(models.Model):
    """A template registered with a provider (mẫu tin đăng ký): a Zalo ZNS template or a
    VNPT brandname template, one per case action and language, with its parameters.

    `params` maps each of the provider's parameters to a value of the message, in the order
    the provider numbers them: `[{"name": "ma_ho_so", "source": "code", "max_length": 30,
    "cut": false}, ...]`. A value longer than `max_length` is cut where `cut` is true; where
    it is false, a value that may be longer is refused at start-up (system check) and here.
    """

    class Provider(models.TextChoices):
        ZNS = "zns", _("Zalo ZNS")
        VNPT = "vnpt", _("VNPT SMS brandname")

    provider = models.CharField(max_length=10, choices=Provider.choices)
    action = models.CharField(max_length=40, help_text=_("The case action, e.g. accept."))
    language = models.CharField(max_length=5, default="vi", help_text=_("vi or en."))
    template_id = models.CharField(max_length=40, help_text=_("The id the provider gave it."))
    params = models.JSONField(default=list, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("provider template")
        verbose_name_plural = _("provider templates")
        ordering = ["provider", "action", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "action", "language"], name="provider_template_once"
            )
        ]

    def __str__(self):
        return f"{self.get_provider_display()} {self.action} ({self.language}): {self.template_id}"


class ZaloToken(models.Model):
    """The Zalo Official Account's tokens: one row. The refresh token is single-use, so the
    new one is stored the moment it arrives; `refreshing_until` is the lease of the one
    process refreshing (claimed by compare-and-set, no transaction held over the call)."""

    access_token = models.TextField(blank=True)
    refresh_token = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    refreshing_until = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("Zalo token")
        verbose_name_plural = _("Zalo tokens")

    def __str__(self):
        return f"Zalo token until {self.expires_at}"


class ChannelDay(models.Model):
    """Messages handed to one channel's provider on one day (Vietnam time), for its quota."""

    channel = models.CharField(max_length=10)
    day = models.DateField()
    used = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "day"], name="channel_day_once")]

    def __str__(self):
        return f"{self.channel} {self.day}: {self.used}"


class ChannelOutage(models.Model):
    """A channel whose provider keeps failing: its messages wait together until `retry_at`,
    when one of them probes it, so that they go in order once it is back."""

    channel = models.CharField(max_length=10, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    retry_at = models.DateTimeField()

    def __str__(self):
        return f"{self.channel} down ({self.failures}), next try {self.retry_at}"


class SimulatedMessage(models.Model):
    """What a provider simulator (Zalo ZNS, Viettel, VNPT) received, with what it answered:
    the admin's "messages sent" page shows each as the phone would."""

    provider = models.CharField(max_length=10)
    phone = models.CharField(max_length=20)
    template_id = models.CharField(max_length=40, blank=True)
    data = models.JSONField(default=dict, blank=True)
    text = models.TextField(blank=True)
    request_key = models.CharField(max_length=80, blank=True)
    answer = models.CharField(max_length=80, blank=True, help_text=_("The code it answered."))
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("message sent (simulated)")
        verbose_name_plural = _("messages sent (simulated)")
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.provider} → {self.phone}"
