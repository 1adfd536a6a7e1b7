from django.contrib import admin

from reservations.models import Event, EventChange, Reservation


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["date", "quantity", "unit_price", "total", "voucher_share", "customer_share", "status"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


@admin.register(Reservation)
class ReservationAdmin(admin.ModelAdmin):
    list_display = ["voucher", "customer", "provider", "unit", "voucher_content", "on_behalf", "created_at", "ended_on"]
    list_filter = ["voucher__service__kind", "voucher__organiser", "on_behalf"]
    search_fields = ["=voucher__number", "voucher__customer__last_name", "provider__name", "provider__business_id"]
    list_select_related = ["voucher__customer", "provider", "unit", "voucher_content__content"]
    raw_id_fields = ["voucher", "voucher_content", "created_by"]
    inlines = [EventInline]

    @admin.display(description="asiakas")
    def customer(self, obj):
        return obj.voucher.customer


class EventChangeInline(admin.TabularInline):
    model = EventChange
    extra = 0
    readonly_fields = ["changed_by", "changed_at", "action", "changes"]
    can_delete = False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["reservation", "date", "quantity", "total", "voucher_share", "customer_share", "status"]
    list_filter = ["status", "reservation__voucher__service__kind", "reservation__voucher__organiser"]
    search_fields = ["=reservation__voucher__number", "reservation__voucher__customer__last_name", "reservation__provider__name"]
    list_select_related = ["reservation__voucher", "reservation__provider"]
    raw_id_fields = ["reservation", "credit_of", "created_by"]
    date_hierarchy = "date"
    inlines = [EventChangeInline]
