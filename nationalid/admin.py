from django.contrib import admin

from .models import IdentityConflict, NationalIdentity


@admin.register(NationalIdentity)
class NationalIdentityAdmin(admin.ModelAdmin):
    """Written only by sign-ins (the account's proven ID number goes with them): read only."""

    list_display = ["full_name", "id_number", "account_type", "user", "loa", "last_signed_in_at"]
    list_filter = ["account_type", "loa", "login_idp"]
    search_fields = ["full_name", "id_number", "tech_id", "user__username"]
    list_select_related = ["user"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IdentityConflict)
class IdentityConflictAdmin(admin.ModelAdmin):
    """Sign-ins refused because the ID number belongs to another national account."""

    list_display = ["at", "id_number", "full_name", "tech_id", "existing", "resolved"]
    list_filter = ["resolved"]
    search_fields = ["id_number", "tech_id", "full_name"]
    readonly_fields = ["at", "tech_id", "id_number", "full_name", "existing"]
    fields = [*readonly_fields, "resolved", "note"]

    def has_add_permission(self, request):
        return False
