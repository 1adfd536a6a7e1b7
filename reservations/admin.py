from django.contrib import admin

from reservations.models import Reservation


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["voucher", "customer", "provider", "unit", "voucher_content", "on_behalf", "created_at", "ended_on"]
    list_filter = ["voucher__service__kind", "voucher__organiser", "on_behalf"]
    search_fields = ["=voucher__number", "voucher__customer__last_name", "provider__name", "provider__business_id"]
    list_select_related = ["voucher__customer", "provider", "unit", "voucher_content__content"]
    raw_id_fields = ["voucher", "voucher_content", "created_by"]

    @admin.display(description="asiakas")
    def customer(self, obj):
        return obj.voucher.customer
