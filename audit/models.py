"""An append-only log of who read or changed a customer's personal data."""

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.codes import render


# A row is about customers when it names one (customer_id) or a list read's several (customer_ids).
ABOUT_CUSTOMERS = models.Q(customer_id__isnull=False) | models.Q(customer_ids__isnull=False)


class AuditEntryQuerySet(models.QuerySet):
    def about_customers(self):
        return self.filter(ABOUT_CUSTOMERS)

    def about(self, customer_id: int):
        """The rows about one customer: its own reads and changes, and the list reads that showed it."""
        return self.filter(models.Q(customer_id=customer_id) | models.Q(customer_ids__contains=[customer_id]))

    def about_any(self, customers):
        """The rows about any of ``customers`` (a queryset of customers)."""
        ids = customers.values("pk")
        return self.filter(models.Q(customer_id__in=ids) | models.Q(customer_ids__overlap=ArraySubquery(ids)))


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        READ = "read", _("Luku")
        CHANGE = "change", _("Muutos")

    at = models.DateTimeField(_("aika"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("käyttäjä"),
    )
    username = models.CharField(_("käyttäjätunnus"), max_length=150, blank=True)
    organisation = models.CharField(_("organisaatio"), max_length=200, blank=True)
    customer_id = models.BigIntegerField(_("asiakas (tunniste)"), null=True, blank=True, db_index=True)
    # A list read that showed several customers is one row naming them all (customer_id empty): a list
    # of 50 vouchers writes one row, not 50. Searched through the GIN index (``.about(customer_id)``).
    customer_ids = ArrayField(
        models.BigIntegerField(), verbose_name=_("asiakkaat (tunnisteet)"), null=True, blank=True
    )
    action = models.CharField(_("toimenpide"), max_length=16, choices=Action.choices)
    # The organiser whose data was read or changed (the voucher's organiser; for organiser users their
    # own): an organiser's admins see their rows only, though one person may hold vouchers of two.
    organiser_id = models.BigIntegerField(_("palvelunjärjestäjä (tunniste)"), null=True, blank=True)
    code = models.CharField(_("toimenpidekoodi"), max_length=40, blank=True)
    params = models.JSONField(_("parametrit"), default=dict, blank=True)
    what = models.CharField(_("kohde"), max_length=300)
    # The path only: a query string can carry a henkilötunnus or a name.
    path = models.CharField(_("osoite"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP-osoite"), null=True, blank=True)
    # How the session signed in (core.assurance): "OpenID Connect (suomifi; acr …)", "Salasana", …
    auth_method = models.CharField(_("tunnistautumistapa"), max_length=200, blank=True, db_default="")

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("lokimerkintä")
        verbose_name_plural = _("lokimerkinnät")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(
                fields=["organiser_id", "-at", "-id"],
                condition=ABOUT_CUSTOMERS,
                name="audit_organiser_subject_at_idx",
            ),
            GinIndex(fields=["customer_ids"], name="audit_customer_ids_gin"),
        ]

    @property
    def text(self) -> str:
        """What was read or changed, in the reader's language."""
        return render(self.code, self.params, fallback=self.what)

    def __str__(self):
        return f"{self.at:%d.%m.%Y %H.%M} {self.username} {self.get_action_display()} {self.what}"
