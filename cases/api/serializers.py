"""Input validation and output shapes of the API (see shared/API.md). No business rules."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import services
from cases.models import (
    Agency,
    Case,
    CaseDocument,
    CaseEvent,
    Channel,
    FeeItem,
    Procedure,
    ReturnChannel,
    Role,
    Status,
    User,
)

ID_NUMBER = RegexValidator(
    r"^(\d{12}|\d{10}(-\d{3})?)$",
    _("Give a 12-digit citizen ID (CCCD) or a 10-digit tax code (optionally -NNN)."),
)
PHONE = RegexValidator(r"^(0|\+84)\d{9,10}$", _("Give a Vietnamese phone number, e.g. 0912345678."))


# --- catalogue -------------------------------------------------------------------------


class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "level", "parent"]


class FeeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeItem
        fields = ["code", "name", "kind", "amount"]


class ProcessingTimeSerializer(serializers.Serializer):
    value = serializers.IntegerField(source="processing_time_value")
    unit = serializers.CharField(source="processing_time_unit")


class ProcedureSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    processing_time = ProcessingTimeSerializer(source="*", read_only=True)
    fees = FeeItemSerializer(many=True, read_only=True)
    required_documents = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Procedure
        fields = [
            "code",
            "name",
            "level",
            "agency",
            "processing_time",
            "online_level",
            "fees",
            "collection",
            "supplement_clock",
            "required_documents",
        ]


# --- cases: input ----------------------------------------------------------------------


class ApplicantSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=255)
    id_number = serializers.CharField(max_length=20, validators=[ID_NUMBER])
    phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, validators=[PHONE]
    )
    email = serializers.EmailField(required=False, allow_blank=True)
    address = serializers.CharField(max_length=500, required=False, allow_blank=True)

    def to_internal_value(self, data):
        if isinstance(data, dict) and isinstance(data.get("phone"), str):
            data = {**data, "phone": "".join(ch for ch in data["phone"] if ch not in " .-")}
        return super().to_internal_value(data)


class DocumentInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255)
    digitised = serializers.BooleanField(default=False)
    reused = serializers.BooleanField(default=False)


class CaseCreateSerializer(serializers.Serializer):
    procedure = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Procedure.objects.filter(is_active=True).select_related("agency"),
        help_text=_("The procedure's national code, e.g. 2.000488."),
    )
    applicant = ApplicantSerializer()
    channel = serializers.ChoiceField(choices=Channel.choices)
    documents = DocumentInSerializer(many=True, required=False, max_length=100)


MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DOCUMENT_TYPES = {"application/pdf", "image/jpeg", "image/png"}


class DocumentUploadSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, help_text=_("e.g. Bản sao CCCD"))
    file = serializers.FileField(help_text=_("A PDF, JPEG or PNG scan, at most 20 MB."))
    reused = serializers.BooleanField(
        default=False, help_text=_("Taken from the citizen's data store, not filed again.")
    )

    def validate_file(self, file):
        if file.size > MAX_DOCUMENT_BYTES:
            raise serializers.ValidationError(_("The file is larger than 20 MB."))
        if file.content_type not in DOCUMENT_TYPES:
            raise serializers.ValidationError(_("Upload a PDF, JPEG or PNG file."))
        return file


# --- cases: output ---------------------------------------------------------------------


class ProcedureRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Procedure
        fields = ["code", "name"]


class CaseDocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseDocument
        fields = ["name", "digitised", "reused", "sha256", "added_at"]


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = CaseEvent
        fields = ["at", "action", "from_status", "to_status", "actor", "reason", "form", "data"]


class ApplicantOutSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="applicant_full_name")
    id_number = serializers.CharField(source="applicant_id_number")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")


class CaseListSerializer(serializers.ModelSerializer):
    national_status = serializers.IntegerField(read_only=True)
    procedure = ProcedureRefSerializer(read_only=True)
    receiving_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    deciding_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_to = serializers.SlugRelatedField(slug_field="username", read_only=True)
    applicant = ApplicantOutSerializer(source="*", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "code",
            "reference",
            "status",
            "national_status",
            "channel",
            "procedure",
            "receiving_agency",
            "deciding_agency",
            "applicant",
            "submitted_at",
            "received_at",
            "appointment_at",
            "resolved_at",
            "returned_at",
            "closed_at",
            "is_overdue",
            "assigned_to",
            "return_channel",
        ]


class CaseSerializer(CaseListSerializer):
    documents = CaseDocumentSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + ["documents", "events", "allowed_actions"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_actions(self, case):
        return services.allowed_actions(case, self.context["request"].user)


class CaseCreatedSerializer(CaseListSerializer):
    """What the receipt needs; the timeline is one GET away."""

    pin = serializers.CharField(
        read_only=True, help_text=_("The receipt's lookup PIN; shown only in this answer.")
    )

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + ["pin"]


# --- actions: one body per action ------------------------------------------------------


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class NoBodySerializer(serializers.Serializer):
    pass


class AssignSerializer(serializers.Serializer):
    officer = serializers.SlugRelatedField(
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
    agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())


class SubmitResultSerializer(serializers.Serializer):
    result = serializers.ChoiceField(
        choices=["generated", "paper"],
        default="generated",
        help_text=_("The draft result: generated from the case, or a paper result."),
    )


class ApologiseSerializer(ReasonSerializer):
    new_appointment_at = serializers.DateTimeField()


class ReturnSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=ReturnChannel.choices)
    recipient = serializers.CharField(max_length=255, required=False, allow_blank=True)
    tracking_number = serializers.CharField(max_length=100, required=False, allow_blank=True)


ACTION_SERIALIZERS = {
    "accept": NoBodySerializer,
    "reject": ReasonSerializer,
    "assign": AssignSerializer,
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


# --- public lookup ---------------------------------------------------------------------


class PublicEventSerializer(serializers.ModelSerializer):
    """A step of the public timeline: no staff names."""

    class Meta:
        model = CaseEvent
        fields = ["at", "action", "from_status", "to_status", "reason", "form"]


class PublicCaseSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.name")
    national_status = serializers.IntegerField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    timeline = PublicEventSerializer(source="events", many=True, read_only=True)
    requested = serializers.SerializerMethodField(
        help_text=_("What the applicant must do now: the documents to supplement.")
    )
    rating = serializers.SerializerMethodField(help_text=_("The applicant's rating, once given."))

    class Meta:
        model = Case
        fields = [
            "code",
            "reference",
            "procedure",
            "status",
            "national_status",
            "received_at",
            "appointment_at",
            "is_overdue",
            "timeline",
            "requested",
            "rating",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "rating": {
                    "type": "string",
                    "enum": ["very_satisfied", "satisfied", "not_satisfied"],
                },
                "comment": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
            },
        }
    )
    def get_rating(self, case):
        rating = getattr(case, "rating", None)  # the reverse one-to-one: None when not rated
        if rating is None:
            return None
        return {"rating": rating.value, "comment": rating.comment, "created_at": rating.created_at}

    @extend_schema_field(
        {
            "type": "object",
            "properties": {"supplement_items": {"type": "array", "items": {"type": "string"}}},
        }
    )
    def get_requested(self, case):
        if case.status != Status.SUPPLEMENT_REQUESTED:
            return {}
        last = case.events.filter(action="request-supplement").order_by("-at", "-id").first()
        return {"supplement_items": last.data.get("items", []) if last else []}
