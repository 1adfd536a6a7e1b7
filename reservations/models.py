"""Service reservations (palveluvaraus): a provider's booking of one voucher."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from organisations.models import CopiesOrganiser, Provider, ProviderUnit
from vouchers.models import Voucher, VoucherContent, end_with_voucher, not_ended_with_voucher_q


class ReservationQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date):
        """Reservations in force on ``day``: not ended before it. A reservation is in force from
        when it was made through its effective end (``Reservation.effective_end``); one made on a
        voucher that begins later is in force already."""
        return self.filter(not_ended_with_voucher_q(day, own_end="ended_on"))

    def ended_before(self, day: dt.date):
        return self.exclude(not_ended_with_voucher_q(day, own_end="ended_on"))


class Reservation(CopiesOrganiser):
    """A provider's booking of one voucher, for one of its contents. A voucher is reserved once."""

    voucher = models.OneToOneField(Voucher, models.PROTECT, related_name="reservation", verbose_name=_("ostovoima"))
    voucher_content = models.ForeignKey(
        VoucherContent, models.PROTECT, related_name="reservations", verbose_name=_("palvelusisältö")
    )
    provider = models.ForeignKey(Provider, models.PROTECT, related_name="reservations", verbose_name=_("palveluntuottaja"))
    unit = models.ForeignKey(ProviderUnit, models.PROTECT, related_name="reservations", verbose_name=_("palveluntuottajaosa"))
    event_text = models.TextField(_("tapahtumavaraus"), max_length=2000, blank=True)
    terms_accepted = models.BooleanField(_("sopimusehdot hyväksytty"))
    on_behalf = models.BooleanField(_("tehty palveluntuottajan puolesta"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("tekijä")
    )
    created_at = models.DateTimeField(_("tehty"), auto_now_add=True)
    ended_on = models.DateField(_("päättynyt"), null=True, blank=True)

    organiser_from = "voucher"

    objects = ReservationQuerySet.as_manager()

    class Meta:
        verbose_name = _("palveluvaraus")
        verbose_name_plural = _("palveluvaraukset")
        ordering = ["-created_at"]
        indexes = [
            # The "Palveluvaraukset" list, newest first, walked from a keyset cursor: a provider's
            # own, an organiser's, and everyone's (the admin).
            models.Index(fields=["provider", "-created_at", "-id"], name="reservation_provider_newest"),
            models.Index(fields=["organiser", "-created_at", "-id"], name="reservation_organiser_newest"),
            models.Index(fields=["-created_at", "-id"], name="reservation_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(terms_accepted=True), name="reservation_terms_accepted"),
        ]

    def __str__(self):
        return f"{self.voucher} – {self.provider}"

    @property
    def effective_end(self) -> dt.date:
        """Its own end or the voucher's effective end, whichever is earlier (``end_with_voucher``)."""
        return end_with_voucher(self.ended_on, self.voucher)
