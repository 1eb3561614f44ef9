"""The catalogue's outputs: agencies and procedures, rendered from `.values()` rows."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases import selectors
from cases.models import Agency, FeeItem, PaperForm, Procedure


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


class RequiredDocumentSerializer(serializers.Serializer):
    """Thành phần hồ sơ: one document of the file and what the catalogue says of it."""

    name = serializers.CharField(help_text=_("As in `required_documents`."))
    requirement = serializers.ChoiceField(
        choices=["required", "conditional"],
        help_text=_("conditional: needed only where its condition holds."),
    )
    condition = serializers.CharField(
        help_text=_("When a conditional document is needed, as the filer reads it; else empty.")
    )
    alternatives = serializers.ListField(
        child=serializers.CharField(),
        help_text=_("Hand in one of these (empty: the document itself)."),
    )
    copies = serializers.IntegerField(help_text=_("How many copies."))
    form = serializers.ChoiceField(
        choices=["", *PaperForm.values],
        help_text=_("original, certified_copy or copy; empty where the catalogue does not say."),
    )


def required_documents_of(row) -> list[dict]:
    procedure = Procedure(
        required_documents=row["required_documents"], document_rules=row["document_rules"]
    )
    return [
        {
            "name": document.name,
            "requirement": document.requirement,
            "condition": document.condition,
            "alternatives": list(document.alternatives),
            "copies": document.copies,
            "form": document.form,
        }
        for document in procedure.documents
    ]


# Renders a row of `selectors.procedure_rows()`; a list reads all their fees at once.
class ProcedureSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    processing_time = ProcessingTimeSerializer(source="*", read_only=True)
    fees = FeeItemSerializer(many=True, read_only=True)
    required_documents = serializers.ListField(child=serializers.CharField(), read_only=True)
    documents = RequiredDocumentSerializer(many=True, read_only=True)

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
            "documents",
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
            "documents": required_documents_of(row),
        }
