"""Reservations, only as far as the user may see them."""

from django.db.models import Q

from core.dates import today
from organisations import permissions
from reservations.models import Reservation
from vouchers.selectors import providers_acted_for

# What a reservation is shown with. The big rows a list pages through are joined; the small
# registers (services, contents, providers, units, users) come in one query each for all the rows.
# PostgreSQL's planning time grows steeply with the tables of a join: at national scale a join of
# nine tables took ~8 ms to plan and ~1 ms to run, one of four ~0.6 ms to plan (EXPLAIN SUMMARY),
# while a prefetch query costs ~0.3 ms.
JOINED = ("voucher__customer", "voucher_content")
REGISTERS = ("voucher__service", "voucher_content__content", "provider", "unit", "created_by")


def reservations_for_user(user):
    """Provider users: their own provider's reservations. Organiser users: their organiser's. Others: none."""
    reservations = Reservation.objects.select_related(*JOINED).prefetch_related(*REGISTERS)
    return permissions.scope(user, reservations, provider="provider", organiser="organiser")


def active_reservations_for_user(user, *, day=None):
    return reservations_for_user(user).in_force_on(day or today())


# --- Service reservations (palveluvaraus): lookup status, on-behalf providers, search, details ---


def reservation_of_voucher(voucher):
    """The voucher's reservation (a voucher is reserved once), or None."""
    # Nothing joined: most vouchers looked up have no reservation, and then one cheap query answers.
    return (
        Reservation.objects.prefetch_related("provider", "unit", "created_by", "voucher_content__content")
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
    return providers_acted_for(
        organiser_id=voucher.organiser_id, service_id=voucher.service_id, day=on_behalf_reference_day(voucher, day=day)
    )


def search_reservations(reservations, text: str):
    """Narrow reservations by voucher number (prefix) and customer name (every word must match).

    A word of digits is the start of a voucher number (the numbers' index; a number is only
    digits); any other word is part of the first or last name (the customers' trigram indexes,
    ``UPPER(name) gin_trgm_ops``). Keeping the two apart keeps each condition on one table, where
    its index can answer it."""
    for word in (text or "").split()[:5]:
        if word.isascii() and word.isdigit():
            reservations = reservations.filter(voucher__number__startswith=word)
        else:
            reservations = reservations.filter(
                Q(voucher__customer__last_name__icontains=word) | Q(voucher__customer__first_name__icontains=word)
            )
    return reservations


def exact_number(text: str) -> str | None:
    """The search text as a voucher number, if it is one (digits only)."""
    text = (text or "").strip()
    return text if text.isascii() and text.isdigit() and len(text) <= 20 else None


def reservation_with_number(reservations, text: str):
    """The reservation whose voucher number is exactly ``text``, or None: a search by number
    shows it first (one indexed match; ``1005`` before ``10058``)."""
    number = exact_number(text)
    return reservations.filter(voucher__number=number).first() if number else None


def reservation_with_details(user, reservation_id: int):
    """One of the user's reservations, or None (someone else's is None too). Its events are the
    events app's to show, in the slot the details offer (events/_reservation_actions.html)."""
    return reservations_for_user(user).filter(pk=reservation_id).first()
