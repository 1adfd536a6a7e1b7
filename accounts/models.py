"""A user's password state: whether it was typed by an admin and must be changed at the next login."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordState(models.Model):
    """One row per user whose password an admin has set (no row: nothing to do).

    ``must_change`` is on from the moment an admin types a password (the Organisaatio page's new
    user, the Django admin's add user or set password) until the user chooses their own."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="password_state",
        verbose_name=_("käyttäjä"),
    )
    must_change = models.BooleanField(_("vaihdettava ensimmäisellä kirjautumisella"), default=False)
    updated_at = models.DateTimeField(_("muutettu"), auto_now=True)

    class Meta:
        verbose_name = _("salasanan tila")
        verbose_name_plural = _("salasanojen tilat")

    def __str__(self):
        return f"{self.user}: {'vaihdettava' if self.must_change else 'käyttäjän oma'}"
