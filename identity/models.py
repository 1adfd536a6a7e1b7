"""An invitation binds a person's strong identity to a PSOP user: the organisation's admin invites,
the person opens the one-time link and signs in with an identity provider (identity.services)."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_digest(token: str) -> str:
    """What is stored of a link's token: its SHA-256 (the token itself is only in the link)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


class InvitationQuerySet(models.QuerySet):
    def open_on(self, moment):
        """Neither used, withdrawn nor expired at ``moment``."""
        return self.filter(used_at__isnull=True, withdrawn_at__isnull=True, expires_at__gt=moment)


class Invitation(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="invitations", verbose_name=_("kutsuttu käyttäjä")
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("kutsuja"),
    )
    token_digest = models.CharField(_("linkin tiiviste"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)
    expires_at = models.DateTimeField(_("vanhenee"))
    used_at = models.DateTimeField(_("käytetty"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("peruttu"), null=True, blank=True)
    # The identity the link bound: provider id and subject (never a henkilötunnus).
    bound_provider = models.CharField(_("tunnistuspalvelu"), max_length=200, blank=True)
    bound_subject = models.CharField(_("tunniste"), max_length=255, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kutsu")
        verbose_name_plural = _("kutsut")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(expires_at__gt=F("created_at")), name="invitation_expires_after_created"),
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | (~Q(bound_provider="") & ~Q(bound_subject="")),
                name="invitation_used_names_identity",
            ),
            # One open invitation per user at a time: a new one withdraws the old (identity.services).
            models.UniqueConstraint(
                fields=["user"], condition=Q(used_at__isnull=True, withdrawn_at__isnull=True),
                name="invitation_one_open_per_user",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.created_at:%d.%m.%Y})"

    def is_open(self, moment=None) -> bool:
        moment = moment or timezone.now()
        return self.used_at is None and self.withdrawn_at is None and self.expires_at > moment
