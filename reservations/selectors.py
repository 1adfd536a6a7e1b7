"""Reservations, only as far as the user may see them."""

from django.db.models import Prefetch, Q

from core.dates import today
from organisations import permissions
from organisations.models import Provider
from reservations.models import Reservation
from vouchers.models import ServiceAgreement


def reservations_for_user(user):
    """Provider users: their own provider's reservations. Organiser users: their organiser's. Others: none."""
    reservations = Reservation.objects.select_related(
        "voucher__customer", "voucher__service", "voucher_content__content", "provider", "unit", "created_by"
    )
    return permissions.scope(user, reservations, provider="provider", organiser="voucher__organiser")


def active_reservations_for_user(user, *, day=None):
    return reservations_for_user(user).valid_on(day or today())


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
    # The events app's rows, reached through the relation: reservations never import events.
    event_model = Reservation._meta.get_field("events").related_model
    events = event_model.objects.select_related("created_by").order_by("-date", "-id")
    return (
        reservations_for_user(user)
        .select_related("voucher__organiser")
        .prefetch_related(Prefetch("events", queryset=events))
        .filter(pk=reservation_id)
        .first()
    )
