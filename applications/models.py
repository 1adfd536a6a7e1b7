"""Hakeutuminen (issue 24): an organiser's rulebooks (sääntökirjat) per service, versioned and never
edited once published; a company's sign-up; a provider's applications to become a voucher provider
of a service, with their offices, prices and attachments; and providers' acceptances of rulebook
versions. The rules are applications.services'; the database keeps what it can (a published
rulebook is immutable by trigger, one open application per company, organiser and service)."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.validators import validate_business_id
from organisations.models import Organiser, Provider
from vouchers.models import Service, ServiceAgreement, ServiceContent


def rulebook_file_path(instance, filename) -> str:
    """A stored file's path: a random name of our own (nothing of the uploader's name reaches it)."""
    return f"saantokirjat/{uuid.uuid4().hex}"


def application_file_path(instance, filename) -> str:
    return f"hakemukset/{uuid.uuid4().hex}"


class Pricing(models.TextChoices):
    FIXED = "fixed", _("Kiinteät hinnat")
    PROVIDER = "provider", _("Palveluntuottaja hinnoittelee enimmäishintaan asti")


class Rulebook(models.Model):
    """One published version of an organiser's rulebook for a service. Publishing makes a new row;
    a row is never changed (trigger ``rulebook_immutable``, migration 0002)."""

    organiser = models.ForeignKey(Organiser, models.PROTECT, related_name="+", verbose_name=_("palvelunjärjestäjä"))
    service = models.ForeignKey(Service, models.PROTECT, related_name="+", verbose_name=_("palvelu"))
    version = models.PositiveIntegerField(_("versio"))
    general_text = models.TextField(_("yleinen osa"))
    service_text = models.TextField(_("palvelukohtainen osa"))
    valid_from = models.DateField(_("voimassa alkaen"))
    accept_by = models.DateField(_("hyväksyttävä viimeistään"), null=True, blank=True)
    pricing = models.CharField(_("hinnoittelu"), max_length=16, choices=Pricing.choices)
    published_at = models.DateTimeField(_("julkaistu"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("julkaisija"))

    class Meta:
        verbose_name = _("sääntökirja")
        verbose_name_plural = _("sääntökirjat")
        ordering = ["organiser", "service", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["organiser", "service", "version"], name="rulebook_unique_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="rulebook_version_positive"),
        ]

    def __str__(self):
        return f"{self.service} {self.version}"


class RulebookPrice(models.Model):
    """A content's price in a rulebook version: the fixed price, or the most a provider may ask."""

    rulebook = models.ForeignKey(Rulebook, models.CASCADE, related_name="prices", verbose_name=_("sääntökirja"))
    content = models.ForeignKey(ServiceContent, models.PROTECT, related_name="+", verbose_name=_("palvelusisältö"))
    unit_price = models.DecimalField(_("hinta (€)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("sääntökirjan hinta")
        verbose_name_plural = _("sääntökirjan hinnat")
        constraints = [
            models.UniqueConstraint(fields=["rulebook", "content"], name="rulebookprice_unique_content"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="rulebookprice_not_negative"),
        ]


class RulebookAttachment(models.Model):
    rulebook = models.ForeignKey(Rulebook, models.CASCADE, related_name="attachments", verbose_name=_("sääntökirja"))
    file = models.FileField(_("tiedosto"), upload_to=rulebook_file_path, max_length=200)
    name = models.CharField(_("nimi"), max_length=200)
    content_type = models.CharField(_("tyyppi"), max_length=40)
    size = models.PositiveIntegerField(_("koko"))

    class Meta:
        verbose_name = _("sääntökirjan liite")
        verbose_name_plural = _("sääntökirjan liitteet")
        ordering = ["rulebook", "id"]


class RulebookAcceptance(models.Model):
    """A provider committed to a rulebook version: who and when ("Olen lukenut ja hyväksyn sääntökirjan")."""

    rulebook = models.ForeignKey(Rulebook, models.PROTECT, related_name="acceptances", verbose_name=_("sääntökirja"))
    provider = models.ForeignKey(Provider, models.CASCADE, related_name="+", verbose_name=_("palveluntuottaja"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("hyväksyjä"))
    accepted_name = models.CharField(_("hyväksyjän nimi"), max_length=200)
    accepted_at = models.DateTimeField(_("hyväksytty"), default=timezone.now)

    class Meta:
        verbose_name = _("sääntökirjan hyväksyntä")
        verbose_name_plural = _("sääntökirjan hyväksynnät")
        constraints = [models.UniqueConstraint(fields=["rulebook", "provider"], name="rulebookacceptance_once")]


class SignUp(models.Model):
    """A new company's sign-up: its details, the e-mail confirmed by a one-time link, and then the
    user who applies on its behalf (no provider exists until an application is approved)."""

    business_id = models.CharField(_("Y-tunnus"), max_length=9, validators=[validate_business_id])
    company_name = models.CharField(_("yrityksen nimi"), max_length=200)
    contact_name = models.CharField(_("yhteyshenkilö"), max_length=200)
    email = models.EmailField(_("sähköposti"))
    token_digest = models.CharField(_("linkin tiiviste"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)
    expires_at = models.DateTimeField(_("vanhenee"))
    confirmed_at = models.DateTimeField(_("vahvistettu"), null=True, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True,
                                related_name="signup", verbose_name=_("käyttäjä"))

    class Meta:
        verbose_name = _("rekisteröityminen")
        verbose_name_plural = _("rekisteröitymiset")
        constraints = [
            # One confirmed account per company: a second sign-up of the same Y-tunnus cannot confirm.
            models.UniqueConstraint(fields=["business_id"], condition=Q(confirmed_at__isnull=False),
                                    name="signup_one_confirmed_per_company"),
            models.CheckConstraint(condition=Q(confirmed_at__isnull=True) | Q(user__isnull=False),
                                   name="signup_confirmed_has_user"),
        ]

    def __str__(self):
        return f"{self.company_name} ({self.business_id})"


class ApplicationState(models.TextChoices):
    """An application's states and the moves between them, declared once."""

    DRAFT = "draft", _("Luonnos")
    SENT = "sent", _("Lähetetty")
    COMPLETION = "completion", _("Täydennettävänä")
    APPROVED = "approved", _("Hyväksytty")
    REJECTED = "rejected", _("Hylätty")

    @classmethod
    def open(cls) -> tuple[str, ...]:
        """Not decided yet: one such application per company, organiser and service."""
        return (cls.DRAFT, cls.SENT, cls.COMPLETION)

    @classmethod
    def editable(cls) -> tuple[str, ...]:
        """The applicant may change it: a draft, or a sent one the organiser asked to complete."""
        return (cls.DRAFT, cls.COMPLETION)

    def can_become(self, other: str) -> bool:
        return other in TRANSITIONS.get(self, ())


TRANSITIONS = {
    ApplicationState.DRAFT: (ApplicationState.SENT,),
    ApplicationState.SENT: (ApplicationState.APPROVED, ApplicationState.REJECTED, ApplicationState.COMPLETION),
    ApplicationState.COMPLETION: (ApplicationState.SENT,),
}


class Application(models.Model):
    """A company's application to become a provider of one service of one organiser."""

    organiser = models.ForeignKey(Organiser, models.PROTECT, related_name="+", verbose_name=_("palvelunjärjestäjä"))
    service = models.ForeignKey(Service, models.PROTECT, related_name="+", verbose_name=_("palvelu"))
    # An existing provider (its admin applies), or a new company (its sign-up's user applies).
    provider = models.ForeignKey(Provider, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("palveluntuottaja"))
    signup = models.ForeignKey(SignUp, models.PROTECT, null=True, blank=True, related_name="applications",
                               verbose_name=_("rekisteröityminen"))
    business_id = models.CharField(_("Y-tunnus"), max_length=9, validators=[validate_business_id])
    company_name = models.CharField(_("yrityksen nimi"), max_length=200)
    contact_name = models.CharField(_("yhteyshenkilö"), max_length=200, blank=True)
    email = models.EmailField(_("sähköposti"), blank=True)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True)
    soteri_id = models.CharField(_("Soteri-rekisterin tunnus"), max_length=60, blank=True)
    state = models.CharField(_("tila"), max_length=16, choices=ApplicationState.choices,
                             default=ApplicationState.DRAFT)
    rulebook = models.ForeignKey(Rulebook, models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("hyväksytty sääntökirja"))
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("sääntökirjan hyväksyjä"))
    accepted_at = models.DateTimeField(_("sääntökirja hyväksytty"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                   verbose_name=_("hakija"))
    created_at = models.DateTimeField(_("luotu"), default=timezone.now)
    sent_at = models.DateTimeField(_("lähetetty"), null=True, blank=True)
    decided_at = models.DateTimeField(_("käsitelty"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("käsittelijä"))
    reason = models.TextField(_("perustelu"), blank=True)
    completion_request = models.TextField(_("täydennyspyyntö"), blank=True)
    agreement = models.OneToOneField(ServiceAgreement, models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("palvelusopimus"))

    class Meta:
        verbose_name = _("hakemus")
        verbose_name_plural = _("hakemukset")
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["organiser", "state", "sent_at", "id"], name="application_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["business_id", "organiser", "service"], condition=Q(state__in=ApplicationState.open()),
                name="application_one_open_per_service",
                violation_error_message=_("Yrityksellä on jo avoin hakemus tähän palveluun."),
            ),
            models.CheckConstraint(condition=Q(provider__isnull=False) | Q(signup__isnull=False),
                                   name="application_has_applicant"),
            models.CheckConstraint(condition=~Q(state=ApplicationState.APPROVED) | Q(agreement__isnull=False),
                                   name="application_approved_has_agreement"),
            models.CheckConstraint(
                condition=Q(state=ApplicationState.DRAFT)
                | Q(rulebook__isnull=False, accepted_at__isnull=False, sent_at__isnull=False),
                name="application_sent_accepts_rulebook",
            ),
        ]

    def __str__(self):
        return f"{self.company_name} – {self.service}"

    @property
    def editable(self) -> bool:
        return self.state in ApplicationState.editable()


class OfficeLanguage(models.TextChoices):
    FINNISH = "fi", _("suomi")
    SWEDISH = "sv", _("ruotsi")
    ENGLISH = "en", _("englanti")
    OTHER = "other", _("muu")


class ApplicationOffice(models.Model):
    """An office (toimipaikka) the application names; made the provider's at approval if new."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="offices", verbose_name=_("hakemus"))
    name = models.CharField(_("nimi"), max_length=200)
    street_address = models.CharField(_("katuosoite"), max_length=200)
    municipality = models.CharField(_("kunta"), max_length=100)
    languages = models.CharField(_("palvelukielet"), max_length=40, help_text=_("Kielikoodit pilkuin eroteltuina."))

    class Meta:
        verbose_name = _("hakemuksen toimipaikka")
        verbose_name_plural = _("hakemuksen toimipaikat")
        ordering = ["application", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "name"], name="applicationoffice_unique_name")]

    def language_labels(self) -> list[str]:
        return [str(OfficeLanguage(code).label) for code in self.languages.split(",") if code in OfficeLanguage.values]


class ApplicationPrice(models.Model):
    application = models.ForeignKey(Application, models.CASCADE, related_name="prices", verbose_name=_("hakemus"))
    content = models.ForeignKey(ServiceContent, models.PROTECT, related_name="+", verbose_name=_("palvelusisältö"))
    unit_price = models.DecimalField(_("hinta (€)"), max_digits=10, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "content"], name="applicationprice_unique_content"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="applicationprice_not_negative"),
        ]


class ApplicationAttachment(models.Model):
    """A file of an application, stored through Django's storage API under a name of our own; its
    type was read from its content (applications.files)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="attachments",
                                    verbose_name=_("hakemus"))
    file = models.FileField(_("tiedosto"), upload_to=application_file_path, max_length=200)
    name = models.CharField(_("nimi"), max_length=200)
    content_type = models.CharField(_("tyyppi"), max_length=40)
    size = models.PositiveIntegerField(_("koko"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("lisääjä"))
    uploaded_at = models.DateTimeField(_("lisätty"), default=timezone.now)

    class Meta:
        verbose_name = _("hakemuksen liite")
        verbose_name_plural = _("hakemuksen liitteet")
        ordering = ["application", "id"]
        constraints = [models.CheckConstraint(condition=Q(size__gt=0) & Q(size__lte=10 * 1024 * 1024),
                                              name="applicationattachment_size")]
