"""Who may see and do what, in one place. Views call these through selectors and services."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from vouchers.models import Membership


def membership_of(user) -> Membership | None:
    """The user's organisation membership, or None (e.g. an admin with no organisation)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_psop_membership"):
        user._psop_membership = (
            Membership.objects.select_related("provider", "organiser").filter(user_id=user.pk).first()
        )
    return user._psop_membership


def is_provider_user(user) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.is_provider


def is_organiser_user(user) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.is_organiser


def is_organiser_admin(user) -> bool:
    """Organiser admins read the audit log of their organiser's customers."""
    membership = membership_of(user)
    return membership is not None and membership.role == Membership.Role.ORGANISER_ADMIN


def can_manage_organisation(user) -> bool:
    """Admins of a provider or organiser manage its users, units and offices; recorders do not."""
    membership = membership_of(user)
    return membership is not None and membership.role in (
        Membership.Role.PROVIDER_ADMIN,
        Membership.Role.ORGANISER_ADMIN,
    )


def records_only(user) -> bool:
    """A recorder (kirjaaja) only records events: no reservations, customerships or management."""
    membership = membership_of(user)
    return membership is not None and membership.role == Membership.Role.RECORDER


def member_required(view):
    """Login required, and the user must belong to a provider or an organiser (else 403)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if membership_of(request.user) is None:
            raise PermissionDenied("no organisation")
        return view(request, *args, **kwargs)

    return wrapper
