"""A provider's notifications, as far as the user may see them."""

from notifications.models import Notification
from organisations import permissions

BADGE_CAP = 99


def notifications_for_user(user):
    """Provider users: their provider's notifications, newest first; organiser users: their
    organiser's (issue 24). Anyone else: none."""
    return permissions.scope(user, Notification.objects.all(), provider="provider", organiser="organiser").order_by("-id")


def unread_count(user) -> int:
    """How many of the provider's notifications are unread, counted up to BADGE_CAP + 1 (one query
    on the partial index ``notification_unread``)."""
    if not permissions.is_member(user):
        return 0
    return notifications_for_user(user).filter(read_at__isnull=True).order_by()[: BADGE_CAP + 1].count()
