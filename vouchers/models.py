"""The register: organisers, providers and their parts, services, agreements,
price lists, customers and their vouchers (ostovoimat)."""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import F, Func, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vouchers.validators import mask_henkilotunnus, validate_business_id, validate_henkilotunnus


# The dates the product deals in. Forms refuse others, so that date arithmetic cannot overflow.
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


def today() -> dt.date:
    """Today's date in Helsinki (TIME_ZONE)."""
    return timezone.localdate()


def date_range(start: str, end: str) -> Func:
    """The closed date range [start, end]; an empty end means no end."""
    return Func(F(start), F(end), Value("[]"), function="daterange", output_field=DateRangeField())


class ValidityQuerySet(models.QuerySet):
    """Rows with a ``valid_from``/``valid_to`` range (``valid_to`` empty = open-ended)."""

    def valid_on(self, day: dt.date):
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day), valid_from__lte=day)


def ordered_range_check(name: str, start: str = "valid_from", end: str = "valid_to") -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": F(start)}),
        name=name,
        violation_error_message=_("Päättymispäivä ei voi olla ennen alkamispäivää."),
    )


class VoucherKind(models.TextChoices):
    SERVICE_VOUCHER = "service_voucher", _("Palveluseteli")
    PURCHASED_SERVICE = "purchased_service", _("Ostopalvelu")
    CAPITATION = "capitation", _("Kapitaatioseteli")
    BALANCE = "balance", _("Saldo-ostovoima")


class ContentUnit(models.TextChoices):
    HOUR = "hour", _("tunti")
    VISIT = "visit", _("käynti")
    DAY = "day", _("vuorokausi")
    MONTH = "month", _("kuukausi")
    EURO = "euro", _("euro")


class Organiser(models.Model):
    name = models.CharField(_("nimi"), max_length=200, unique=True)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, unique=True, validators=[validate_business_id])
    support_contact = models.CharField(_("PSOP-tuen yhteystiedot"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("palvelunjärjestäjä")
        verbose_name_plural = _("palvelunjärjestäjät")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Provider(models.Model):
    name = models.CharField(_("nimi"), max_length=200)
    business_id = models.CharField(_("Y-tunnus"), max_length=9, unique=True, validators=[validate_business_id])

    class Meta:
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

    class Meta:
        verbose_name = _("toimipaikka")
        verbose_name_plural = _("toimipaikat")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["provider", "name"], name="office_unique_name")]

    def __str__(self):
        return self.name


class Service(models.Model):
    name = models.CharField(_("nimi"), max_length=200, unique=True)
    kind = models.CharField(_("setelilaji"), max_length=32, choices=VoucherKind.choices)

    class Meta:
        verbose_name = _("palvelu")
        verbose_name_plural = _("palvelut")
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceContent(models.Model):
    service = models.ForeignKey(Service, models.CASCADE, related_name="contents", verbose_name=_("palvelu"))
    name = models.CharField(_("nimi"), max_length=200)
    unit = models.CharField(_("yksikkö"), max_length=16, choices=ContentUnit.choices)

    class Meta:
        verbose_name = _("palvelusisältö")
        verbose_name_plural = _("palvelusisällöt")
        ordering = ["service", "name"]
        constraints = [models.UniqueConstraint(fields=["service", "name"], name="servicecontent_unique_name")]

    def __str__(self):
        return self.name


class ServiceAgreement(models.Model):
    organiser = models.ForeignKey(Organiser, models.PROTECT, related_name="agreements", verbose_name=_("palvelunjärjestäjä"))
    provider = models.ForeignKey(Provider, models.PROTECT, related_name="agreements", verbose_name=_("palveluntuottaja"))
    service = models.ForeignKey(Service, models.PROTECT, related_name="agreements", verbose_name=_("palvelu"))
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_to = models.DateField(_("voimassa asti"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("palvelusopimus")
        verbose_name_plural = _("palvelusopimukset")
        ordering = ["organiser", "provider", "service", "-valid_from"]
        constraints = [
            ordered_range_check("serviceagreement_ordered_validity"),
            ExclusionConstraint(
                name="serviceagreement_no_overlap",
                expressions=[
                    ("organiser", RangeOperators.EQUAL),
                    ("provider", RangeOperators.EQUAL),
                    ("service", RangeOperators.EQUAL),
                    (date_range("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Samalle palvelulle on jo voimassa oleva sopimus tälle ajalle."),
            ),
        ]

    def __str__(self):
        return f"{self.provider} – {self.service} ({self.organiser})"


class PriceList(models.Model):
    agreement = models.ForeignKey(
        ServiceAgreement, models.CASCADE, related_name="price_lists", verbose_name=_("palvelusopimus")
    )
    name = models.CharField(_("nimi"), max_length=200)
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_to = models.DateField(_("voimassa asti"), null=True, blank=True)

    objects = ValidityQuerySet.as_manager()

    class Meta:
        verbose_name = _("hinnasto")
        verbose_name_plural = _("hinnastot")
        ordering = ["agreement", "-valid_from"]
        constraints = [
            ordered_range_check("pricelist_ordered_validity"),
            ExclusionConstraint(
                name="pricelist_no_overlap",
                expressions=[
                    ("agreement", RangeOperators.EQUAL),
                    (date_range("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Sopimuksella on jo hinnasto tälle ajalle."),
            ),
        ]

    def __str__(self):
        return self.name


class PriceListItem(models.Model):
    price_list = models.ForeignKey(PriceList, models.CASCADE, related_name="items", verbose_name=_("hinnasto"))
    content = models.ForeignKey(ServiceContent, models.PROTECT, related_name="+", verbose_name=_("palvelusisältö"))
    unit_price = models.DecimalField(_("yksikköhinta (€)"), max_digits=10, decimal_places=2)

    class Meta:
        verbose_name = _("hinnaston rivi")
        verbose_name_plural = _("hinnaston rivit")
        constraints = [
            models.UniqueConstraint(fields=["price_list", "content"], name="pricelistitem_unique_content"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="pricelistitem_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.content}: {self.unit_price} €"


class Customer(models.Model):
    """A person. The henkilötunnus is personal data: show it masked unless a task needs it."""

    first_name = models.CharField(_("etunimi"), max_length=100)
    last_name = models.CharField(_("sukunimi"), max_length=100)
    henkilotunnus = models.CharField(
        _("henkilötunnus"), max_length=11, unique=True, validators=[validate_henkilotunnus]
    )
    municipality = models.CharField(_("kotikunta"), max_length=100)

    class Meta:
        verbose_name = _("asiakas")
        verbose_name_plural = _("asiakkaat")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(henkilotunnus__regex=r"^[0-9]{6}[-+A-FU-Y][0-9]{3}[0-9A-Y]$"),
                name="customer_henkilotunnus_format",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name}"

    @property
    def masked_henkilotunnus(self) -> str:
        return mask_henkilotunnus(self.henkilotunnus)


class VoucherQuerySet(models.QuerySet):
    def open_on(self, day: dt.date):
        return self.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=day))

    def closed_on_or_before(self, day: dt.date):
        return self.filter(closed_on__lte=day)

    def of_kind(self, *kinds: str):
        return self.filter(service__kind__in=kinds)


class Voucher(models.Model):
    """A customer's purchase power (ostovoima / palveluseteli)."""

    number = models.CharField(_("numero"), max_length=20, unique=True)
    organiser = models.ForeignKey(Organiser, models.PROTECT, related_name="vouchers", verbose_name=_("palvelunjärjestäjä"))
    customer = models.ForeignKey(Customer, models.PROTECT, related_name="vouchers", verbose_name=_("asiakas"))
    service = models.ForeignKey(Service, models.PROTECT, related_name="vouchers", verbose_name=_("palvelu"))
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_to = models.DateField(_("voimassa asti"))
    closed_on = models.DateField(_("suljettu"), null=True, blank=True)
    granted_on = models.DateField(_("myönnetty"), null=True, blank=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("ostovoima")
        verbose_name_plural = _("ostovoimat")
        ordering = ["number"]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=r"^[0-9]{1,20}$"), name="voucher_number_digits"),
            models.CheckConstraint(
                condition=Q(valid_to__gte=F("valid_from")),
                name="voucher_ordered_validity",
                violation_error_message=_("Päättymispäivä ei voi olla ennen alkamispäivää."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("valid_from")),
                name="voucher_closed_after_start",
                violation_error_message=_("Sulkemispäivä ei voi olla ennen voimassaolon alkua."),
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def kind(self) -> str:
        return self.service.kind

    def get_kind_display(self) -> str:
        return VoucherKind(self.service.kind).label

    def is_closed(self, day: dt.date | None = None) -> bool:
        day = day or today()
        return self.closed_on is not None and self.closed_on <= day

    @property
    def effective_end(self) -> dt.date:
        """The last day the voucher can be used: its end, or the closing date if earlier."""
        if self.closed_on is not None:
            return min(self.valid_to, self.closed_on)
        return self.valid_to

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.effective_end


class VoucherContent(models.Model):
    """A service content granted on one voucher: a quantity of units, or a euro value."""

    class Period(models.TextChoices):
        VALIDITY = "validity", _("koko voimassaoloaika")
        MONTH = "month", _("kuukausi")

    voucher = models.ForeignKey(Voucher, models.CASCADE, related_name="contents", verbose_name=_("ostovoima"))
    content = models.ForeignKey(ServiceContent, models.PROTECT, related_name="+", verbose_name=_("palvelusisältö"))
    quantity = models.DecimalField(_("myönnetty määrä"), max_digits=10, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("myönnetty summa (€)"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit_value = models.DecimalField(
        _("setelin arvo / yksikkö (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    period = models.CharField(_("jakso"), max_length=16, choices=Period.choices, default=Period.VALIDITY)

    class Meta:
        verbose_name = _("setelin palvelusisältö")
        verbose_name_plural = _("setelin palvelusisällöt")
        ordering = ["voucher", "content__name"]
        constraints = [
            models.UniqueConstraint(fields=["voucher", "content"], name="vouchercontent_unique_content"),
            models.CheckConstraint(
                condition=Q(quantity__isnull=False) | Q(amount__isnull=False),
                name="vouchercontent_grants_something",
            ),
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gt=0), name="vouchercontent_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="vouchercontent_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(unit_value__isnull=True) | Q(unit_value__gte=0),
                name="vouchercontent_unit_value_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.voucher} – {self.content}"


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
