from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import (
    Agency,
    AppointmentChange,
    CalendarOverride,
    Case,
    CaseEvent,
    FeeItem,
    Procedure,
    User,
)
from .selectors import forget_calendar_overrides


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "agency", "is_active"]
    list_filter = ["groups", "agency__level", "is_active"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Agency"), {"fields": ["agency"]}),)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "head"]
    list_select_related = ["parent"]


class FeeItemInline(admin.TabularInline):
    model = FeeItem
    extra = 0


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "level",
        "agency",
        "processing_time_value",
        "processing_time_unit",
        "online_level",
        "collection",
        "is_active",
    ]
    list_filter = ["level", "online_level", "collection", "processing_time_unit", "is_active"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["agency"]
    list_select_related = ["agency"]
    inlines = [FeeItemInline]

    def save_model(self, request, obj, form, change):
        # The scorecard (indicators 1.1, 1.2) weighs when the catalogue followed a decision:
        # a procedure added is published today, a decision changed is followed today,
        # unless the administrator gives the day.
        today = timezone.localdate()
        if not change and obj.published_on is None:
            obj.published_on = today
        decision_changed = {"decision_ref", "decision_effective_on"} & set(form.changed_data)
        if change and decision_changed and "updated_on" not in form.changed_data:
            obj.updated_on = today
        super().save_model(request, obj, form, change)


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "is_working", "reason", "decision_ref"]
    list_filter = ["is_working"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        forget_calendar_overrides()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        forget_calendar_overrides()


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaseEventInline(ReadOnlyInline):
    model = CaseEvent
    fields = ["at", "action", "from_status", "to_status", "actor", "reason", "form"]
    readonly_fields = fields


class AppointmentChangeInline(ReadOnlyInline):
    model = AppointmentChange
    fields = ["old_at", "new_at", "reason"]
    readonly_fields = fields


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through their actions (the API), never by editing."""

    list_display = ["__str__", "procedure", "status", "channel", "received_at", "appointment_at"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "reference", "applicant_full_name", "applicant_id_number"]
    list_select_related = ["procedure"]
    inlines = [CaseEventInline, AppointmentChangeInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
