"""The customer's choice of a provider (issue 25, item 3): "Valitse tämä palveluntuottaja".

A choice waits for the provider, who confirms it with the existing flow (a reservation, or for a
capitation voucher a customership) or declines it with a reason the customer sees. Whether it is
confirmed is derived, not copied: the voucher has a reservation or customership of the chosen
provider (choice.selectors). Only the pending and the declined state are written here."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import Provider
from vouchers.models import Voucher


class ChoiceState(models.TextChoices):
    PENDING = "pending", _("Odottaa palveluntuottajaa")
    DECLINED = "declined", _("Palveluntuottaja ei ottanut vastaan")
    WITHDRAWN = "withdrawn", _("Peruttu")

    @classmethod
    def transitions(cls) -> dict[str, set[str]]:
        return {cls.PENDING: {cls.DECLINED, cls.WITHDRAWN}, cls.DECLINED: set(), cls.WITHDRAWN: set()}


class ProviderChoice(models.Model):
    voucher = models.ForeignKey(Voucher, models.CASCADE, related_name="+", verbose_name=_("ostovoima"))
    provider = models.ForeignKey(Provider, models.PROTECT, related_name="+", verbose_name=_("palveluntuottaja"))
    state = models.CharField(_("tila"), max_length=16, choices=ChoiceState.choices, default=ChoiceState.PENDING)
    made_at = models.DateTimeField(_("valittu"), auto_now_add=True)
    decided_at = models.DateTimeField(_("käsitelty"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("käsittelijä"))
    reason = models.TextField(_("perustelu"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("asiakkaan valinta")
        verbose_name_plural = _("asiakkaiden valinnat")
        ordering = ["-made_at", "-id"]
        constraints = [
            # One pending choice per voucher: a new choice withdraws the old (choice.services), and
            # two at once meet here.
            models.UniqueConstraint(fields=["voucher"], condition=Q(state="pending"), name="providerchoice_one_pending"),
            models.CheckConstraint(condition=~Q(state="declined") | ~Q(reason=""),
                                   name="providerchoice_declined_with_reason"),
        ]
        indexes = [
            models.Index(fields=["provider", "-made_at"], condition=Q(state="pending"),
                         name="choice_pending_by_provider"),
        ]

    def __str__(self):
        return f"{self.voucher} → {self.provider}"
