from django.contrib import admin

from core.pagination import CappedCountPaginator
from customers.models import Customership


@admin.register(Customership)
class CustomershipAdmin(admin.ModelAdmin):
    list_display = ["voucher", "provider", "office", "start_date", "end_date", "locked_until"]
    # No filter by provider (five thousand choices); search finds a provider's. Newest first by the
    # primary key (the model's order sorts by voucher number, which no index of this table has).
    list_filter = ["voucher__organiser"]
    search_fields = ["=voucher__number", "voucher__customer__last_name", "provider__name", "provider__business_id"]
    list_select_related = ["voucher", "provider", "office"]
    raw_id_fields = ["voucher", "created_by", "transferred_from"]
    ordering = ["-id"]
    sortable_by = []
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
