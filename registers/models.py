"""The history of an organiser's registers (Muutoshistoria): every change its admins make to its
services and their contents, its agreements with providers and their price lists, with who, when
and what (old → new). Append-only: rows are written by registers.services and never changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from organisations.models import Organiser


class RegisterChange(models.Model):
    class Subject(models.TextChoices):
        SERVICE = "service", _("Palvelu")
        CONTENT = "content", _("Palvelusisältö")
        AGREEMENT = "agreement", _("Palvelusopimus")
        PRICE_LIST = "price_list", _("Hinnasto")

    class Kind(models.TextChoices):
        CREATED = "created", _("Lisätty")
        CHANGED = "changed", _("Muutettu")

    organiser = models.ForeignKey(Organiser, models.PROTECT, related_name="+", verbose_name=_("palvelunjärjestäjä"))
    at = models.DateTimeField(_("aika"), auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("käyttäjä")
    )
    # Who, as the row was written (a user may be renamed or removed later).
    actor = models.CharField(_("tekijä"), max_length=200, blank=True)
    subject = models.CharField(_("kohde"), max_length=16, choices=Subject.choices)
    kind = models.CharField(_("muutos"), max_length=16, choices=Kind.choices)
    # Where the row is shown: the service's page (a service or one of its contents), the agreement's
    # (the agreement or one of its price lists) and the price list's. Plain ids, not foreign keys: the
    # history outlives what it tells of.
    service_id = models.BigIntegerField(_("palvelu (tunniste)"), null=True, blank=True)
    agreement_id = models.BigIntegerField(_("palvelusopimus (tunniste)"), null=True, blank=True)
    price_list_id = models.BigIntegerField(_("hinnasto (tunniste)"), null=True, blank=True)
    # What was changed, by name as people know it: "Kotihoito", "Kotihoito: Kotihoidon käynti",
    # "Hoiva Oy – Kotihoito", "Hinnasto 2027".
    label = models.CharField(_("nimi"), max_length=500)
    # [{"field": "Voimassa asti", "old": "", "new": "31.12.2026"}, …], values as shown to people.
    changes = models.JSONField(_("muutokset"), default=list, blank=True)

    class Meta:
        verbose_name = _("rekisterin muutos")
        verbose_name_plural = _("rekisterien muutokset")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["service_id", "-at", "-id"], name="registerchange_service_at",
                         condition=models.Q(service_id__isnull=False)),
            models.Index(fields=["agreement_id", "-at", "-id"], name="registerchange_agreement_at",
                         condition=models.Q(agreement_id__isnull=False)),
            models.Index(fields=["price_list_id", "-at", "-id"], name="registerchange_price_list_at",
                         condition=models.Q(price_list_id__isnull=False)),
            models.Index(fields=["organiser", "-at", "-id"], name="registerchange_organiser_at"),
        ]

    def __str__(self):
        return f"{self.label} {self.get_kind_display()} {self.at:%d.%m.%Y}"
