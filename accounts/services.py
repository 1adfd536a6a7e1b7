"""Changes to accounts: an admin-typed password must be changed; the user's own choice clears that."""

from django.db import transaction
from django.utils import timezone

from accounts.models import PasswordState


@transaction.atomic
def password_set_by_admin(*, user) -> None:
    """An admin typed ``user``'s password: the user must change it when they next log in."""
    PasswordState.objects.update_or_create(user=user, defaults={"must_change": True})


@transaction.atomic
def password_changed_by_user(*, user) -> None:
    """The user chose their own password (changed it, or reset it through the e-mail link)."""
    PasswordState.objects.filter(user=user, must_change=True).update(must_change=False, updated_at=timezone.now())
