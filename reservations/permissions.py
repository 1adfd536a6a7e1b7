"""Who may make service reservations. Services and selectors call these; views never decide."""

from vouchers.permissions import membership_of, records_only


def can_make_reservations(user) -> bool:
    """Everyone in an organisation but a recorder, who only records events."""
    return membership_of(user) is not None and not records_only(user)


def reserves_on_behalf(user) -> bool:
    """Organiser staff reserve on a provider's behalf; provider users for their own provider."""
    membership = membership_of(user)
    return membership is not None and membership.is_organiser
