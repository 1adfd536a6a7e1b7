"""Who may run and approve payments: the organiser's own users (admin and staff), nobody else."""

from vouchers.permissions import membership_of


def payments_organiser_id(user) -> int | None:
    """The organiser whose payment runs the user may see, start and approve; None for everyone else."""
    membership = membership_of(user)
    if membership is None or not membership.is_organiser:
        return None
    return membership.organiser_id


def can_run_payments(user) -> bool:
    return payments_organiser_id(user) is not None
