"""Input validation and output shapes of the API (see shared/API.md). No business rules."""

from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import catalogue, phones, selectors, services
from cases.models import (
    Agency,
    Case,
    CaseDocument,
    CaseEvent,
    Channel,
    FeeItem,
    MessageChannel,
    MessageLanguage,
    NotifyBy,
    Procedure,
    ReturnChannel,
    Role,
    Status,
    User,
)
from cases.models.case import NATIONAL_CODES, OPEN_STATES
from cases.public_lookup import public_timeline, signed_result_id, supplement_items
from payments.api.serializers import FeesDueSerializer, fees_due_data

ID_NUMBER = RegexValidator(
    r"^(\d{12}|\d{10}(-\d{3})?)$",
    _("Give a 12-digit citizen ID (CCCD) or a 10-digit tax code (optionally -NNN)."),
)
PHONE = RegexValidator(r"^(0|\+84)\d{9,10}$", _("Give a Vietnamese phone number, e.g. 0912345678."))


# --- who is logged in -----------------------------------------------------------------


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name", read_only=True)
    email = serializers.CharField(read_only=True, help_text=_("Empty when none was given."))
    roles = serializers.SerializerMethodField()
    agency = serializers.SerializerMethodField()
    is_staff_member = serializers.BooleanField(read_only=True)
    desk = serializers.SerializerMethodField(help_text=_("The web page this user works from."))

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "roles", "is_staff_member", "agency", "desk"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(Role.choices)))
    def get_roles(self, user):
        return sorted(user.roles)

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_agency(self, user):
        if user.agency is None:
            return None
        return {"code": user.agency.code, "name": user.agency.name, "level": user.agency.level}

    def get_desk(self, user) -> str:
        from cases.web.nav import desk_url

        return desk_url(user)


class CodeRelatedField(serializers.SlugRelatedField):
    """A related object by its code or username; junk (NUL, overlong, not text) is a 400."""

    def to_internal_value(self, data):
        self.check_shape(data)
        return super().to_internal_value(data)

    def check_shape(self, data):
        if not isinstance(data, str) or "\x00" in data or not 0 < len(data) <= 150:
            self.fail("invalid")


class ActiveProcedureField(CodeRelatedField):
    """An active procedure by its national code, as each worker keeps them
    (`cases.catalogue`), with what the case's facts need of it."""

    def __init__(self, **kwargs):
        super().__init__(
            slug_field="code", queryset=Procedure.objects.filter(is_active=True), **kwargs
        )

    def to_internal_value(self, data):
        self.check_shape(data)
        procedure = catalogue.active_procedure(data)
        if procedure is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return procedure


def _viewer_is_staff(serializer) -> bool:
    request = serializer.context.get("request")
    return bool(request and getattr(request.user, "is_staff_member", False))


# The hot outputs (the catalogue lists, the case list, the case page, the public lookup)
# declare their fields for the schema and fill them by hand in `to_representation` (the
# lists from `.values()` rows): DRF's field-by-field walk costs more than the query behind
# it. tests/test_serializers.py checks each against DRF's own rendering of its fields.


def when(value):
    """A moment as DRF's DateTimeField renders it: ISO 8601 in the current time zone."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


# --- catalogue -------------------------------------------------------------------------


# Renders a row of `selectors.agency_rows()` (a comment: a docstring would enter the schema).
class AgencySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = ["code", "name", "level", "parent"]

    def to_representation(self, row):
        return {
            "code": row["code"],
            "name": row["name"],
            "level": row["level"],
            "parent": row["parent_code"],
        }


class FeeItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeeItem
        fields = ["code", "name", "kind", "amount"]


class ProcessingTimeSerializer(serializers.Serializer):
    value = serializers.IntegerField(source="processing_time_value")
    unit = serializers.CharField(source="processing_time_unit")


class ProcedureListSerializer(serializers.ListSerializer):
    def to_representation(self, rows):
        rows = list(rows)
        fees = selectors.procedure_fees([row["id"] for row in rows])
        return [
            self.child.to_representation({**row, "fees": fees.get(row["id"], [])}) for row in rows
        ]


# Renders a row of `selectors.procedure_rows()`; a list reads all their fees at once.
class ProcedureSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    processing_time = ProcessingTimeSerializer(source="*", read_only=True)
    fees = FeeItemSerializer(many=True, read_only=True)
    required_documents = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Procedure
        list_serializer_class = ProcedureListSerializer
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

    def to_representation(self, row):
        fees = row.get("fees")
        if fees is None:  # one procedure on its own
            fees = selectors.procedure_fees([row["id"]]).get(row["id"], [])
        return {
            "code": row["code"],
            "name": row["name"],
            "level": row["level"],
            "agency": row["agency_code"],
            "processing_time": {
                "value": row["processing_time_value"],
                "unit": row["processing_time_unit"],
            },
            "online_level": row["online_level"],
            "fees": fees,
            "collection": row["collection"],
            "supplement_clock": row["supplement_clock"],
            "required_documents": [str(name) for name in row["required_documents"]],
        }


# --- cases: input ----------------------------------------------------------------------


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


# --- cases: output ---------------------------------------------------------------------


class ProcedureRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Procedure
        fields = ["code", "name"]


class CaseDocumentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(
        help_text=_("Where staff of the case and its applicant download the scan; null if none.")
    )

    class Meta:
        model = CaseDocument
        fields = ["id", "name", "digitised", "reused", "sha256", "added_at", "download"]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_download(self, document) -> str | None:
        if not document.file:
            return None
        path = reverse(
            "case-document-file",
            kwargs={
                "code": document.case.code or document.case.reference,
                "document_id": document.pk,
            },
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


# Event data that names staff: left out of what the applicant sees.
STAFF_DATA_KEYS = frozenset({"officer"})


class CaseEventSerializer(serializers.ModelSerializer):
    actor = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=_(
            "Who took the step: a username for staff; for the applicant, the code of the "
            "acting staff member's agency (their own steps show their username)."
        ),
    )

    class Meta:
        model = CaseEvent
        fields = ["at", "action", "from_status", "to_status", "actor", "reason", "form", "data"]

    def to_representation(self, event):
        data = super().to_representation(event)
        if not _viewer_is_staff(self) and event.actor is not None:
            actor = event.actor
            if actor.agency_id is not None:
                data["actor"] = actor.agency.code
            data["data"] = {k: v for k, v in data["data"].items() if k not in STAFF_DATA_KEYS}
        return data


def _event_out(event: CaseEvent, *, staff: bool) -> dict:
    """`CaseEventSerializer`'s rendering, by hand (the case page's events)."""
    actor, data = event.actor, event.data
    name = actor.username if actor is not None else None
    if not staff and actor is not None:
        if actor.agency_id is not None:
            name = actor.agency.code
        data = {k: v for k, v in data.items() if k not in STAFF_DATA_KEYS}
    return {
        "at": when(event.at),
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": name,
        "reason": event.reason,
        "form": event.form,
        "data": data,
    }


def _download_link(request, case_key: str, document: CaseDocument) -> str | None:
    """`CaseDocumentSerializer.get_download`, by hand."""
    if not document.file:
        return None
    path = reverse("case-document-file", kwargs={"code": case_key, "document_id": document.pk})
    return request.build_absolute_uri(path) if request else path


class ApplicantOutSerializer(serializers.Serializer):
    full_name = serializers.CharField(source="applicant_full_name")
    id_number = serializers.CharField(source="applicant_id_number")
    phone = serializers.CharField(source="applicant_phone")
    email = serializers.CharField(source="applicant_email")
    address = serializers.CharField(source="applicant_address")
    notify_by = serializers.CharField(source="applicant_notify_by")


class CaseRowsSerializer(serializers.ListSerializer):
    """A page of the case list: rows of `selectors.case_queue()`, no model instances."""

    def to_representation(self, rows):
        now, staff = timezone.now(), _viewer_is_staff(self)
        return [case_row(row, now, staff=staff) for row in rows]


class CaseListSerializer(serializers.ModelSerializer):
    national_status = serializers.IntegerField(read_only=True)
    procedure = ProcedureRefSerializer(read_only=True)
    receiving_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    deciding_agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_to = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=_(
            "Username of the assigned officer; null when none, and always null for the "
            "applicant (who sees `deciding_agency`)."
        ),
    )
    applicant = ApplicantOutSerializer(source="*", read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = Case
        list_serializer_class = CaseRowsSerializer
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

    def to_representation(self, case):
        row = _as_row(case, selectors.CASE_QUEUE_FIELDS)
        return case_row(row, timezone.now(), staff=_viewer_is_staff(self))


def _as_row(obj, fields) -> dict:
    """The values of these `a__b` paths of an object, as `.values(*fields)` would give them."""
    row = {}
    for path in fields:
        value = obj
        for name in path.split("__"):
            value = getattr(value, name) if value is not None else None
        row[path] = value
    return row


def case_row(row: dict, now, *, staff: bool) -> dict:
    """A row of `selectors.case_queue()` as `CaseListSerializer`'s fields render it."""
    status, appointment_at = row["status"], row["appointment_at"]
    return {
        "code": row["code"],
        "reference": row["reference"],
        "status": status,
        "national_status": NATIONAL_CODES[status],
        "channel": row["channel"],
        "procedure": {"code": row["procedure__code"], "name": row["procedure__name"]},
        "receiving_agency": row["receiving_agency__code"],
        "deciding_agency": row["deciding_agency__code"],
        "applicant": {
            "full_name": row["applicant_full_name"],
            "id_number": row["applicant_id_number"],
            "phone": row["applicant_phone"],
            "email": row["applicant_email"],
            "address": row["applicant_address"],
            "notify_by": row["applicant_notify_by"],
        },
        "submitted_at": when(row["submitted_at"]),
        "received_at": when(row["received_at"]),
        "appointment_at": when(appointment_at),
        "resolved_at": when(row["resolved_at"]),
        "returned_at": when(row["returned_at"]),
        "closed_at": when(row["closed_at"]),
        # Case.is_overdue_at, on a row
        "is_overdue": status in OPEN_STATES and appointment_at is not None and now > appointment_at,
        # The applicant sees the deciding agency, never a staff member's name.
        "assigned_to": row["assigned_to__username"] if staff else None,
        "return_channel": row["return_channel"],
    }


class CaseSerializer(CaseListSerializer):
    documents = CaseDocumentSerializer(many=True, read_only=True)
    events = CaseEventSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()
    fees = serializers.SerializerMethodField(help_text=_("What the applicant owes now."))

    class Meta(CaseListSerializer.Meta):
        fields = CaseListSerializer.Meta.fields + [
            "documents",
            "events",
            "allowed_actions",
            "fees",
        ]
        list_serializer_class = serializers.ListSerializer

    def to_representation(self, case):
        data = super().to_representation(case)
        staff = _viewer_is_staff(self)
        request = self.context.get("request")
        case_key = case.code or case.reference
        data["documents"] = [
            {
                "id": document.pk,
                "name": document.name,
                "digitised": document.digitised,
                "reused": document.reused,
                "sha256": document.sha256,
                "added_at": when(document.added_at),
                "download": _download_link(request, case_key, document),
            }
            for document in case.documents.all()
        ]
        data["events"] = [_event_out(event, staff=staff) for event in case.events.all()]
        data["allowed_actions"] = self.get_allowed_actions(case)
        data["fees"] = self.get_fees(case)
        return data

    @extend_schema_field(FeesDueSerializer)
    def get_fees(self, case):
        return fees_due_data(case)

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
        list_serializer_class = serializers.ListSerializer

    def to_representation(self, case):
        return {**super().to_representation(case), "pin": case.pin}


# --- actions: one body per action ------------------------------------------------------


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


class PublicEventSerializer(serializers.Serializer):
    """A step of the public timeline: no staff, and only the reasons meant for the applicant
    (refusal, supplement, stop, apology, withdrawal); internal notes are left empty."""

    at = serializers.DateTimeField()
    action = serializers.CharField()
    from_status = serializers.CharField()
    to_status = serializers.ChoiceField(choices=Status.choices)
    reason = serializers.CharField()
    items = serializers.ListField(
        child=serializers.CharField(), help_text=_("Documents requested by this step.")
    )
    new_appointment_at = serializers.DateTimeField(
        allow_null=True, help_text=_("The appointment set by this step, if it set one.")
    )
    form = serializers.CharField()


class PublicCaseSerializer(serializers.ModelSerializer):
    procedure = serializers.CharField(source="procedure.name")
    national_status = serializers.IntegerField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    timeline = serializers.SerializerMethodField()
    requested = serializers.SerializerMethodField(
        help_text=_("What the applicant must do now: the documents to supplement.")
    )
    result = serializers.SerializerMethodField(
        help_text=_(
            "The signed electronic result, once there is one: its download link (add ?pin=) "
            "and its verification link. The first download returns the case online."
        )
    )
    fees = serializers.SerializerMethodField(
        help_text=_("The fees due now, with the link where the applicant pays them.")
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
            "result",
            "fees",
            "rating",
        ]

    def to_representation(self, case):
        # By hand, and the timeline read once: what is requested is its last supplement
        # request (`supplement_items` would read it again).
        timeline = public_timeline(case)
        items = []
        if case.status == Status.SUPPLEMENT_REQUESTED:
            asked = [step["items"] for step in timeline if step["action"] == "request-supplement"]
            items = list(asked[-1]) if asked else []
        return {
            "code": case.code,
            "reference": case.reference,
            "procedure": case.procedure.name,
            "status": case.status,
            "national_status": case.national_status,
            "received_at": when(case.received_at),
            "appointment_at": when(case.appointment_at),
            "is_overdue": case.is_overdue,
            "timeline": [
                {
                    "at": when(step["at"]),
                    "action": step["action"],
                    "from_status": step["from_status"],
                    "to_status": step["to_status"],
                    "reason": step["reason"],
                    "items": [str(item) for item in step["items"]],
                    "new_appointment_at": when(step["new_appointment_at"]),
                    "form": step["form"],
                }
                for step in timeline
            ],
            "requested": {"supplement_items": items} if items else {},
            "result": self.get_result(case, timeline),
            "fees": self.get_fees(case),
            "rating": self.get_rating(case),
        }

    @extend_schema_field(FeesDueSerializer)
    def get_fees(self, case):
        return fees_due_data(case)

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_timeline(self, case):
        return PublicEventSerializer(public_timeline(case), many=True).data

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
        items = supplement_items(case)
        return {"supplement_items": items} if items else {}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "document_id": {"type": "string", "format": "uuid"},
                "download_url": {"type": "string"},
                "verify_url": {"type": "string"},
            },
        }
    )
    def get_result(self, case, timeline=None):
        document_id = signed_result_id(public_timeline(case) if timeline is None else timeline)
        if document_id is None:
            return None
        return {
            "document_id": document_id,
            "download_url": reverse("public-case-result", args=[case.code]),
            "verify_url": reverse("public-verify", args=[document_id]),
        }
