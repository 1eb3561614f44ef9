"""What the API's serializers share: field rules, related fields, how a moment renders."""

from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases import catalogue
from cases.models import Procedure

ID_NUMBER = RegexValidator(
    r"^(\d{12}|\d{10}(-\d{3})?)$",
    _("Give a 12-digit citizen ID (CCCD) or a 10-digit tax code (optionally -NNN)."),
)


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

    # Built once: DRF builds its fields again for every request (a deep copy calls
    # __init__), and filtering a queryset cost a filing more than reading the procedure.
    # RelatedField reads it through `.all()`, a fresh copy each time.
    active = Procedure.objects.filter(is_active=True)

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=self.active, **kwargs)

    def to_internal_value(self, data):
        self.check_shape(data)
        procedure = catalogue.active_procedure(data)
        if procedure is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data)
        return procedure


def viewer_is_staff(serializer) -> bool:
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


def as_row(obj, fields) -> dict:
    """The values of these `a__b` paths of an object, as `.values(*fields)` would give them."""
    row = {}
    for path in fields:
        value = obj
        for name in path.split("__"):
            value = getattr(value, name) if value is not None else None
        row[path] = value
    return row
