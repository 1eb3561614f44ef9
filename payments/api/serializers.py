"""The payments API's shapes (see shared/API.md, Payments)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from payments import links, selectors
from payments.models import Method, PaymentRequest


class FeeLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.IntegerField(help_text=_("VND."))


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


class FeesDueSerializer(serializers.Serializer):
    """What a case owes now, for the case detail and the public lookup."""

    collection = serializers.CharField(help_text=_("upfront, on_result or none."))
    due = serializers.IntegerField(source="amount", help_text=_("VND still to pay."))
    items = FeeLineSerializer(many=True)
    pay_url = serializers.CharField(
        allow_null=True, help_text=_("Where the applicant pays online; null when nothing is due.")
    )


def fees_due_data(case) -> dict:
    """What `FeesDueSerializer` renders for a case, written out: the case page and the public
    lookup render it on every request (tests/test_serializers.py checks they agree)."""
    due = selectors.fees_payable(case)
    return {
        "collection": case.procedure.collection,
        "due": due.amount,
        "items": due.lines,
        "pay_url": links.pay_path(case) if due.amount else None,
    }
