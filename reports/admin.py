from django.contrib import admin

from onestop.admin import ReadOnlyAdmin

from .models import Indicator, IndicatorChange, Rating
from .services import indicator_update


@admin.register(Rating)
class RatingAdmin(ReadOnlyAdmin):
    """Ratings are the citizens' words: readable, never edited."""

    list_display = ["case", "value", "created_at"]
    list_filter = ["value"]
    search_fields = ["case__code"]
    list_select_related = ["case"]


class IndicatorChangeInline(admin.TabularInline):
    model = IndicatorChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "changed_by", "field", "old", "new"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    """The scorecard's indicators: an administrator follows the portal's guidance by
    changing a threshold, points or source; each change is kept with who and when."""

    list_display = ["number", "name_vi", "group", "threshold", "points", "measurable"]
    list_filter = ["group", "measurable"]
    fields = [
        "number",
        "group",
        "name_vi",
        "name_en",
        "rule_vi",
        "rule_en",
        "measurable",
        *Indicator.EDITABLE,
    ]
    readonly_fields = [f for f in fields if f not in Indicator.EDITABLE]
    inlines = [IndicatorChangeInline]

    def has_add_permission(self, request):
        return False  # a new indicator needs its formula in code, and a migration

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        indicator_update(
            indicator_id=obj.pk,
            by=request.user,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )
