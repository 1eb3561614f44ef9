"""Shapes of the documents API. No business rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from documents.signing import Verdict


class ReceiptPrintSerializer(serializers.Serializer):
    """Exactly one of: the PIN issued at filing, or `reprint: true`."""

    pin = serializers.CharField(
        max_length=20,
        required=False,
        help_text=_("The PIN issued at filing: prints the receipt as issued."),
    )
    reprint = serializers.BooleanField(
        default=False,
        help_text=_("Reprint with a new PIN; the old PIN stops working. Recorded as an event."),
    )

    def validate(self, data):
        if bool(data.get("pin")) == data["reprint"]:
            raise serializers.ValidationError(
                _("Give the PIN issued at filing, or reprint: true to issue a new PIN.")
            )
        return data


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The signed PDF to check."))


class VerificationSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=Verdict.ALL,
        help_text=_(
            "authentic: signed with a trusted certificate and unchanged since; modified: "
            "changed after signing; untrusted, expired, revoked: the certificate; unsigned; "
            "unreadable: not a PDF, or one no signed result resembles (a signature over 64 "
            "KiB, thousands of signature fields, cross-references in a loop...) or too costly "
            "to check."
        ),
    )
    authentic = serializers.BooleanField()
    signer = serializers.CharField(
        help_text=_(
            "Who the signing certificate names. A fact only when `authentic` is true; with any "
            "other verdict, only what the file claims: anyone can make a certificate that "
            "names anyone."
        )
    )
    signed_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("When the signer says it signed; like `signer`, a claim unless authentic."),
    )
    document_id = serializers.UUIDField(allow_null=True)
    case_code = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField(help_text=_("SHA-256 of the file that was checked."))
