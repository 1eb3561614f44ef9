from django.contrib import admin

from .models import ResultDocument, ResultTemplate


@admin.register(ResultTemplate)
class ResultTemplateAdmin(admin.ModelAdmin):
    list_display = ["procedure", "title"]
    search_fields = ["procedure__code", "procedure__name", "title"]
    autocomplete_fields = ["procedure"]


@admin.register(ResultDocument)
class ResultDocumentAdmin(admin.ModelAdmin):
    """Read-only: results change only through the case's steps."""

    list_display = ["case", "origin", "submitted_at", "signed_at", "first_downloaded_at"]
    list_filter = ["origin"]
    search_fields = ["case__code"]
    list_select_related = ["case"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
