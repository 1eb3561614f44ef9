from django.contrib import admin

from onestop.admin import ReadOnlyAdmin

from .models import AnswerDeadline, Feedback, FeedbackEvent


@admin.register(AnswerDeadline)
class AnswerDeadlineAdmin(admin.ModelAdmin):
    """Working days to answer, per kind: a new deadline counts for feedback filed after."""

    list_display = ["kind", "working_days"]

    def has_add_permission(self, request):
        return False  # one row per kind, seeded

    def has_delete_permission(self, request, obj=None):
        return False


class FeedbackEventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "actor", "data"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdmin):
    """The citizens' words and the agencies' answers: readable, changed only through the
    desk, so every step is in the history."""

    list_display = ["reference", "kind", "subject", "agency", "filed_at", "due_at", "answered_at"]
    list_filter = ["kind", "subject"]
    search_fields = ["reference", "case__code", "citizen_name"]
    list_select_related = ["agency"]
    inlines = [FeedbackEventInline]
