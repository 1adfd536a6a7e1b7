"""Notifications (ilmoitukset) to a provider: the organiser booked on its behalf, rejected or
credited one of its events, or approved a payment run. The text is made when shown, from the
kind and its parameters, in the reader's language."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.money import format_euros, parse_decimal
from organisations.models import Provider


class NotificationKind(models.TextChoices):
    ON_BEHALF = "on_behalf", _("Varaus puolestanne")
    REJECTED = "rejected", _("Tapahtuma hylätty")
    CREDITED = "credited", _("Tapahtuma hyvitetty")
    PAYMENT_APPROVED = "payment_approved", _("Maksatus hyväksytty")


TEXTS = {
    NotificationKind.ON_BEHALF: _("%(organiser)s teki palveluvarauksen puolestanne: ostovoima %(number)s."),
    NotificationKind.REJECTED: _(
        "%(organiser)s hylkäsi tapahtuman %(day)s (ostovoima %(number)s). Perustelu: %(reason)s"
    ),
    NotificationKind.CREDITED: _(
        "%(organiser)s hyvitti tapahtuman %(day)s (ostovoima %(number)s). Selite: %(explanation)s"
    ),
    NotificationKind.PAYMENT_APPROVED: _("%(organiser)s hyväksyi maksatuksen %(month)s: %(amount)s."),
}


class Notification(models.Model):
    provider = models.ForeignKey(
        Provider, models.CASCADE, related_name="notifications", verbose_name=_("palveluntuottaja")
    )
    kind = models.CharField(_("laji"), max_length=32, choices=NotificationKind.choices)
    params = models.JSONField(_("tiedot"), default=dict, blank=True)
    link = models.CharField(_("linkki"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True, db_default=models.functions.Now())
    read_at = models.DateTimeField(_("luettu"), null=True, blank=True)

    class Meta:
        verbose_name = _("ilmoitus")
        verbose_name_plural = _("ilmoitukset")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The list, newest first; and the header's badge: the unread ones only (a small partial index).
            models.Index(fields=["provider", "-id"], name="notification_provider_newest"),
            models.Index(fields=["provider"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self):
        return f"{self.provider}: {self.get_kind_display()}"

    @property
    def text(self) -> str:
        params = {"organiser": "", "number": "", "day": "", "reason": "", "explanation": "", "month": "", "amount": ""}
        params.update(self.params or {})
        if params["amount"]:
            # Stored as a plain figure ("1234.50"); written as the reader writes money.
            params["amount"] = format_euros(parse_decimal(str(params["amount"])), get_language())
        return str(TEXTS[NotificationKind(self.kind)]) % params

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
