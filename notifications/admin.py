from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .compose import template_problems
from .models import (
    DeadlineCrossing,
    DeliveryAttempt,
    Notification,
    ProviderTemplate,
    SimulatedMessage,
    StaffAlert,
    Suppression,
    ZaloToken,
)


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["started_at", "channel", "recipient", "outcome", "reply", "delivered_at",
              "bounced_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PendingFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", _("Pending")), ("sent", _("Sent")), ("parked", _("Parked"))]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(sent_at=None, parked_at=None)
        if self.value() == "sent":
            return queryset.exclude(sent_at=None)
        if self.value() == "parked":
            return queryset.exclude(parked_at=None)
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox: what was sent to whom, what failed, and what was parked to resend."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "recipient",
        "subject",
        "sent_at",
        "attempts",
        "parked_at",
    ]
    list_filter = [PendingFilter, "channel", "kind"]
    search_fields = ["recipient", "subject", "case__code"]
    list_select_related = ["case"]
    # The PIN (`secret`) never shows.
    readonly_fields = [f.name for f in Notification._meta.fields if f.name != "secret"]
    exclude = ["secret"]
    actions = ["resend"]
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Resend the selected unsent notifications"))
    def resend(self, request, queryset):
        count = services.notifications_resend(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(
            request,
            gettext("Notifications queued again: %d.") % count,
            messages.SUCCESS,
        )


@admin.register(StaffAlert)
class StaffAlertAdmin(admin.ModelAdmin):
    list_display = ["created_at", "threshold", "case", "audience", "recipient", "agency", "read_at"]
    list_filter = ["threshold", "audience", ("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["case__code", "recipient__username"]
    list_select_related = ["case", "recipient", "agency"]
    readonly_fields = [f.name for f in StaffAlert._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(DeadlineCrossing)
class DeadlineCrossingAdmin(admin.ModelAdmin):
    list_display = ["at", "case", "threshold", "appointment_at"]
    list_filter = ["threshold"]
    search_fields = ["case__code"]
    list_select_related = ["case"]
    readonly_fields = [f.name for f in DeadlineCrossing._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProviderTemplateForm(forms.ModelForm):
    class Meta:
        model = ProviderTemplate
        fields = ["provider", "action", "language", "template_id", "params", "note"]

    def clean_params(self):
        params = self.cleaned_data["params"]
        if problems := template_problems(params):
            raise forms.ValidationError(problems)
        return params


@admin.register(ProviderTemplate)
class ProviderTemplateAdmin(admin.ModelAdmin):
    """The templates registered with Zalo ZNS and VNPT, and how their parameters are
    filled; a parameter that may overflow and may not be cut is refused here."""

    form = ProviderTemplateForm
    list_display = ["provider", "action", "language", "template_id", "note"]
    list_filter = ["provider", "language"]


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    """Addresses that do not reach their person; delete one to use it again."""

    list_display = ["at", "channel", "address", "reason"]
    list_filter = ["channel"]
    search_fields = ["address"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ZaloToken)
class ZaloTokenAdmin(admin.ModelAdmin):
    """When the Zalo token expires and was last renewed; the tokens themselves never show."""

    list_display = ["expires_at", "refreshed_at", "refreshing_until", "last_error"]
    exclude = ["access_token", "refresh_token"]
    readonly_fields = ["expires_at", "refreshed_at", "refreshing_until", "last_error"]

    def has_add_permission(self, request):
        return False


@admin.register(SimulatedMessage)
class SimulatedMessageAdmin(admin.ModelAdmin):
    """Messages sent: what the provider simulators received, each as the phone shows it."""

    change_list_template = "admin/notifications/simulatedmessage/change_list.html"
    list_display = ["received_at", "provider", "phone", "answer"]
    list_filter = ["provider", "answer"]
    search_fields = ["phone", "text"]
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
