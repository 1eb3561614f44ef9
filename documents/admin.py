from django.contrib import admin

from onestop.admin import ReadOnlyAdmin

from .models import ResultDocument, ResultTemplate


@admin.register(ResultTemplate)
class ResultTemplateAdmin(admin.ModelAdmin):
    list_display = ["procedure", "title"]
    search_fields = ["procedure__code", "procedure__name", "title"]
    autocomplete_fields = ["procedure"]


@admin.register(ResultDocument)
class ResultDocumentAdmin(ReadOnlyAdmin):
    """Read-only: results change only through the case's steps."""

    list_display = ["case", "origin", "submitted_at", "signed_at", "first_downloaded_at"]
    list_filter = ["origin"]
    search_fields = ["case__code"]
    list_select_related = ["case"]
