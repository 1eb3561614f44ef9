"""The national portal's outbox, its view of each case, and the simulator's record.

See `dvcqg/payloads.py` for what the portal (Cổng Dịch vụ công quốc gia, DVCQG) is sent.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Service(models.TextChoices):
    """The portal's service names (the `service` field of every request)."""

    CASE = "DongBoHoSoMC", _("Case record (DongBoHoSoMC)")
    PROGRESS = "CapNhatTienDoHoSoMC", _("Progress (CapNhatTienDoHoSoMC)")


class Message(models.Model):
    """An outbox row (tin đồng bộ): one thing the portal must learn about one case, written
    in the same transaction as the step that caused it.

    A dispatcher leases the whole case (`PortalCase.claimed_until`) and sends its unsent rows
    in id order, which is the order of the case's steps (a case's steps are serialised by
    compare-and-set on its row). `sent_at` is set only once the portal acknowledged the
    message. A failure holds the case's later rows: a transient one until
    `next_attempt_at` (exponential backoff), any other until an administrator pushes the
    case again (`parked_at`, the reason in `last_error`).
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="dvcqg_messages")
    event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.CharField(_("service"), max_length=30, choices=Service.choices)
    payload = models.JSONField(
        _("data"), help_text=_("The item sent in `data`: the case record or one progress row.")
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)
    next_attempt_at = models.DateTimeField(
        default=timezone.now,
        help_text=_("When its case may next be leased to send it (moves with the case's lease)."),
    )
    sent_at = models.DateTimeField(
        _("acknowledged at"), null=True, blank=True, help_text=_("When the portal accepted it.")
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    parked_at = models.DateTimeField(
        _("parked at"),
        null=True,
        blank=True,
        help_text=_("Given up, or held behind a parked message: waits for a push again."),
    )
    last_error = models.TextField(_("last error"), blank=True)
    reply = models.JSONField(_("portal's reply"), null=True, blank=True)

    class Meta:
        verbose_name = _("portal message")
        verbose_name_plural = _("portal messages")
        ordering = ["id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="dvcqg_message_due",
                condition=Q(sent_at=None, parked_at=None),
            ),
            models.Index(
                fields=["case", "id"], name="dvcqg_message_unsent", condition=Q(sent_at=None)
            ),
        ]

    def __str__(self):
        return f"{self.case_id} #{self.pk} {self.service}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return "sent"
        if self.parked_at:
            return "parked"
        return "retrying" if self.attempts else "pending"


class PortalCase(models.Model):
    """What the sync knows of one case on the portal (hồ sơ trên Cổng DVCQG): who is sending
    it now, whether the portal has it, what reconciliation found."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="dvcqg"
    )
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text=_("A dispatcher sends this case's messages until then.")
    )
    wait_until = models.DateTimeField(
        _("retry at"),
        null=True,
        blank=True,
        help_text=_("A message failed for a passing reason: the case waits until then."),
    )
    held_by = models.ForeignKey(
        Message,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("held by"),
        help_text=_("The parked message that holds the case's later ones."),
    )
    acknowledged_at = models.DateTimeField(
        _("on the portal since"),
        null=True,
        blank=True,
        help_text=_("The first time the portal acknowledged the case record (indicator 1.4)."),
    )
    last_sent_at = models.DateTimeField(_("last acknowledged"), null=True, blank=True)
    checked_at = models.DateTimeField(
        _("reconciled at"), null=True, blank=True, help_text=_("Last asked with TraCuuHoSo.")
    )
    mismatch = models.JSONField(
        _("mismatch"),
        null=True,
        blank=True,
        help_text=_('What the portal holds differently: {"field": ["ours", "portal\'s"]}.'),
    )

    class Meta:
        verbose_name = _("case on the portal")
        verbose_name_plural = _("cases on the portal")
        indexes = [
            models.Index(fields=["last_sent_at"], name="dvcqg_case_last_sent"),
            models.Index(
                fields=["checked_at"], name="dvcqg_case_mismatch", condition=~Q(mismatch=None)
            ),
        ]

    def __str__(self):
        return str(self.case)


class RatingsReport(models.Model):
    """One month's satisfaction ratings sent to the portal (DongBoDanhGia), once."""

    month = models.DateField(_("month"), unique=True, help_text=_("Its first day."))
    payload = models.JSONField(_("data"))
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    reply = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("monthly ratings report")
        verbose_name_plural = _("monthly ratings reports")
        ordering = ["-month"]

    def __str__(self):
        return f"{self.month:%m/%Y}"


class CatalogueChange(models.Model):
    """A difference between our catalogue and the portal's (LayThuTuc), shown to an
    administrator, who applies it or not."""

    class Field(models.TextChoices):
        NAME = "name", _("Name")
        PROCESSING_TIME = "processing_time", _("Processing time")
        FEES = "fees", _("Fees")

    procedure = models.ForeignKey(
        "cases.Procedure", on_delete=models.CASCADE, related_name="+", verbose_name=_("procedure")
    )
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    ours = models.JSONField(_("ours"))
    portal = models.JSONField(_("the portal's"))
    pulled_at = models.DateTimeField(_("pulled at"), default=timezone.now)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("catalogue difference")
        verbose_name_plural = _("catalogue differences")
        ordering = ["procedure__code", "field"]

    def __str__(self):
        return f"{self.procedure_id} {self.field}"


class SimulatorRecord(models.Model):
    """What the portal simulator received, in order: the demo's and the tests' view of the
    portal. Keyed by the portal's own key, MaHoSo, as the portal keys it."""

    received_at = models.DateTimeField(default=timezone.now)
    service = models.CharField(max_length=30)
    ma_ho_so = models.CharField("MaHoSo", max_length=60, blank=True)
    data = models.JSONField(null=True, blank=True)
    updating = models.BooleanField(default=False, help_text="isUpdating")
    accepted = models.BooleanField(default=False, help_text="error_code 0")
    reply = models.JSONField()

    class Meta:
        verbose_name = _("message received by the portal simulator")
        verbose_name_plural = _("messages received by the portal simulator")
        ordering = ["id"]
        indexes = [models.Index(fields=["ma_ho_so", "id"], name="dvcqg_simulator_case")]

    def __str__(self):
        return f"{self.ma_ho_so} {self.service}"
