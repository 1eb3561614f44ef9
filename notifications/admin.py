from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import services
from .models import DeadlineCrossing, Notification, StaffAlert


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
