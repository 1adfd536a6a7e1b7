from django.contrib import admin

from api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Read-only: keys are made on the Organisaatio pages, where the secret is shown once."""

    list_display = ["name", "prefix", "provider", "organiser", "scopes", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix"]
    readonly_fields = [field.name for field in ApiKey._meta.fields if field.name != "revoked_at"] + ["scopes"]
    fields = ["name", "prefix", "provider", "organiser", "scopes", "user", "created_by", "created_at", "last_used_at",
              "revoked_at"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
