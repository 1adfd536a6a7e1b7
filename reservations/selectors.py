"""Reservations and events, only as far as the user may see them."""

from reservations.models import Event, Reservation
from vouchers.models import today
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
