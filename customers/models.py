"""Capitation customerships (asiakkuus): the customer is a provider's customer at one office."""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.db import date_range, ordered_range_check
from organisations.models import CopiesOrganiser, Office, Provider
from vouchers.models import Voucher, end_with_voucher, voucher_in_force_during_q


class CustomershipQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date):
        """THE rule of a customership in force on ``day`` (``Customership.in_force_on`` for one
        row): begun by then, its own end not before it, and its voucher in force on it."""
        return self.touching(day, day)

    def touching(self, first: dt.date, last: dt.date):
        """Each of the customership's bounds and its voucher's reach into ``first``–``last``: exact
        for one day (``in_force_on``); for a longer span ``customerships_valid_in_month`` keeps
        those whose first and last day in force there do not cross."""
        return self.filter(
            Q(end_date__isnull=True) | Q(end_date__gte=first),
            voucher_in_force_during_q(first, last),
            start_date__lte=last,
        )


class Customership(CopiesOrganiser):
    voucher = models.ForeignKey(Voucher, models.PROTECT, related_name="customerships", verbose_name=_("ostovoima"))
    provider = models.ForeignKey(Provider, models.PROTECT, related_name="customerships", verbose_name=_("palveluntuottaja"))
    office = models.ForeignKey(Office, models.PROTECT, related_name="customerships", verbose_name=_("toimipaikka"))
    start_date = models.DateField(_("alkaa"))
    end_date = models.DateField(_("päättyy"), null=True, blank=True)
    locked_until = models.DateField(_("aikarajaus päättyy"))
    approvals_accepted = models.BooleanField(_("hyväksynnät merkitty"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("tekijä"))
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)
    on_behalf = models.BooleanField(_("tehty palveluntuottajan puolesta"), default=False)
    transferred_from = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("siirretty asiakkuudesta")
    )
    reason = models.TextField(_("peruste"), max_length=2000, blank=True)

    organiser_from = "voucher"

    objects = CustomershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("asiakkuus")
        verbose_name_plural = _("asiakkuudet")
        ordering = ["voucher", "-start_date"]
        indexes = [models.Index(fields=["organiser", "start_date"], name="customership_organiser_start")]
        constraints = [
            ordered_range_check("customership_ordered_dates", start="start_date", end="end_date"),
            models.CheckConstraint(
                condition=Q(locked_until__gte=F("start_date")),
                name="customership_lock_after_start",
                violation_error_message=_("Aikarajaus ei voi päättyä ennen asiakkuuden alkua."),
            ),
            models.CheckConstraint(condition=Q(approvals_accepted=True), name="customership_approvals_accepted"),
            ExclusionConstraint(
                name="customership_no_overlap",
                expressions=[
                    ("voucher", RangeOperators.EQUAL),
                    (date_range("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Ostovoimalla on jo asiakkuus tälle ajalle."),
            ),
        ]

    def __str__(self):
        return f"{self.voucher} – {self.provider} / {self.office}"

    @property
    def effective_end(self) -> dt.date:
        """Its own end or the voucher's effective end, whichever is earlier (``end_with_voucher``):
        a customership until further notice ends with its voucher."""
        return end_with_voucher(self.end_date, self.voucher)

    @property
    def end_cause(self) -> str:
        """Why it ends on ``effective_end``: "own" (its end date), "closed" (the voucher was closed)
        or "voucher" (until further notice: it ends with the voucher's ``valid_to``)."""
        if self.end_date is not None and self.end_date == self.effective_end:
            return "own"
        return "closed" if self.effective_end == self.voucher.closed_on else "voucher"

    def in_force_on(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.effective_end and self.voucher.in_force_on(day)

    def lock_in_running(self, day: dt.date) -> bool:
        """Inside the lock-in (aikarajaus) on ``day``: the customer cannot switch providers by
        themselves; ``locked_until`` is the lock-in's last day."""
        return self.locked_until >= day
