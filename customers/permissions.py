"""Who may do what with customerships. Selectors and services call these; views never decide."""

from vouchers.permissions import membership_of, records_only


def is_organiser_of(user, voucher) -> bool:
    """Organiser staff of the voucher's own organiser."""
    membership = membership_of(user)
    return membership is not None and membership.is_organiser and membership.organiser_id == voucher.organiser_id


def acts_for_provider(user, provider_id) -> bool:
    """A provider user of this very provider who does more than record events."""
    membership = membership_of(user)
    return (
        membership is not None
        and membership.is_provider
        and membership.provider_id == provider_id
        and not records_only(user)
    )


def can_end_customership(user, customership) -> bool:
    """The customership's own provider, or the organiser of its voucher."""
    return acts_for_provider(user, customership.provider_id) or is_organiser_of(user, customership.voucher)


def can_transfer_customership(user, customership) -> bool:
    """Only the organiser moves a customership to another provider (lock-in or not)."""
    return is_organiser_of(user, customership.voucher)
