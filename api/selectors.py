"""The organisation's API keys, for its admins only."""

from api.models import ApiKey
from organisations import permissions


def keys_for_admin(user):
    """The keys of the admin's own organisation (none for anyone else), newest first."""
    if not permissions.can_manage_organisation(user):
        return ApiKey.objects.none()
    keys = ApiKey.objects.select_related("created_by")
    return permissions.scope(user, keys, provider="provider", organiser="organiser").order_by("-created_at", "-id")
