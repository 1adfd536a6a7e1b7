from django.contrib import admin

from core.pagination import CappedCountPaginator
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
    """Ten million events: newest recorded first by the primary key, counted no further than the
    paginator's cap, no date hierarchy (its year links read every event) but a date filter, and
    no sorting by columns that no index orders."""

    list_display = ["reservation", "date", "quantity", "total", "voucher_share", "customer_share", "status"]
    list_filter = [
        "status", "reservation__voucher__service__kind", "reservation__voucher__organiser",
        ("date", admin.DateFieldListFilter),
    ]
    search_fields = ["=reservation__voucher__number", "reservation__voucher__customer__last_name", "reservation__provider__name"]
    list_select_related = ["reservation__voucher", "reservation__provider"]
    raw_id_fields = ["reservation", "credit_of", "created_by"]
    ordering = ["-id"]
    sortable_by = []
    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    # No bulk actions (no checkbox per row): events are corrected by credits through the services,
    # never deleted a page at a time.
    actions = None
    inlines = [EventChangeInline]
