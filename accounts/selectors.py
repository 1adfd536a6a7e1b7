"""Questions about accounts."""

from accounts.models import PasswordState


def must_change_password(user) -> bool:
    """The user's password was typed by an admin and they have not chosen their own yet."""
    return PasswordState.objects.filter(user_id=user.pk, must_change=True).exists()
