from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.pagination import CappedCountPaginator
from reservations.models import Reservation


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["voucher", "customer", "provider", "unit", "content", "on_behalf", "created_at", "ended_on"]
    list_filter = ["voucher__service__kind", "voucher__organiser", "on_behalf"]
    search_fields = ["=voucher__number", "voucher__customer__last_name", "provider__name", "provider__business_id"]
    list_select_related = ["voucher__customer", "provider", "unit", "voucher_content__content"]
    raw_id_fields = ["voucher", "voucher_content", "created_by"]
    # Newest first through the (-created_at, -id) index; counted no further than the cap.
    sortable_by = ["created_at"]
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    @admin.display(description="asiakas")
    def customer(self, obj):
        return obj.voucher.customer

    @admin.display(description=_("palvelusisältö"))
    def content(self, obj):
        # Not the voucher content's own name ("<voucher> – <content>"): it would read its voucher
        # again, one query per row.
        return obj.voucher_content.content
