"""The case's outputs: a row of the case list, the case page, the filing's answer.

The hot outputs declare their fields for the schema and fill them by hand in
`to_representation` (the list from `.values()` rows): DRF's field-by-field walk costs more
than the query behind it. tests/test_serializers.py checks each against DRF's own
rendering of its fields. Who sees what (staff or the applicant) is `cases.access`'s rule.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import access, seams, selectors, services
from cases.models import Case, CaseDocument, CaseEvent, Procedure
from cases.models.case import NATIONAL_CODES, is_overdue

from .common import as_row, viewer_is_staff, when


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
        case_key = document.case.code or document.case.reference
        return download_link(self.context.get("request"), case_key, document)


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
        return event_out(event, staff=viewer_is_staff(self))


def event_out(event: CaseEvent, *, staff: bool) -> dict:
    """A step as staff see it, or as the applicant does (`access.applicant_event_view`)."""
    actor, reason, data = event.actor, event.reason, event.data
    name = actor.username if actor is not None else None
    if not staff:
        name, reason, data = access.applicant_event_view(
            action=event.action, reason=reason, data=data, actor=actor
        )
    return {
        "at": when(event.at),
        "action": event.action,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "actor": name,
        "reason": reason,
        "form": event.form,
        "data": data,
    }


def download_link(request, case_key: str, document: CaseDocument) -> str | None:
    """Where staff of the case and its applicant download a scan; None if it has none."""
    if not document.file:
        return None
    path = reverse("case-document-file", kwargs={"code": case_key, "document_id": document.pk})
    return request.build_absolute_uri(path) if request else path


class FeeLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    amount = serializers.IntegerField(help_text=_("VND."))


# The payments app fills it in (the case part `fees`).
class FeesDueSerializer(serializers.Serializer):
    """What a case owes now, for the case detail and the public lookup."""

    collection = serializers.CharField(help_text=_("upfront, on_result or none."))
    due = serializers.IntegerField(source="amount", help_text=_("VND still to pay."))
    items = FeeLineSerializer(many=True)
    pay_url = serializers.CharField(
        allow_null=True, help_text=_("Where the applicant pays online; null when nothing is due.")
    )


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
        now, staff = timezone.now(), viewer_is_staff(self)
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
        row = as_row(case, selectors.CASE_QUEUE_FIELDS)
        return case_row(row, timezone.now(), staff=viewer_is_staff(self))


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
        "is_overdue": is_overdue(status, appointment_at, now),
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
        staff = viewer_is_staff(self)
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
                "download": download_link(request, case_key, document),
            }
            for document in case.documents.all()
        ]
        data["events"] = [event_out(event, staff=staff) for event in case.events.all()]
        data["allowed_actions"] = self.get_allowed_actions(case)
        data["fees"] = self.get_fees(case)
        return data

    @extend_schema_field(FeesDueSerializer)
    def get_fees(self, case):
        return seams.case_part("fees", case)

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
