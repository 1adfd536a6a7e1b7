"""Reservations and events, only as far as the user may see them."""

from django.db.models import Prefetch, Q

from reservations.models import Event, Reservation
from vouchers.models import Provider, ServiceAgreement, today
from vouchers.permissions import membership_of


def reservations_for_user(user):
    """Provider users: their own provider's reservations. Organiser users: their organiser's. Others: none."""
    membership = membership_of(user)
    reservations = Reservation.objects.select_related(
        "voucher__customer", "voucher__service", "voucher_content__content", "provider", "unit", "created_by"
    )
    if membership is None:
        return reservations.none()
    if membership.is_provider:
        return reservations.filter(provider_id=membership.provider_id)
    return reservations.filter(voucher__organiser_id=membership.organiser_id)


def active_reservations_for_user(user, *, day=None):
    return reservations_for_user(user).active_on(day or today())


def events_for_user(user):
    membership = membership_of(user)
    events = Event.objects.select_related("reservation__voucher__customer", "reservation__provider")
    if membership is None:
        return events.none()
    if membership.is_provider:
        return events.filter(reservation__provider_id=membership.provider_id)
    return events.filter(reservation__voucher__organiser_id=membership.organiser_id)


# --- Service reservations (palveluvaraus): lookup status, on-behalf providers, search, details ---


def reservation_of_voucher(voucher):
    """The voucher's reservation (a voucher is reserved once), or None."""
    return (
        Reservation.objects.select_related("provider", "unit", "created_by", "voucher_content__content")
        .filter(voucher_id=voucher.pk)
        .first()
    )


def on_behalf_reference_day(voucher, *, day=None):
    """The day an on-behalf provider's agreement must be valid: today, or the voucher's last day if earlier."""
    day = day or today()
    return min(day, voucher.effective_end)


def providers_for_on_behalf(*, voucher, day=None):
    """Providers an organiser may reserve this voucher for: those with a service agreement for the
    voucher's service with the voucher's organiser, valid on the reference day."""
    agreements = ServiceAgreement.objects.valid_on(on_behalf_reference_day(voucher, day=day)).filter(
        organiser_id=voucher.organiser_id, service_id=voucher.service_id
    )
    return Provider.objects.filter(pk__in=agreements.values("provider_id")).order_by("name")


def search_reservations(reservations, text: str):
    """Narrow reservations by voucher number (prefix) and customer name (every word must match)."""
    for word in (text or "").split()[:5]:
        reservations = reservations.filter(
            Q(voucher__number__startswith=word)
            | Q(voucher__customer__last_name__icontains=word)
            | Q(voucher__customer__first_name__icontains=word)
        )
    return reservations


def reservation_with_details(user, reservation_id: int):
    """One of the user's reservations with its events, or None (someone else's is None too)."""
    events = Event.objects.select_related("created_by").order_by("-date", "-id")
    return (
        reservations_for_user(user)
        .select_related("voucher__organiser")
        .prefetch_related(Prefetch("events", queryset=events))
        .filter(pk=reservation_id)
        .first()
    )


# --- Events (tapahtumat): usage of what was granted, prices, review ---------------------------


def _month_bounds(day):
    import datetime

    from reservations.pricing import period_bounds

    return period_bounds(period="month", day=day, valid_from=datetime.date.min, valid_to=datetime.date.max)


def reservations_with_usage(user, *, kinds, day=None):
    """The user's reservations of vouchers of these kinds, each annotated for ``day``'s period with
    ``used_quantity`` and ``used_amount`` (euros the voucher pays) and ``price_today`` (the provider's
    unit price on ``day``). One query however many rows."""
    from django.db.models import DecimalField, OuterRef, Q, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from reservations.models import EventStatus
    from vouchers.models import PriceListItem, VoucherContent

    day = day or today()
    month_start, month_end = _month_bounds(day)
    # Correlated subqueries, not a join with GROUP BY: PostgreSQL evaluates them only for
    # the rows of the page, so a provider with thousands of reservations costs no more.
    counted = Event.objects.filter(reservation=OuterRef("pk"), status__in=EventStatus.counted()).filter(
        Q(reservation__voucher_content__period=VoucherContent.Period.VALIDITY)
        | Q(date__gte=month_start, date__lte=month_end)
    )
    zero = Value(0, output_field=DecimalField(max_digits=12, decimal_places=2))

    def used(field):
        total = counted.values("reservation").annotate(total=Sum(field)).values("total")
        return Coalesce(Subquery(total, output_field=DecimalField(max_digits=12, decimal_places=2)), zero)

    prices = (
        PriceListItem.objects.filter(
            content=OuterRef("voucher_content__content"),
            price_list__agreement__provider=OuterRef("provider"),
            price_list__agreement__organiser=OuterRef("voucher__organiser"),
            price_list__agreement__service=OuterRef("voucher__service"),
            price_list__valid_from__lte=day,
            price_list__agreement__valid_from__lte=day,
        )
        .filter(Q(price_list__valid_to__isnull=True) | Q(price_list__valid_to__gte=day))
        .filter(Q(price_list__agreement__valid_to__isnull=True) | Q(price_list__agreement__valid_to__gte=day))
        .values("unit_price")[:1]
    )
    return (
        reservations_for_user(user)
        .filter(voucher__service__kind__in=kinds)
        .select_related("voucher__organiser")
        .annotate(used_quantity=used("quantity"), used_amount=used("voucher_share"), price_today=Subquery(prices))
    )


def period_usage(*, reservation, start, end, exclude_event_id=None) -> tuple:
    """(quantity, voucher euros) the reservation's counted events use between ``start`` and ``end``."""
    from decimal import Decimal

    from django.db.models import Sum

    from reservations.models import EventStatus

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
    from reservations.models import EventStatus

    membership = membership_of(user)
    if membership is None or not membership.is_organiser:
        return Event.objects.none()
    return (
        events_for_user(user)
        .filter(status=EventStatus.UNDER_REVIEW)
        .select_related("reservation__voucher_content__content", "reservation__voucher__service", "created_by")
        .order_by("date", "id")
    )
