"""One body per action of `workflow.MOVES` (tests/test_workflow.py checks they match)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Agency, ReturnChannel, Role, User

from .common import ID_NUMBER, CodeRelatedField


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoBodySerializer(serializers.Serializer):
    pass


class AssignSerializer(serializers.Serializer):
    officer = CodeRelatedField(
        slug_field="username",
        queryset=User.objects.filter(groups__name=Role.OFFICER, is_active=True).select_related(
            "agency__parent"
        ),
        help_text=_("Username of the officer who will process the case."),
    )


class RequestSupplementSerializer(ReasonSerializer):
    items = serializers.ListField(
        child=serializers.CharField(max_length=255), min_length=1, max_length=50
    )


class TransferSerializer(ReasonSerializer):
    agency = CodeRelatedField(
        slug_field="code",
        queryset=Agency.objects.all(),
        help_text=_("Code of an agency of the same province (400 otherwise)."),
    )


class SubmitResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=["generated", "paper"],
        default="generated",
        help_text=_(
            "The draft result: a PDF generated from the procedure's template, or a paper "
            "result. Ignored when a file is uploaded."
        ),
    )
    file = serializers.FileField(
        required=False,
        help_text=_("The result as a PDF (multipart upload); signed by the signer's `sign`."),
    )


class ApologiseSerializer(ReasonSerializer):
    new_appointment_at = serializers.DateTimeField()


class ReturnSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ReturnChannel.choices)
    recipient = serializers.CharField(max_length=255, required=False, allow_blank=True)
    recipient_id_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        validators=[ID_NUMBER],
        help_text=_("ID number (CCCD) of who collected the result at the counter."),
    )
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)


ACTION_SERIALIZERS = {
    "accept": NoBodySerializer,
    "reject": ReasonSerializer,
    "assign": AssignSerializer,
    "claim": NoBodySerializer,
    "request-supplement": RequestSupplementSerializer,
    "supplement-received": NoBodySerializer,
    "transfer": TransferSerializer,
    "submit-result": SubmitResultSerializer,
    "send-back": ReasonSerializer,
    "sign": NoBodySerializer,
    "stop": ReasonSerializer,
    "withdraw": ReasonSerializer,
    "apologise": ApologiseSerializer,
    "return": ReturnSerializer,
}
