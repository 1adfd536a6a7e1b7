"""Notifications (ilmoitukset) to a provider: the organiser booked on its behalf, rejected or
credited one of its events, or approved a payment run; and about applications and rulebooks
(issue 24), to a provider or to an organiser (an application was sent to it). The text is made when shown, from the
kind and its parameters, in the reader's language."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.money import format_euros, parse_decimal
from organisations.models import Organiser, Provider


class NotificationKind(models.TextChoices):
    ON_BEHALF = "on_behalf", _("Varaus puolestanne")
    REJECTED = "rejected", _("Tapahtuma hylätty")
    CREDITED = "credited", _("Tapahtuma hyvitetty")
    PAYMENT_APPROVED = "payment_approved", _("Maksatus hyväksytty")
    # Hakeutuminen (issue 24)
    APPLICATION_SENT = "application_sent", _("Uusi hakemus")
    APPLICATION_APPROVED = "application_approved", _("Hakemus hyväksytty")
    APPLICATION_REJECTED = "application_rejected", _("Hakemus hylätty")
    COMPLETION_REQUESTED = "completion_requested", _("Hakemusta pyydetään täydentämään")
    RULEBOOK_PUBLISHED = "rulebook_published", _("Uusi sääntökirja")
    RULEBOOK_REMINDER = "rulebook_reminder", _("Sääntökirja hyväksymättä")
    AGREEMENT_ENDED = "agreement_ended", _("Palvelusopimus päättyi")


TEXTS = {
    NotificationKind.ON_BEHALF: _("%(organiser)s teki palveluvarauksen puolestanne: ostovoima %(number)s."),
    NotificationKind.REJECTED: _(
        "%(organiser)s hylkäsi tapahtuman %(day)s (ostovoima %(number)s). Perustelu: %(reason)s"
    ),
    NotificationKind.CREDITED: _(
        "%(organiser)s hyvitti tapahtuman %(day)s (ostovoima %(number)s). Selite: %(explanation)s"
    ),
    NotificationKind.PAYMENT_APPROVED: _("%(organiser)s hyväksyi maksatuksen %(month)s: %(amount)s."),
    NotificationKind.APPLICATION_SENT: _("%(company)s lähetti hakemuksen palveluun %(service)s."),
    NotificationKind.APPLICATION_APPROVED: _(
        "%(organiser)s hyväksyi hakemuksenne palveluun %(service)s. Palvelusopimus on voimassa %(day)s alkaen."),
    NotificationKind.APPLICATION_REJECTED: _(
        "%(organiser)s hylkäsi hakemuksenne palveluun %(service)s. Perustelu: %(reason)s"),
    NotificationKind.COMPLETION_REQUESTED: _(
        "%(organiser)s pyytää täydentämään hakemustanne palveluun %(service)s: %(reason)s"),
    NotificationKind.RULEBOOK_PUBLISHED: _(
        "%(organiser)s julkaisi palvelun %(service)s sääntökirjan version %(version)s. Hyväksykää se viimeistään "
        "%(day)s; muuten palvelusopimus päättyy sinä päivänä."),
    NotificationKind.RULEBOOK_REMINDER: _(
        "Muistutus: palvelun %(service)s sääntökirjan versio %(version)s (%(organiser)s) on hyväksymättä. Jos sitä ei "
        "hyväksytä viimeistään %(day)s, palvelusopimus päättyy sinä päivänä."),
    NotificationKind.AGREEMENT_ENDED: _(
        "Palvelusopimus palvelusta %(service)s (%(organiser)s) päättyi %(day)s, koska sääntökirjan versiota "
        "%(version)s ei hyväksytty määräpäivään mennessä."),
}


class Notification(models.Model):
    # To a provider's users, or to an organiser's (issue 24: an application was sent to it).
    provider = models.ForeignKey(
        Provider, models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("palveluntuottaja"),
    )
    organiser = models.ForeignKey(
        Organiser, models.CASCADE, null=True, blank=True, related_name="notifications",
        verbose_name=_("palvelunjärjestäjä"),
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
            models.Index(fields=["organiser", "-id"], name="notification_organiser_newest",
                         condition=Q(organiser__isnull=False)),
            models.Index(fields=["organiser"], condition=Q(read_at__isnull=True, organiser__isnull=False),
                         name="notification_organiser_unread"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(provider__isnull=False, organiser__isnull=True)
                | Q(provider__isnull=True, organiser__isnull=False),
                name="notification_one_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.provider or self.organiser}: {self.get_kind_display()}"

    @property
    def text(self) -> str:
        params = {"organiser": "", "number": "", "day": "", "reason": "", "explanation": "", "month": "", "amount": "",
                  "company": "", "service": "", "version": ""}
        params.update(self.params or {})
        if params["amount"]:
            # Stored as a plain figure ("1234.50"); written as the reader writes money.
            params["amount"] = format_euros(parse_decimal(str(params["amount"])), get_language())
        return str(TEXTS[NotificationKind(self.kind)]) % params

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
