from django.contrib import admin

from registers.models import RegisterChange


@admin.register(RegisterChange)
class RegisterChangeAdmin(admin.ModelAdmin):
    """The registers' history, read only: rows are written by registers.services."""

    list_display = ["at", "organiser", "actor", "subject", "kind", "label"]
    list_filter = ["organiser", "subject", "kind"]
    search_fields = ["label", "actor"]
    list_select_related = ["organiser"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
