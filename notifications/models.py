from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An outbox row: a message to send, written in the same transaction as its cause.

    A sender claims a row by setting `sent_at` with a compare-and-set update, so a crash
    between writing and sending loses nothing and a retry sends nothing twice.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notifications")
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["created_at"], name="notification_unsent", condition=Q(sent_at=None)
            )
        ]

    def __str__(self):
        return f"{self.channel} → {self.recipient}: {self.subject}"
