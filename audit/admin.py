from django.contrib import admin

from audit.models import AuditEntry
from core.pagination import CappedCountPaginator


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is append-only, in the database as well."""

    list_display = ["at", "username", "organisation", "action", "customer_id", "what", "ip_address"]
    list_filter = ["action", ("at", admin.DateFieldListFilter)]
    search_fields = ["username", "=customer_id", "what", "organisation"]
    # Millions of rows: newest first by the index on time, counted no further than the cap, and
    # no date hierarchy (its year links read every row).
    sortable_by = ["at"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
