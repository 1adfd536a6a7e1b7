"""Who: organisers (wellbeing services counties), providers with their units and offices
(toimipaikat), and users' memberships in them. The tables keep their original names."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.validators import validate_business_id


def strong_auth_only_default() -> bool:
    """A new organisation refuses password logins in production (settings.STRONG_AUTH_ONLY_DEFAULT).
    A row written past the ORM (load_scale's SQL) gets the database's default, False."""
    return settings.STRONG_AUTH_ONLY_DEFAULT


class Organiser(models.Model):
    name = models.CharField(_("nimi"), max_length=200, unique=True)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, unique=True, validators=[validate_business_id])
    support_contact = models.CharField(_("PSOP-tuen yhteystiedot"), max_length=300, blank=True)
    strong_auth_only = models.BooleanField(
        _("vain vahva tunnistautuminen"), default=strong_auth_only_default, db_default=False,
        help_text=_("Käyttäjät kirjautuvat vain tunnistuspalvelun kautta; salasanalla kirjautuminen estetään."),
    )

    class Meta:
        db_table = "vouchers_organiser"
        verbose_name = _("palvelunjärjestäjä")
        verbose_name_plural = _("palvelunjärjestäjät")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CopiesOrganiser(models.Model):
    """A row that carries its parent's organiser (``organiser_from``: "voucher" or "reservation"),
    so that an organiser's rows are found by index within the organiser (its lists, its review
    queue, its payment runs; the distribution column Citus would use). A composite foreign key
    (parent, organiser) -> parent (id, organiser) ON UPDATE CASCADE keeps the copy equal to the
    parent's (reservations/0005, customers/0003, events/0008). Filled from the parent when the
    row is validated or saved; a bulk insert sets it itself."""

    organiser_from: str

    organiser = models.ForeignKey(
        Organiser, models.PROTECT, related_name="+", verbose_name=_("palvelunjärjestäjä"), editable=False,
        db_index=False,
    )

    class Meta:
        abstract = True

    def copy_organiser(self) -> None:
        """Fill the copy from the parent: save and validation call this, a bulk insert calls it itself."""
        if self.organiser_id is None and getattr(self, f"{self.organiser_from}_id") is not None:
            self.organiser_id = getattr(self, self.organiser_from).organiser_id

    def clean_fields(self, exclude=None):
        # Not validated with a query of its own: it is the parent's, and the database keeps it so.
        self.copy_organiser()
        super().clean_fields(exclude={*(exclude or ()), "organiser"})

    def save(self, *args, **kwargs):
        self.copy_organiser()
        super().save(*args, **kwargs)


class ServiceLanguage(models.TextChoices):
    """A language a provider serves its customers in (the public comparison filters by it)."""

    FINNISH = "fi", _("suomi")
    SWEDISH = "sv", _("ruotsi")
    ENGLISH = "en", _("englanti")
    SAMI = "se", _("saame")
    RUSSIAN = "ru", _("venäjä")
    ESTONIAN = "et", _("viro")
    ARABIC = "ar", _("arabia")
    SOMALI = "so", _("somali")


PROVIDER_DESCRIPTION_MAX_LENGTH = 1000


class Provider(models.Model):
    name = models.CharField(_("nimi"), max_length=200)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, unique=True, validators=[validate_business_id])
    support_contact = models.CharField(_("tuen yhteystiedot"), max_length=300, blank=True, db_default="")
    # What customers read of the provider on the public comparison (issue 25): written by its admin
    # on Organisaatio → Esittely.
    description = models.TextField(_("esittely"), max_length=PROVIDER_DESCRIPTION_MAX_LENGTH, blank=True, db_default="")
    languages = ArrayField(
        models.CharField(max_length=8, choices=ServiceLanguage.choices), verbose_name=_("palvelukielet"),
        default=list, blank=True, db_default=models.Value([], output_field=ArrayField(models.CharField(max_length=8))),
    )
    strong_auth_only = models.BooleanField(
        _("vain vahva tunnistautuminen"), default=strong_auth_only_default, db_default=False,
        help_text=_("Käyttäjät kirjautuvat vain tunnistuspalvelun kautta; salasanalla kirjautuminen estetään."),
    )

    class Meta:
        db_table = "vouchers_provider"
        verbose_name = _("palveluntuottaja")
        verbose_name_plural = _("palveluntuottajat")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ProviderUnit(models.Model):
    """A part of a provider that makes reservations; the default unit is the company itself."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="units", verbose_name=_("palveluntuottaja"))
    name = models.CharField(_("nimi"), max_length=200)
    is_default = models.BooleanField(_("oletus"), default=False)

    class Meta:
        db_table = "vouchers_providerunit"
        verbose_name = _("palveluntuottajaosa")
        verbose_name_plural = _("palveluntuottajaosat")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider"],
                condition=Q(is_default=True),
                name="providerunit_one_default_per_provider",
                violation_error_message=_("Palveluntuottajalla voi olla vain yksi oletusosa."),
            ),
            models.UniqueConstraint(fields=["provider", "name"], name="providerunit_unique_name"),
        ]

    def __str__(self):
        return self.name


class Office(models.Model):
    """A provider's service location (toimipaikka)."""

    provider = models.ForeignKey(Provider, models.CASCADE, related_name="offices", verbose_name=_("palveluntuottaja"))
    name = models.CharField(_("nimi"), max_length=200)
    street_address = models.CharField(_("katuosoite"), max_length=200, blank=True)
    municipality = models.CharField(_("kunta"), max_length=100, blank=True)
    postal_code = models.CharField(_("postinumero"), max_length=5, blank=True, db_default="")

    class Meta:
        db_table = "vouchers_office"
        verbose_name = _("toimipaikka")
        verbose_name_plural = _("toimipaikat")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="office_unique_name")]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's place in one organisation: a provider or an organiser, with a role."""

    class Role(models.TextChoices):
        PROVIDER_ADMIN = "provider_admin", _("Palveluntuottajan pääkäyttäjä")
        RECORDER = "recorder", _("Kirjaaja")
        ORGANISER_ADMIN = "organiser_admin", _("Palvelunjärjestäjän pääkäyttäjä")
        ORGANISER_STAFF = "organiser_staff", _("Palvelunjärjestäjän käsittelijä")

    PROVIDER_ROLES = (Role.PROVIDER_ADMIN, Role.RECORDER)
    ORGANISER_ROLES = (Role.ORGANISER_ADMIN, Role.ORGANISER_STAFF)

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="membership", verbose_name=_("käyttäjä")
    )
    provider = models.ForeignKey(
        Provider, models.CASCADE, null=True, blank=True, related_name="members", verbose_name=_("palveluntuottaja")
    )
    organiser = models.ForeignKey(
        Organiser, models.CASCADE, null=True, blank=True, related_name="members", verbose_name=_("palvelunjärjestäjä")
    )
    role = models.CharField(_("rooli"), max_length=32, choices=Role.choices)

    class Meta:
        db_table = "vouchers_membership"
        verbose_name = _("jäsenyys")
        verbose_name_plural = _("jäsenyydet")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(provider__isnull=False, organiser__isnull=True, role__in=["provider_admin", "recorder"])
                    | Q(
                        provider__isnull=True,
                        organiser__isnull=False,
                        role__in=["organiser_admin", "organiser_staff"],
                    )
                ),
                name="membership_one_organisation_matching_role",
                violation_error_message=_("Käyttäjä kuuluu joko palveluntuottajaan tai palvelunjärjestäjään roolinsa mukaan."),
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.organisation} ({self.get_role_display()})"

    @property
    def organisation(self):
        return self.provider or self.organiser

    @property
    def is_provider(self) -> bool:
        return self.provider_id is not None

    @property
    def is_organiser(self) -> bool:
        return self.organiser_id is not None
