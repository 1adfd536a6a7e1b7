"""What an organisation's admin sees of their own organisation: its members, units and offices.

Everything is scoped to the admin's own provider or organiser; anyone else gets empty querysets."""

from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone

from organisations import permissions
from organisations.models import Membership, Office, Provider, ProviderUnit


def admin_membership(user) -> Membership | None:
    """The user's membership if they are an admin of their organisation, else None."""
    if not permissions.can_manage_organisation(user):
        return None
    return permissions.membership_of(user)


def organisation_members(user):
    """The memberships of the admin's own organisation, by name."""
    membership = admin_membership(user)
    if membership is None:
        return Membership.objects.none()
    members = Membership.objects.select_related("user")
    if membership.is_provider:
        members = members.filter(provider_id=membership.provider_id)
    else:
        members = members.filter(organiser_id=membership.organiser_id)
    return members.order_by("user__last_name", "user__first_name", "user__username")


def organisation_member(user, user_id) -> Membership | None:
    """One member of the admin's own organisation, or None (someone else's user, or no such user)."""
    return organisation_members(user).filter(user_id=user_id).first()


def locked_usernames(usernames) -> set[str]:
    """Of these usernames, those locked out by django-axes from some address: failures reached the
    limit within the cool-off (``AXES_COOLOFF_TIME``)."""
    return set(
        AccessAttempt.objects.filter(
            username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
            attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME,
        ).values_list("username", flat=True)
    )


def is_locked_out(username: str) -> bool:
    return bool(locked_usernames([username]))


def organisation_units(user):
    """The units of the admin's own provider (none for organisers and non-admins)."""
    membership = admin_membership(user)
    if membership is None or not membership.is_provider:
        return ProviderUnit.objects.none()
    return ProviderUnit.objects.filter(provider_id=membership.provider_id).order_by("-is_default", "name")


def organisation_offices(user):
    """The offices of the admin's own provider (none for organisers and non-admins)."""
    membership = admin_membership(user)
    if membership is None or not membership.is_provider:
        return Office.objects.none()
    return Office.objects.filter(provider_id=membership.provider_id).order_by("name")


def organisation_provider(user) -> Provider | None:
    """The admin's own provider (None for organisers and non-admins)."""
    membership = admin_membership(user)
    if membership is None or not membership.is_provider:
        return None
    return Provider.objects.get(pk=membership.provider_id)
