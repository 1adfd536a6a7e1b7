"""Events (tapahtumat) and reservations' usage of what was granted, as far as the user may see them."""

import datetime as dt
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

from core.dates import month_bounds, today
from core.money import ZERO
from events.models import Event, EventStatus
from organisations import permissions
from reservations.selectors import reservations_for_user
from vouchers.models import VoucherContent
from vouchers.selectors import price_items_valid_on, service_ids_of_kinds


def events_for_user(user):
    """Provider users: their own provider's events. Organiser users: their organiser's. Others: none."""
    events = Event.objects.select_related("reservation__voucher__customer", "reservation__provider")
    return permissions.scope(user, events, provider="reservation__provider", organiser="organiser")


def _with_price_today(reservations, day: dt.date | None):
    prices = price_items_valid_on(
        day or today(),
        content=OuterRef("voucher_content__content"),
        provider=OuterRef("provider"),
        organiser=OuterRef("voucher__organiser"),
        service=OuterRef("voucher__service"),
    ).values("unit_price")[:1]
    return reservations.annotate(price_today=Subquery(prices))


def reservations_with_prices(user, *, kinds, day: dt.date | None = None):
    """The user's reservations of vouchers of these kinds, each annotated with ``price_today`` (the
    provider's unit price on ``day``; a correlated subquery that PostgreSQL evaluates only for the
    rows of the page). What each one has used comes from ``attach_usage``."""
    return _with_price_today(reservations_for_user(user).filter(voucher__service__kind__in=kinds), day)


def tab_reservations(user, *, kinds, day: dt.date | None = None):
    """``reservations_with_prices`` for a tab's list (Ostovoimat, Saldo-ostovoimat): the kinds as
    their services' ids (``service_ids_of_kinds``, one small query), so that the planner estimates
    the rows from the vouchers' own statistics instead of a join it misjudged at scale 0.1."""
    services = service_ids_of_kinds(kinds)
    return _with_price_today(reservations_for_user(user).filter(voucher__service_id__in=services), day)


def _counted(reservation_ids, *, exclude_event_id=None):
    """What "used so far" reads, the one rule of it: the events of these reservations whose
    quantity and euros use up what was granted (``EventStatus.counted``), summed by ``_USED``."""
    events = Event.objects.filter(reservation_id__in=list(reservation_ids), status__in=EventStatus.counted()).order_by()
    return events.exclude(pk=exclude_event_id) if exclude_event_id is not None else events


def _used() -> dict:
    return {"quantity": Sum("quantity"), "amount": Sum("voucher_share")}


def usage_by_reservation(reservation_ids, *, day: dt.date | None = None) -> dict[int, tuple[Decimal, Decimal]]:
    """(quantity, voucher euros) that the counted events of each reservation use in ``day``'s
    period: the whole validity, or ``day``'s calendar month for a monthly content. One aggregate
    query for a whole page, through the events' (reservation, date) index."""
    if not reservation_ids:
        return {}
    month_start, month_end = month_bounds(day or today())
    rows = (
        _counted(reservation_ids)
        .filter(
            Q(reservation__voucher_content__period=VoucherContent.Period.VALIDITY)
            | Q(date__gte=month_start, date__lte=month_end)
        )
        .values("reservation_id")
        .annotate(**_used())
    )
    return {row["reservation_id"]: (row["quantity"], row["amount"]) for row in rows}


def attach_usage(reservations, *, day: dt.date | None = None):
    """Set ``used_quantity`` and ``used_amount`` on each of ``reservations`` (one query)."""
    reservations = list(reservations)
    usage = usage_by_reservation([r.pk for r in reservations], day=day)
    for reservation in reservations:
        reservation.used_quantity, reservation.used_amount = usage.get(reservation.pk, (ZERO, ZERO))
    return reservations


class Usage:
    """What a recording checks against: (quantity, voucher euros) each reservation's counted events
    use in a period, from one read of their usage per day (one GROUP BY for all the reservations),
    plus the events accepted since (``add``: in a recording of many, row 2 sees row 1, as a second
    recording sees the first). ``exclude_event_id``: the event being changed, counted as it will
    be, not as it was. Each period's sum is made once; an accepted event adds to its periods."""

    def __init__(self, reservation_ids, *, exclude_event_id=None):
        self.by_day: dict[int, dict[dt.date, list[Decimal]]] = {}
        rows = _counted(reservation_ids, exclude_event_id=exclude_event_id).values("reservation_id", "date").annotate(**_used())
        for row in rows:
            self.by_day.setdefault(row["reservation_id"], {})[row["date"]] = [row["quantity"], row["amount"]]
        self.periods: dict[int, dict[tuple, list[Decimal]]] = {}

    def used(self, *, reservation, start, end) -> tuple[Decimal, Decimal]:
        periods = self.periods.setdefault(reservation.pk, {})
        if (start, end) not in periods:
            days = self.by_day.get(reservation.pk, {}).items()
            periods[(start, end)] = [
                sum((used[0] for day, used in days if start <= day <= end), ZERO),
                sum((used[1] for day, used in days if start <= day <= end), ZERO),
            ]
        quantity, amount = periods[(start, end)]
        return quantity, amount

    def add(self, event: Event) -> None:
        day = self.by_day.setdefault(event.reservation_id, {}).setdefault(event.date, [ZERO, ZERO])
        day[0] += event.quantity
        day[1] += event.voucher_share
        for (start, end), used in self.periods.get(event.reservation_id, {}).items():
            if start <= event.date <= end:
                used[0] += event.quantity
                used[1] += event.voucher_share


def reservation_events(reservation):
    """A reservation's events, newest first, with what they credit."""
    return reservation.events.select_related("credit_of", "created_by").order_by("-date", "-id")


REVIEW_COUNT_CAP = 99


def review_count(user) -> tuple[int, bool]:
    """How many events wait for the organiser user's review, counted up to REVIEW_COUNT_CAP, and
    whether there are more (the badge shows "99+"): the queue's partial index stops early."""
    count = events_waiting_for_review(user).order_by()[: REVIEW_COUNT_CAP + 1].count()
    return min(count, REVIEW_COUNT_CAP), count > REVIEW_COUNT_CAP


def events_waiting_for_review(user):
    """Organiser users: their organiser's events under review, across providers. Others: none."""
    if not permissions.is_organiser(user):
        return Event.objects.none()
    # The big rows joined, the small registers prefetched (see reservations.selectors.REGISTERS).
    return (
        events_for_user(user)
        .filter(status=EventStatus.UNDER_REVIEW)
        .select_related("reservation__voucher_content")
        .prefetch_related("reservation__voucher_content__content", "reservation__voucher__service", "created_by")
        .order_by("date", "id")
    )
