"""The payments API's shapes (see shared/API.md, Payments)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.api.serializers import FeeLineSerializer
from payments.models import Method, PaymentRequest


class PaymentRequestSerializer(serializers.ModelSerializer):
    items = FeeLineSerializer(many=True, read_only=True)
    receipt = serializers.SerializerMethodField(
        help_text=_("The receipt (biên lai) number once paid: {agency}/{year}/{number}.")
    )

    class Meta:
        model = PaymentRequest
        fields = [
            "reference",
            "method",
            "amount",
            "currency",
            "state",
            "items",
            "payment_url",
            "receipt",
            "created_at",
            "paid_at",
            "needs_review",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_receipt(self, payment):
        receipt = getattr(payment, "receipt", None)  # none until paid
        return receipt.label if receipt else None


class PaymentCreateSerializer(serializers.Serializer):
    method = serializers.ChoiceField(
        choices=Method.choices,
        help_text=_("online: answers the gateway's payment_url; cash, transfer: counter staff."),
    )
    transfer_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, help_text=_("For a bank transfer.")
    )


class ExemptionCreateSerializer(serializers.Serializer):
    fees = serializers.ListField(
        child=serializers.CharField(max_length=30),
        required=False,
        min_length=1,
        max_length=50,
        help_text=_("Codes of the fee items waived; all that are due when left out."),
    )
    reason = serializers.CharField(max_length=500)


class RefundSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
