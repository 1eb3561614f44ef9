from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from onestop.admin import ReadOnlyAdmin

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
from .selectors import agency_subtree_ids, forget_calendar_overrides
from .services import reorganisation


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "agency", "is_active"]
    list_filter = ["groups", "agency__level", "is_active"]
    list_select_related = ["agency"]
    autocomplete_fields = ["agency"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("Agency"), {"fields": ["agency"]}),)


class MergeForm(forms.Form):
    """Where a dissolved agency's cases, staff and work go, from which day, by which decision."""

    into = forms.ModelChoiceField(
        label=_("Successor"),
        queryset=Agency.objects.none(),
        required=False,
        help_text=_("Leave empty only to dissolve an agency that holds nothing."),
    )
    on = forms.DateField(label=_("Dissolved on"), widget=forms.DateInput(attrs={"type": "date"}))
    decision = forms.CharField(label=_("Decision"), max_length=100, required=False)

    def __init__(self, *args, agency: Agency, **kwargs):
        super().__init__(*args, **kwargs)
        self.agency = agency
        self.fields["into"].queryset = Agency.objects.filter(dissolved_on=None).exclude(
            pk__in=agency_subtree_ids(agency.pk)
        )

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                reorganisation.merge_check(agency=self.agency, into=data["into"], on=data["on"])
            except ValidationError as error:
                self.add_error(None, error)  # on the field it names, else on the form
        return data


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "parent", "dissolved_on", "successor"]
    list_filter = ["level", ("dissolved_on", admin.EmptyFieldListFilter)]
    search_fields = ["code", "name"]
    autocomplete_fields = ["parent", "head"]
    list_select_related = ["parent", "successor"]
    readonly_fields = ["dissolved_on", "successor", "dissolution_ref"]
    actions = ["merge"]

    @admin.action(description=_("Dissolve or merge into another agency"))
    def merge(self, request, queryset):
        """One agency at a time, through a confirmation page that says what moves."""
        if queryset.count() != 1:
            self.message_user(request, _("Choose one agency to merge."), messages.ERROR)
            return None
        agency = queryset.get()
        form = MergeForm(
            request.POST if request.POST.get("confirmed") == "yes" else None,
            agency=agency,
            initial={"on": timezone.localdate()},
        )
        if form.is_bound and form.is_valid():
            into = form.cleaned_data["into"]
            moved = reorganisation.agency_merge(
                agency=agency,
                into=into,
                on=form.cleaned_data["on"],
                decision=form.cleaned_data["decision"],
            )
            self.log_change(request, agency, gettext("Dissolved; merged into %s.") % into)
            self.message_user(
                request,
                gettext("%(agency)s dissolved; %(cases)d cases moved to %(into)s.")
                % {"agency": agency, "cases": moved, "into": into or "—"},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Dissolve %s?") % agency,
            "agency": agency,
            "holdings": reorganisation.holdings_of(agency),
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/cases/agency/merge.html", context)


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
class CaseAdmin(ReadOnlyAdmin):
    """Read-only: cases change only through their actions (the API), never by editing."""

    list_display = ["__str__", "procedure", "status", "channel", "received_at", "appointment_at"]
    list_filter = ["status", "channel"]
    search_fields = ["code", "reference", "applicant_full_name", "applicant_id_number"]
    list_select_related = ["procedure"]
    inlines = [CaseEventInline, AppointmentChangeInline]
