"""Who may make service reservations. Services and selectors call these; views never decide."""

from vouchers.models import Membership
from vouchers.permissions import membership_of

# A recorder (kirjaaja) only records events; everyone else in an organisation may reserve.
RESERVING_ROLES = (
    Membership.Role.PROVIDER_ADMIN,
    Membership.Role.ORGANISER_ADMIN,
    Membership.Role.ORGANISER_STAFF,
)


def can_make_reservations(user) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.role in RESERVING_ROLES


def reserves_on_behalf(user) -> bool:
    """Organiser staff reserve on a provider's behalf; provider users for their own provider."""
    membership = membership_of(user)
    return membership is not None and membership.is_organiser
