from django.contrib import admin

from customers.models import Customership


@admin.register(Customership)
class CustomershipAdmin(admin.ModelAdmin):
    list_display = ["voucher", "provider", "office", "start_date", "end_date", "locked_until"]
    list_filter = ["voucher__organiser", "provider"]
    search_fields = ["=voucher__number", "voucher__customer__last_name", "provider__name", "provider__business_id"]
    list_select_related = ["voucher", "provider", "office"]
    raw_id_fields = ["voucher", "created_by", "transferred_from"]
