from functools import cached_property

from notifications.selectors import BADGE_CAP, unread_count


class UnreadBadge:
    """The header's "Ilmoitukset" badge: counted only when a page shows it (provider users)."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        return unread_count(self.user)

    @property
    def more(self) -> bool:
        return self.count > BADGE_CAP

    @property
    def shown(self) -> int:
        return min(self.count, BADGE_CAP)


def notifications(request):
    return {"notifications_badge": UnreadBadge(getattr(request, "user", None))}
