"""Events (tapahtumat) and reservations' usage of what was granted, as far as the user may see them."""

import datetime as dt
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.dates import month_bounds, today
from events.models import Event, EventStatus
from organisations import permissions
from reservations.selectors import reservations_for_user
from vouchers.models import VoucherContent
from vouchers.selectors import price_items_valid_on

MONEY = DecimalField(max_digits=12, decimal_places=2)


def events_for_user(user):
    """Provider users: their own provider's events. Organiser users: their organiser's. Others: none."""
    events = Event.objects.select_related("reservation__voucher__customer", "reservation__provider")
    return permissions.scope(user, events, provider="reservation__provider", organiser="reservation__voucher__organiser")


def reservations_with_usage(user, *, kinds, day: dt.date | None = None):
    """The user's reservations of vouchers of these kinds, each annotated for ``day``'s period with
    ``used_quantity`` and ``used_amount`` (euros the voucher pays) and ``price_today`` (the provider's
    unit price on ``day``). One query however many rows."""
    day = day or today()
    month_start, month_end = month_bounds(day)
    # Correlated subqueries, not a join with GROUP BY: PostgreSQL evaluates them only for
    # the rows of the page, so a provider with thousands of reservations costs no more.
    counted = Event.objects.filter(reservation=OuterRef("pk"), status__in=EventStatus.counted()).filter(
        Q(reservation__voucher_content__period=VoucherContent.Period.VALIDITY)
        | Q(date__gte=month_start, date__lte=month_end)
    )
    zero = Value(0, output_field=MONEY)

    def used(field):
        total = counted.values("reservation").annotate(total=Sum(field)).values("total")
        return Coalesce(Subquery(total, output_field=MONEY), zero)

    prices = price_items_valid_on(
        day,
        content=OuterRef("voucher_content__content"),
        provider=OuterRef("provider"),
        organiser=OuterRef("voucher__organiser"),
        service=OuterRef("voucher__service"),
    ).values("unit_price")[:1]
    return (
        reservations_for_user(user)
        .filter(voucher__service__kind__in=kinds)
        .select_related("voucher__organiser")
        .annotate(used_quantity=used("quantity"), used_amount=used("voucher_share"), price_today=Subquery(prices))
    )


def period_usage(*, reservation, start, end, exclude_event_id=None) -> tuple[Decimal, Decimal]:
    """(quantity, voucher euros) the reservation's counted events use between ``start`` and ``end``."""
    events = Event.objects.filter(reservation=reservation, status__in=EventStatus.counted(), date__range=(start, end))
    if exclude_event_id is not None:
        events = events.exclude(pk=exclude_event_id)
    totals = events.aggregate(quantity=Sum("quantity"), amount=Sum("voucher_share"))
    return totals["quantity"] or Decimal("0"), totals["amount"] or Decimal("0")


def reservation_events(reservation):
    """A reservation's events, newest first, with what they credit."""
    return reservation.events.select_related("credit_of", "created_by").order_by("-date", "-id")


def events_waiting_for_review(user):
    """Organiser users: their organiser's events under review, across providers. Others: none."""
    if not permissions.is_organiser(user):
        return Event.objects.none()
    return (
        events_for_user(user)
        .filter(status=EventStatus.UNDER_REVIEW)
        .select_related("reservation__voucher_content__content", "reservation__voucher__service", "created_by")
        .order_by("date", "id")
    )
