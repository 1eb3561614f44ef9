"""Shapes of the documents API. No business rules."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from documents.signing import Verdict


class ReceiptPrintSerializer(serializers.Serializer):
    pin = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_(
            "The PIN issued at filing, to print the receipt as issued. Leave it out to reprint "
            "with a new PIN: the old one stops working."
        ),
    )


class VerifyUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=_("The signed PDF to check."))

    def validate_file(self, file):
        if file.size > settings.RESULT_MAX_BYTES:
            raise serializers.ValidationError(_("The file is too large."))
        return file


class VerificationSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=Verdict.ALL,
        help_text=_(
            "authentic: signed with a trusted certificate and unchanged since; modified: "
            "changed after signing; untrusted, expired, revoked: the certificate; unsigned; "
            "unreadable: not a PDF."
        ),
    )
    authentic = serializers.BooleanField()
    signer = serializers.CharField(help_text=_("Who the signing certificate names."))
    signed_at = serializers.DateTimeField(allow_null=True)
    document_id = serializers.UUIDField(allow_null=True)
    case_code = serializers.CharField(allow_null=True)
    sha256 = serializers.CharField(help_text=_("SHA-256 of the file that was checked."))
