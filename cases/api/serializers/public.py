"""The public lookup's output: what the applicant sees with the receipt's code and PIN."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases import seams
from cases.models import Case, Status
from cases.public_lookup import public_timeline, signed_result_id, supplement_items

from .case import FeesDueSerializer
from .common import when


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
        return seams.case_part("fees", case)

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
        return seams.case_part("rating", case)

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
