"""A voucher's history of decisions (Muutoshistoria): granted, changed (amounts, validity,
contents) and closed, each with who, when and why. Append-only: rows are written by grants.services."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vouchers.models import Voucher


class CloseReason(models.TextChoices):
    NEED_ENDED = "need_ended", _("Palvelun tarve on päättynyt")
    OTHER_SERVICE = "other_service", _("Asiakas siirtyi muuhun palveluun")
    MOVED = "moved", _("Asiakas muutti pois alueelta")
    DECEASED = "deceased", _("Asiakas on kuollut")
    CUSTOMER_REQUEST = "customer_request", _("Asiakkaan pyynnöstä")
    GRANTED_IN_ERROR = "granted_in_error", _("Myönnetty virheellisesti")
    OTHER = "other", _("Muu syy")


class VoucherChange(models.Model):
    class Kind(models.TextChoices):
        GRANTED = "granted", _("Myönnetty")
        CHANGED = "changed", _("Muutettu")
        CLOSED = "closed", _("Suljettu")

    voucher = models.ForeignKey(Voucher, models.CASCADE, related_name="changes", verbose_name=_("ostovoima"))
    at = models.DateTimeField(_("aika"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("käyttäjä")
    )
    # Who, as the row was written (a user may be renamed or removed later); an API key's name.
    actor = models.CharField(_("tekijä"), max_length=200, blank=True)
    kind = models.CharField(_("muutos"), max_length=16, choices=Kind.choices)
    reason = models.CharField(_("perustelu"), max_length=500, blank=True)
    close_reason = models.CharField(_("sulkemisen syy"), max_length=32, choices=CloseReason.choices, blank=True)
    # What changed: [{"field": "valid_to", "old": "31.12.2026", "new": "30.6.2027"}, {"content": "Kotihoitotunti",
    # "field": "quantity", "old": "40", "new": "60"}, …], values as shown to people.
    changes = models.JSONField(_("muutokset"), default=list, blank=True)

    class Meta:
        verbose_name = _("ostovoiman muutos")
        verbose_name_plural = _("ostovoimien muutokset")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["voucher", "-at", "-id"], name="voucherchange_voucher_at")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="closed") | ~models.Q(close_reason=""), name="voucherchange_close_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="changed") | ~models.Q(reason=""), name="voucherchange_change_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.voucher} {self.get_kind_display()} {self.at:%d.%m.%Y}"
