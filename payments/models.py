"""Fees and payments (phí, lệ phí; thanh toán): exemptions, payment requests, receipts, and
the inbox of raw gateway callbacks."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from onestop import money


class FeeExemption(models.Model):
    """Miễn phí: one fee item of a case that the applicant does not pay, and why."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="exemptions")
    fee_item = models.ForeignKey("cases.FeeItem", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(
        _("reason"), max_length=500, help_text=_("The legal ground, e.g. the decree's article.")
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fee exemption")
        verbose_name_plural = _("fee exemptions")
        constraints = [
            models.UniqueConstraint(fields=["case", "fee_item"], name="exemption_once_per_item")
        ]

    def __str__(self):
        return f"{self.case}: {self.fee_item.code} ({self.reason})"


class Method(models.TextChoices):
    ONLINE = "online", _("Online (payment gateway)")
    CASH = "cash", _("Cash at the counter")
    TRANSFER = "transfer", _("Bank transfer")


class PaymentState(models.TextChoices):
    UNPAID = "unpaid", _("Unpaid")
    PENDING = "pending", _("Pending at the gateway")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired")
    REFUNDED = "refunded", _("Refunded")


class PaymentRequest(models.Model):
    """A request to pay the unpaid fee items of a case, by one method.

    `reference` is the MaThamChieu sent to the gateway. A request becomes paid once, by one
    gateway transaction (`transaction_id` is unique), and then gets its receipt.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="payment_requests"
    )
    reference = models.CharField(
        _("reference"), max_length=40, unique=True, help_text=_("MaThamChieu at the gateway.")
    )
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    gateway = models.CharField(
        _("gateway"), max_length=20, blank=True, help_text=_("For online payments: paygov.")
    )
    amount = models.PositiveBigIntegerField(_("amount (VND)"))
    currency = models.CharField(_("currency"), max_length=3, default="VND")
    items = models.JSONField(
        _("fee items"),
        default=list,
        help_text=_("The fee items it covers, as they stood: code, name, kind, amount."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=PaymentState.choices, default=PaymentState.UNPAID
    )
    payment_url = models.URLField(_("payment URL"), max_length=1000, blank=True)
    transaction_id = models.CharField(
        _("gateway transaction"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("MaGiaoDich of the transaction that paid it."),
    )
    bank_code = models.CharField(_("bank"), max_length=20, blank=True)
    transfer_reference = models.CharField(
        _("transfer reference"), max_length=100, blank=True, help_text=_("For bank transfers.")
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("A callback did not match (amount or currency): a person must look."),
    )
    review_note = models.TextField(_("review note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment request")
        verbose_name_plural = _("payment requests")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Reconciliation asks for online requests still pending, oldest first.
            models.Index(
                fields=["created_at"],
                name="payment_pending",
                condition=Q(state="pending"),
            ),
            models.Index(fields=["case", "state"], name="payment_case_state"),
        ]

    def __str__(self):
        return f"{self.reference} {money.vnd(self.amount)} ({self.state})"


class Receipt(models.Model):
    """Biên lai: the receipt of a paid request, numbered per agency and year."""

    payment = models.OneToOneField(PaymentRequest, on_delete=models.PROTECT, related_name="receipt")
    agency = models.ForeignKey("cases.Agency", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "number"], name="receipt_number")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return self.format_label(self.agency.code, self.year, self.number)

    @staticmethod
    def format_label(agency_code: str, year: int, number: int) -> str:
        """As printed: {agency code}/{year}/{number}."""
        return f"{agency_code}/{year}/{number:07d}"


class ReceiptSequence(models.Model):
    """The last receipt number one agency issued in one year."""

    agency = models.ForeignKey("cases.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="receipt_seq_agency_year")
        ]

    def __str__(self):
        return f"{self.agency_id} {self.year}: {self.last}"


class CallbackOutcome(models.TextChoices):
    RECEIVED = "received", _("Received, not yet applied")
    APPLIED = "applied", _("Applied")
    DUPLICATE = "duplicate", _("Already applied: nothing changed")
    IGNORED = "ignored", _("Changed nothing (state did not allow it)")
    REJECTED = "rejected", _("Rejected: bad checksum")
    UNKNOWN = "unknown", _("Unknown reference")
    FLAGGED = "flagged", _("Amount or currency mismatch: flagged for review")


class GatewayCallback(models.Model):
    """The inbox: every callback (IPN) as it arrived, whatever it says, before it is applied.

    Written and answered at once; a task applies it (`processed_at` set in the same
    transaction), and a periodic sweep applies rows no task picked up.
    """

    gateway = models.CharField(max_length=20)
    received_at = models.DateTimeField(default=timezone.now)
    payload = models.JSONField(help_text=_("The fields as received (the checksum included)."))
    checksum_ok = models.BooleanField()
    reference = models.CharField(max_length=40, blank=True, db_index=True)
    transaction_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(
        max_length=20, default="callback", help_text=_("callback (IPN) or query (reconciliation).")
    )
    outcome = models.CharField(
        max_length=10, choices=CallbackOutcome.choices, default=CallbackOutcome.RECEIVED
    )
    note = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("gateway callback")
        verbose_name_plural = _("gateway callbacks")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(
                fields=["received_at"], name="callback_unprocessed", condition=Q(processed_at=None)
            )
        ]

    def __str__(self):
        return f"{self.gateway} {self.reference} {self.transaction_id} ({self.outcome})"
