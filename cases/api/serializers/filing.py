"""What a filing takes: the applicant, the channel, the documents (and a scan upload)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases import phones
from cases.models import Channel, MessageChannel, MessageLanguage, NotifyBy

from .common import ID_NUMBER, ActiveProcedureField


class ApplicantSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=255)
    id_number = serializers.CharField(max_length=20, validators=[ID_NUMBER])
    phone = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text=_("Any common form (0912…, +84 912…, 84912…); stored as 84…."),
    )
    validate_phone = staticmethod(phones.normalise_phone)
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)
    notify_by = serializers.ChoiceField(
        choices=NotifyBy.choices,
        required=False,
        help_text=_("How the applicant wants to hear about the case (default: every contact)."),
    )
    channels = serializers.ListField(
        child=serializers.ChoiceField(choices=MessageChannel.choices),
        required=False,
        max_length=len(MessageChannel.choices),
        help_text=_(
            'The channels to reach the applicant by, in order, e.g. ["zalo", "sms", '
            '"email"]: a message that cannot reach them on one goes by the next. '
            "Without it, notify_by decides."
        ),
    )
    language = serializers.ChoiceField(
        choices=MessageLanguage.choices,
        required=False,
        help_text=_("The language of the applicant's messages (default: the province's)."),
    )

    def validate_channels(self, channels):
        return list(dict.fromkeys(channels))  # each once, in the order first given

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("phone"), str):
            data = {**data, "phone": "".join(ch for ch in data["phone"] if ch not in " .-")}
        return super().to_internal_value(data)


class DocumentInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    digitised = serializers.BooleanField(default=False)
    reused = serializers.BooleanField(default=False)


class CaseCreateSerializer(serializers.Serializer):
    procedure = ActiveProcedureField(help_text=_("The procedure's national code, e.g. 2.000488."))
    applicant = ApplicantSerializer()
    channel = serializers.ChoiceField(choices=Channel.choices)
    documents = DocumentInSerializer(many=True, required=False, max_length=100)


class DocumentUploadSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, help_text=_("e.g. Bản sao CCCD"))
    file = serializers.FileField(
        help_text=_(
            "A PDF, JPEG or PNG scan (recognised by its content), at most DOCUMENT_MAX_MB "
            "(20 MB by default); a larger body is refused with 413 before it is read."
        )
    )
    reused = serializers.BooleanField(
        default=False, help_text=_("Taken from the citizen's data store, not filed again.")
    )
