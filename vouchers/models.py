"""What was granted: services and their contents, agreements and price lists between an
organiser and a provider, customers and their vouchers (ostovoimat)."""

import datetime as dt

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Coalesce, Concat, Least, LPad, Lower, Upper
from django.utils.translation import gettext_lazy as _

from core.dates import today
from core.db import ValidityQuerySet, date_range, ordered_range_check
from core.validators import mask_henkilotunnus, validate_henkilotunnus
from organisations.models import Organiser, Provider
from vouchers.validators import VOUCHER_NUMBER_MAX_LENGTH, VOUCHER_NUMBER_PATTERN


# --- THE rules of time on a voucher, each written once -------------------------------------
# A voucher is in force (voimassa) from ``valid_from`` through its effective end: ``valid_to``, or
# ``closed_on`` if it was closed earlier (the closing day is its last day in force). A voucher past
# its ``valid_to`` that was never closed has ended on ``valid_to``: nothing hangs on it after that
# day. What hangs on a voucher (a reservation, a customership) ends on its own end date or the
# voucher's effective end, whichever is earlier. Each rule has a Python form (for one row in hand)
# and a query form (Q / expression); tests/test_in_force.py pins the two to each other.


def voucher_in_force_q(day: dt.date, *, voucher: str = "voucher__") -> Q:
    """The voucher at ``voucher`` (``""`` in a Voucher query) is in force on ``day``."""
    return Q(**{f"{voucher}valid_from__lte": day}) & voucher_not_ended_q(day, voucher=voucher)


def voucher_not_ended_q(day: dt.date, *, voucher: str = "voucher__") -> Q:
    """The voucher's effective end is ``day`` or later (it may not have begun yet)."""
    return Q(**{f"{voucher}valid_to__gte": day}) & (
        Q(**{f"{voucher}closed_on__isnull": True}) | Q(**{f"{voucher}closed_on__gte": day})
    )


def voucher_in_force_during_q(first: dt.date, last: dt.date, *, voucher: str = "voucher__") -> Q:
    """The voucher is in force on at least one day of ``first``–``last``."""
    return Q(**{f"{voucher}valid_from__lte": last}) & voucher_not_ended_q(first, voucher=voucher)


def voucher_effective_end(*, voucher: str = "voucher__") -> Least:
    """The voucher's effective end as an expression: ``least(valid_to, closed_on)``."""
    valid_to = F(f"{voucher}valid_to")
    return Least(valid_to, Coalesce(F(f"{voucher}closed_on"), valid_to))


def not_ended_with_voucher_q(day: dt.date, *, own_end: str, voucher: str = "voucher__") -> Q:
    """What hangs on a voucher has not ended before ``day``: its own end (``own_end``, empty =
    until further notice) and the voucher's effective end are both ``day`` or later."""
    return (Q(**{f"{own_end}__isnull": True}) | Q(**{f"{own_end}__gte": day})) & voucher_not_ended_q(
        day, voucher=voucher
    )


def end_with_voucher_expression(own_end: str, *, voucher: str = "voucher__") -> Least:
    """``end_with_voucher`` as an expression: ``least(own_end, valid_to, closed_on)``."""
    return Least(Coalesce(F(own_end), F(f"{voucher}valid_to")), voucher_effective_end(voucher=voucher))


def end_with_voucher(own_end: dt.date | None, voucher) -> dt.date:
    """The effective end of what hangs on ``voucher``: its own end or the voucher's effective end
    (its ``valid_to``, or the closing date if earlier), whichever is earlier. Never empty: a
    voucher is always granted up to a date. Closing a voucher writes one row."""
    if own_end is None:
        return voucher.effective_end
    return min(own_end, voucher.effective_end)


# Finnish alphabetical order without a Finnish collation (the embedded PostgreSQL has no ICU and
# the machines no fi_FI locale): a name's sort key is its lower case with å, ä and ö written as
# the three characters that follow "z" in the C collation ({, |, }), so that "… x y z å ä ö" and
# case does not matter; æ and ø sort as ä and ö, ü as y, é and á as e and a. Upper case is mapped
# too, for a database whose lower() knows only ASCII.
FINNISH_FROM = "åäöæøüéèáàÅÄÖÆØÜÉÈÁÀ"
FINNISH_TO = "{|}|}yeeaa{|}|}yeeaa"


def finnish_sort_key(*fields: str) -> Func:
    """``translate(lower(a || ' ' || b), …)``: IMMUTABLE, so a stored generated column and its
    index can hold it; compare it in the C collation."""
    parts = []
    for field in fields:
        parts += [F(field), Value(" ")]
    text = Concat(*parts[:-1]) if len(parts) > 2 else F(fields[0])
    return Func(Lower(text), Value(FINNISH_FROM), Value(FINNISH_TO), function="TRANSLATE", output_field=models.TextField())


class VoucherKind(models.TextChoices):
    SERVICE_VOUCHER = "service_voucher", _("Palveluseteli")
    PURCHASED_SERVICE = "purchased_service", _("Ostopalvelu")
    CAPITATION = "capitation", _("Kapitaatioseteli")
    BALANCE = "balance", _("Saldo-ostovoima")

    @classmethod
    def recordable(cls) -> tuple[str, ...]:
        """Kinds whose reservations record events (capitation pays by valid days instead)."""
        return (cls.SERVICE_VOUCHER, cls.PURCHASED_SERVICE, cls.BALANCE)


class ContentUnit(models.TextChoices):
    HOUR = "hour", _("tunti")
    VISIT = "visit", _("käynti")
    DAY = "day", _("vuorokausi")
    MONTH = "month", _("kuukausi")
    EURO = "euro", _("euro")


class Service(models.Model):
    """A service. Shared by every organiser (``organiser`` empty: kept by the superusers in the Django
    admin), or an organiser's own (kept by its admins on the "Palvelut" page). A name is unique among
    the shared services and within each organiser's own."""

    organiser = models.ForeignKey(
        Organiser, models.PROTECT, null=True, blank=True, related_name="own_services",
        verbose_name=_("palvelunjärjestäjä"), help_text=_("Tyhjä: yhteinen kaikille palvelunjärjestäjille."),
    )
    name = models.CharField(_("nimi"), max_length=200)
    kind = models.CharField(_("setelilaji"), max_length=32, choices=VoucherKind.choices)

    class Meta:
        verbose_name = _("palvelu")
        verbose_name_plural = _("palvelut")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organiser", "name"], nulls_distinct=False, name="service_unique_name_per_organiser",
                violation_error_message=_("Samanniminen palvelu on jo olemassa."),
            ),
        ]

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

    def clean(self):
        # An organiser's own service is agreed on by that organiser only.
        service = self.service if self.service_id else None
        if service is not None and service.organiser_id not in (None, self.organiser_id):
            raise ValidationError({"service": _("Palvelu on toisen palvelunjärjestäjän oma palvelu.")})


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


class Language(models.TextChoices):
    """A customer's language of service: the decision letter's language (other: Finnish)."""

    FINNISH = "fi", _("suomi")
    SWEDISH = "sv", _("ruotsi")
    OTHER = "other", _("muu")


class Customer(models.Model):
    """A person. The henkilötunnus is personal data: show it masked unless a task needs it."""

    first_name = models.CharField(_("etunimi"), max_length=100)
    last_name = models.CharField(_("sukunimi"), max_length=100)
    henkilotunnus = models.CharField(
        _("henkilötunnus"), max_length=11, unique=True, validators=[validate_henkilotunnus]
    )
    municipality = models.CharField(_("kotikunta"), max_length=100)
    # Contact and language, for the decision letter (issue 22); blank for customers made before.
    street_address = models.CharField(_("lähiosoite"), max_length=200, blank=True, db_default="")
    postal_code = models.CharField(_("postinumero"), max_length=10, blank=True, db_default="")
    post_office = models.CharField(_("postitoimipaikka"), max_length=100, blank=True, db_default="")
    language = models.CharField(_("asiointikieli"), max_length=8, choices=Language.choices,
                                default=Language.FINNISH, db_default=Language.FINNISH)
    phone = models.CharField(_("puhelin"), max_length=40, blank=True, db_default="")
    email = models.EmailField(_("sähköposti"), blank=True, db_default="")
    # "Sukunimi Etunimi" in Finnish alphabetical order (finnish_sort_key), kept by the database.
    name_key = models.GeneratedField(
        expression=finnish_sort_key("last_name", "first_name"),
        output_field=models.TextField(db_collation="C"),
        db_persist=True,
        verbose_name=_("nimen lajitteluavain"),
    )

    class Meta:
        verbose_name = _("asiakas")
        verbose_name_plural = _("asiakkaat")
        ordering = ["name_key", "id"]
        indexes = [
            # Name search (``icontains``: UPPER(name) LIKE UPPER('%word%')) through trigrams (pg_trgm).
            GinIndex(OpClass(Upper("last_name"), name="gin_trgm_ops"), name="customer_last_name_trgm"),
            GinIndex(OpClass(Upper("first_name"), name="gin_trgm_ops"), name="customer_first_name_trgm"),
            models.Index(fields=["last_name", "first_name", "id"], name="customer_name_order"),
            # Lists in Finnish name order, walked from a keyset cursor (name_key, id).
            models.Index(fields=["name_key", "id"], name="customer_name_key_order"),
        ]
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


class VoucherState(models.TextChoices):
    """Where a voucher stands on a day: open (upcoming or in force), ended on its ``valid_to``
    without being closed, or closed (from its closing day on: nobody may reserve it then)."""

    OPEN = "avoin", _("Avoin")  # the values are the lists' query parameters
    ENDED = "paattynyt", _("Päättynyt")
    CLOSED = "suljettu", _("Suljettu")


def voucher_state_q(state: str, day: dt.date, *, voucher: str = "voucher__") -> Q:
    """``Voucher.state_on`` as a query condition on the voucher at ``voucher``."""
    closed = Q(**{f"{voucher}closed_on__lte": day})
    ended = Q(**{f"{voucher}valid_to__lt": day})
    if state == VoucherState.CLOSED:
        return closed
    not_closed = Q(**{f"{voucher}closed_on__isnull": True}) | Q(**{f"{voucher}closed_on__gt": day})
    if state == VoucherState.ENDED:
        return not_closed & ended
    return not_closed & ~ended


class VoucherQuerySet(models.QuerySet):
    def in_force_on(self, day: dt.date):
        return self.filter(voucher_in_force_q(day, voucher=""))

    def in_state(self, state: str, day: dt.date):
        return self.filter(voucher_state_q(state, day, voucher=""))


class Voucher(models.Model):
    """A customer's purchase power (ostovoima / palveluseteli)."""

    number = models.CharField(_("numero"), max_length=VOUCHER_NUMBER_MAX_LENGTH, unique=True)
    # The number in numeric order (1001 before 10006, 10009, 10011): the digits padded with zeros
    # to the longest number, compared bytewise; kept by the database. (Not a cast to numeric: a
    # number with letters must reach the check constraint below, not fail in the cast.)
    number_key = models.GeneratedField(
        expression=LPad("number", VOUCHER_NUMBER_MAX_LENGTH, Value("0")),
        output_field=models.CharField(max_length=VOUCHER_NUMBER_MAX_LENGTH, db_collation="C"),
        db_persist=True,
        verbose_name=_("numero lukujärjestyksessä"),
    )
    organiser = models.ForeignKey(Organiser, models.PROTECT, related_name="vouchers", verbose_name=_("palvelunjärjestäjä"))
    customer = models.ForeignKey(Customer, models.PROTECT, related_name="vouchers", verbose_name=_("asiakas"))
    service = models.ForeignKey(Service, models.PROTECT, related_name="vouchers", verbose_name=_("palvelu"))
    valid_from = models.DateField(_("voimassa alkaen"))
    valid_to = models.DateField(_("voimassa asti"))
    closed_on = models.DateField(_("suljettu"), null=True, blank=True)
    granted_on = models.DateField(_("myönnetty"), null=True, blank=True)
    # The decision (päätös) the voucher was granted by: its number and date as the organiser's case
    # system knows them, and the client system's own id of it (the API's idempotency key: the same
    # decision sent twice is one voucher).
    decision_number = models.CharField(_("päätöksen numero"), max_length=60, blank=True, db_default="")
    decision_date = models.DateField(_("päätöksen päivämäärä"), null=True, blank=True)
    decision_id = models.CharField(_("asiakastietojärjestelmän päätöstunniste"), max_length=100, null=True, blank=True)
    created_at = models.DateTimeField(_("luotu"), auto_now_add=True)

    objects = VoucherQuerySet.as_manager()

    class Meta:
        verbose_name = _("ostovoima")
        verbose_name_plural = _("ostovoimat")
        ordering = ["number_key", "id"]
        indexes = [
            # An organiser's vouchers by number: its "Ostovoimat" tabs walk it from a keyset cursor.
            models.Index(fields=["organiser", "number"], name="voucher_organiser_number"),
            # The same in numeric order (number_key, id): a provider's tabs and the admin, and an
            # organiser's.
            models.Index(fields=["number_key", "id"], name="voucher_number_key_order"),
            models.Index(fields=["organiser", "number_key", "id"], name="voucher_organiser_number_key"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(number__regex=VOUCHER_NUMBER_PATTERN), name="voucher_number_digits"),
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
            # One voucher per decision of an organiser's client system.
            models.UniqueConstraint(
                fields=["organiser", "decision_id"], condition=Q(decision_id__isnull=False),
                name="voucher_one_per_decision",
                violation_error_message=_("Tällä päätöstunnisteella on jo ostovoima."),
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

    def state_on(self, day: dt.date | None = None) -> str:
        """``VoucherState`` on ``day``: closed from its closing day on, else ended after ``valid_to``."""
        day = day or today()
        if self.is_closed(day):
            return VoucherState.CLOSED
        return VoucherState.ENDED if self.valid_to < day else VoucherState.OPEN

    @property
    def state(self) -> str:
        """Today's ``state_on``, for templates."""
        return self.state_on()

    @property
    def effective_end(self) -> dt.date:
        """The last day the voucher is in force: its ``valid_to``, or the closing date if earlier."""
        if self.closed_on is not None:
            return min(self.valid_to, self.closed_on)
        return self.valid_to

    def in_force_on(self, day: dt.date) -> bool:
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
