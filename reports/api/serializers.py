"""Report queries and answers (shared/API.md, Reports). No business rules."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Level

from ..kpis import DECISION_766, KPI_BY_ID, PARTS, PROVINCE
from ..models import Rating, RatingValue
from ..throughput import BUCKETS, FIGURES, GROUPS

MAX_DAYS = 3 * 366
MAX_DAY_BUCKETS = 366


class ReportQuerySerializer(serializers.Serializer):
    # `from` is a Python keyword: the field is added to the class body under that name.
    locals()["from"] = serializers.DateField(
        required=False, help_text=_("First day of the period (default: 1 January of `to`'s year).")
    )
    to = serializers.DateField(
        required=False, help_text=_("Last day of the period, included (default: today).")
    )
    agency = serializers.CharField(
        required=False, help_text=_("Agency code: the agency and its sub-agencies.")
    )
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    procedure = serializers.CharField(required=False, help_text=_("Procedure code."))

    def validate(self, attrs):
        today = timezone.localdate()
        last = attrs.get("to") or today
        first = attrs.get("from") or last.replace(month=1, day=1)
        if first > last:
            raise serializers.ValidationError({"from": _("The period starts after it ends.")})
        if (last - first).days >= MAX_DAYS:
            raise serializers.ValidationError({"from": _("Ask for at most three years.")})
        return {**attrs, "first": first, "last": last}


class ThroughputQuerySerializer(ReportQuerySerializer):
    bucket = serializers.ChoiceField(choices=list(BUCKETS), default="month")
    group_by = serializers.ChoiceField(
        choices=list(GROUPS), required=False, help_text=_("One row per bucket and group.")
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs["bucket"] == "day" and (attrs["last"] - attrs["first"]).days >= MAX_DAY_BUCKETS:
            raise serializers.ValidationError({"bucket": _("Daily figures cover at most a year.")})
        return attrs


class DrillDownQuerySerializer(ReportQuerySerializer):
    part = serializers.ChoiceField(choices=PARTS, default="denominator")


class UnitFiguresSerializer(serializers.Serializer):
    cases = serializers.IntegerField()
    mean = serializers.FloatField(allow_null=True)
    median = serializers.FloatField(allow_null=True)


class KPISerializer(serializers.Serializer):
    id = serializers.ChoiceField(choices=list(KPI_BY_ID))
    indicator = serializers.CharField(
        help_text=_("Decision 766 indicator, e.g. 2.1; empty for a province figure.")
    )
    name = serializers.CharField()
    group = serializers.IntegerField(
        allow_null=True, help_text=_("The scorecard's group (1–5); null for a province figure.")
    )
    family = serializers.ChoiceField(
        choices=[DECISION_766, PROVINCE],
        help_text=_(
            "decision_766: an indicator of the national scorecard; province: one of "
            "the seed's province figures, never scored."
        ),
    )
    measurable = serializers.BooleanField(
        help_text=_("False: the data are not held here; the figures are null, never 0.")
    )
    numerator = serializers.IntegerField(allow_null=True)
    denominator = serializers.IntegerField(allow_null=True)
    rate = serializers.FloatField(
        allow_null=True, help_text=_("Percent, or for processing_time the mean in `unit`.")
    )
    threshold = serializers.FloatField(allow_null=True)
    max_points = serializers.FloatField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    unit = serializers.ChoiceField(
        choices=["percent", "count", "working_days", "working_hours", "calendar_days"]
    )
    drill_down = serializers.ChoiceField(
        choices=["cases", "procedures", "rows", ""],
        help_text=_("What the figures' drill-down lists."),
    )
    median = serializers.FloatField(required=False, allow_null=True)
    by_unit = serializers.DictField(
        child=UnitFiguresSerializer(),
        required=False,
        help_text=_("processing_time: per time unit of the procedures."),
    )
    parts = serializers.DictField(child=serializers.IntegerField(), required=False)


class ScoreSerializer(serializers.Serializer):
    score = serializers.FloatField()
    max_points = serializers.FloatField()
    measured_points = serializers.FloatField(
        help_text=_("The points of the indicators that have a score.")
    )
    not_measurable = serializers.ListField(child=serializers.CharField())
    not_measurable_points = serializers.FloatField()
    no_data = serializers.ListField(
        child=serializers.CharField(), help_text=_("Measurable, but nothing to count.")
    )
    no_data_points = serializers.FloatField()


class GroupScoreSerializer(ScoreSerializer):
    group = serializers.IntegerField()
    name = serializers.CharField()
    indicators = serializers.ListField(child=serializers.CharField())


class ScorecardSerializer(serializers.Serializer):
    total = ScoreSerializer()
    groups = GroupScoreSerializer(many=True)
    indicators = KPISerializer(many=True, help_text=_("Decision 766's indicators."))
    province_figures = KPISerializer(many=True, help_text=_("The seed's province figures."))


def _throughput_fields():
    fields = {
        "bucket": serializers.DateField(help_text=_("First day of the bucket.")),
        "bucket_end": serializers.DateField(help_text=_("First day after the bucket.")),
        **{group: serializers.CharField(required=False, allow_null=True) for group in GROUPS},
    }
    for name in FIGURES:
        fields[name] = (
            serializers.FloatField(allow_null=True)
            if name.endswith("_days")
            else serializers.IntegerField()
        )
    return fields


ThroughputRowSerializer = type(
    "ThroughputRowSerializer", (serializers.Serializer,), _throughput_fields()
)


class DrillDownCaseSerializer(serializers.Serializer):
    code = serializers.CharField(source="case.code", allow_null=True)
    procedure = serializers.CharField(source="case.procedure.code")
    deciding_agency = serializers.CharField(source="case.deciding_agency.code")
    channel = serializers.CharField()
    status = serializers.CharField()
    return_channel = serializers.CharField()
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    on_time = serializers.BooleanField(allow_null=True)
    supplements = serializers.IntegerField()
    transfers = serializers.IntegerField()
    processing_days = serializers.FloatField(allow_null=True)
    processing_time = serializers.FloatField(allow_null=True)
    processing_unit = serializers.CharField()


class RatingInSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=RatingValue.choices)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class RatingSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="case.code", read_only=True)
    rating = serializers.ChoiceField(source="value", choices=RatingValue.choices)

    class Meta:
        model = Rating
        fields = ["code", "rating", "comment", "created_at"]


class DrillDownProcedureSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    agency = serializers.CharField(source="agency.code")
    level = serializers.CharField()
    online_level = serializers.CharField()
    pays_online = serializers.BooleanField()
    written_result = serializers.BooleanField()
    decision_ref = serializers.CharField()
    decision_effective_on = serializers.DateField(allow_null=True)
    published_on = serializers.DateField(allow_null=True)
    updated_on = serializers.DateField(allow_null=True)
