"""Feedback in and out (shared/API.md style: thin, no business rules)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..models import AnswerRating, Feedback, Kind, Subject


class FeedbackInSerializer(serializers.Serializer):
    """Feedback on a case, with the case's PIN: about the case, its procedure or the officer
    handling it."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    about = serializers.ChoiceField(choices=Subject.choices, default=Subject.CASE)
    text = serializers.CharField(max_length=4000)
    citizen_name = serializers.CharField(
        max_length=255, required=False, help_text=_("Default: the case's applicant.")
    )
    citizen_phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    citizen_email = serializers.EmailField(required=False, allow_blank=True)


class FeedbackCreateSerializer(FeedbackInSerializer):
    """Feedback filed by a signed-in citizen (about one of their cases or any procedure) or
    by counter staff on a citizen's behalf (also about an officer, by username)."""

    case = serializers.CharField(max_length=64, required=False, help_text=_("Case code."))
    procedure = serializers.CharField(max_length=30, required=False, help_text=_("Procedure code."))
    officer = serializers.CharField(
        max_length=150, required=False, help_text=_("Staff only: the officer's username.")
    )


class FeedbackSerializer(serializers.ModelSerializer):
    """What the citizen sees: no staff names."""

    about = serializers.CharField(source="subject")
    case = serializers.CharField(source="case.code", allow_null=True, default=None)
    procedure = serializers.CharField(source="procedure.code", allow_null=True, default=None)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = Feedback
        fields = [
            "reference",
            "kind",
            "about",
            "case",
            "procedure",
            "text",
            "filed_at",
            "due_at",
            "is_overdue",
            "answered_at",
            "answer",
            "rating",
            "rating_comment",
            "rated_at",
        ]

    def get_is_overdue(self, feedback) -> bool:
        return feedback.is_overdue_at(timezone.now())


class FeedbackEventSerializer(serializers.Serializer):
    action = serializers.CharField()
    actor = serializers.CharField(source="actor.username", allow_null=True, default=None)
    at = serializers.DateTimeField()
    data = serializers.DictField()


class FeedbackStaffSerializer(FeedbackSerializer):
    """What staff see: who filed, for whom, who must answer, and every step."""

    agency = serializers.CharField(source="agency.code")
    officer = serializers.CharField(source="officer.username", allow_null=True, default=None)
    filed_by = serializers.CharField(source="filed_by.username", allow_null=True, default=None)
    answered_by = serializers.CharField(
        source="answered_by.username", allow_null=True, default=None
    )
    events = FeedbackEventSerializer(many=True, read_only=True)

    class Meta(FeedbackSerializer.Meta):
        fields = [
            *FeedbackSerializer.Meta.fields,
            "agency",
            "officer",
            "citizen_name",
            "citizen_phone",
            "citizen_email",
            "filed_by",
            "answered_by",
            "events",
        ]


class AnswerInSerializer(serializers.Serializer):
    answer = serializers.CharField(max_length=4000)


class AnswerRatingInSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=AnswerRating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class FeedbackQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["open", "answered"], required=False)
    due = serializers.ChoiceField(choices=["overdue", "soon"], required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
