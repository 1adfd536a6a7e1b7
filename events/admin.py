from django.contrib import admin

from events.models import Event, EventChange
from reservations.admin import ReservationAdmin
from reservations.models import Reservation


class EventInline(admin.TabularInline):
    model = Event
    extra = 0
    fields = ["date", "quantity", "unit_price", "total", "voucher_share", "customer_share", "status"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True


# A reservation's page in the admin lists its events: the events app extends the reservations'
# admin (reservations never import events).
admin.site.unregister(Reservation)


@admin.register(Reservation)
class ReservationWithEventsAdmin(ReservationAdmin):
    inlines = [*ReservationAdmin.inlines, EventInline]


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
