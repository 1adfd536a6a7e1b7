from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, in the database as well."""

    list_display = ["at", "username", "organisation", "action", "customer_id", "what", "ip_address"]
    list_filter = ["action"]
    search_fields = ["username", "=customer_id", "what", "organisation"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
