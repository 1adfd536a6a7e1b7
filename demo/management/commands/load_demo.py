"""Load the training dataset (koulutusaineisto). Idempotent: a second run adds nothing.

Known logins (password ``demo-salasana``) and voucher numbers are listed in the README.
"""

import datetime as dt
import random
from decimal import Decimal

from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core.dates import today
from customers.models import Customership
from demo import applications as training_applications
from demo.identifiers import make_business_id, make_henkilotunnus
from events.models import Event, EventStatus
from events.pricing import split_price
from organisations.models import Membership, Office, Organiser, Provider, ProviderUnit
from reservations.models import Reservation
from vouchers.models import (
    ContentUnit,
    Customer,
    PriceList,
    PriceListItem,
    Service,
    ServiceAgreement,
    ServiceContent,
    Voucher,
    VoucherContent,
    VoucherKind,
)

PASSWORD = "demo-salasana"

FIRST_NAMES = [
    "Aino", "Eino", "Helmi", "Väinö", "Siiri", "Onni", "Elli", "Toivo", "Lempi", "Veikko", "Aili", "Tauno",
    "Kerttu", "Pentti", "Hilkka", "Raimo", "Sirkka", "Erkki", "Tyyne", "Reino", "Anneli", "Matti", "Ritva", "Olavi",
]
LAST_NAMES = [
    "Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
    "Järvinen", "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen",
    "Salonen", "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila",
]
MUNICIPALITIES = ["Tampere", "Kangasala", "Nokia", "Ylöjärvi", "Lempäälä", "Pirkkala", "Orivesi", "Valkeakoski"]

# name, kind, [(content, unit, price at Hoiva Esimerkki Oy)]
SERVICES = [
    ("Kotihoito", VoucherKind.SERVICE_VOUCHER,
     [("Kotihoidon käynti", ContentUnit.VISIT, "42.00"), ("Kotihoidon tunti", ContentUnit.HOUR, "48.50")]),
    ("Siivous", VoucherKind.SERVICE_VOUCHER, [("Siivouskerta", ContentUnit.VISIT, "55.00")]),
    ("Terveysaseman palvelut", VoucherKind.CAPITATION, [("Kapitaatiokorvaus", ContentUnit.MONTH, "65.00")]),
    ("Omaishoidon vapaa", VoucherKind.BALANCE, [("Omaishoidon vapaan palvelut", ContentUnit.EURO, "1.00")]),
    ("Tehostettu palveluasuminen", VoucherKind.PURCHASED_SERVICE, [("Asumisvuorokausi", ContentUnit.DAY, "165.00")]),
]


# Granted contents that the known and the volume vouchers share (VoucherContent fields per service content).
HOME_CARE = [
    ("Kotihoidon käynti", {"quantity": Decimal("20"), "unit_value": Decimal("30.00"), "period": "month"}),
    ("Kotihoidon tunti", {"quantity": Decimal("10"), "unit_value": Decimal("38.00"), "period": "month"}),
]
CLEANING = [("Siivouskerta", {"quantity": Decimal("2"), "unit_value": Decimal("45.00"), "period": "month"})]
CAPITATION = [("Kapitaatiokorvaus", {"quantity": Decimal("1"), "period": "month"})]
HOUSING = [("Asumisvuorokausi", {"quantity": Decimal("31"), "period": "month"})]

# The volume vouchers' kinds: service, weight in the random mix, granted contents (drawn with the loader's rng).
VOLUME_KINDS = {
    "home": ("Kotihoito", 40, lambda rng: [
        ("Kotihoidon käynti", {"quantity": Decimal(rng.choice([8, 12, 20, 30])), "unit_value": Decimal("30.00"), "period": "month"}),
        ("Kotihoidon tunti", {"quantity": Decimal(rng.choice([4, 8, 10])), "unit_value": Decimal("38.00"), "period": "month"}),
    ]),
    "cleaning": ("Siivous", 10, lambda rng: CLEANING),
    "capitation": ("Terveysaseman palvelut", 25, lambda rng: CAPITATION),
    "balance": ("Omaishoidon vapaa", 15, lambda rng: [("Omaishoidon vapaan palvelut", {"amount": Decimal(rng.choice([300, 500, 800]))})]),
    "housing": ("Tehostettu palveluasuminen", 10, lambda rng: HOUSING),
}
VOLUME_COUNT = 320


# The local identity provider's subjects of the training users (psop/idp.py TRAINING_PEOPLE; a test
# keeps the two equal) and its two development providers.
TRAINING_IDENTITIES = {
    "tuottaja": "tiina-tuottaja", "kirjaaja": "kalle-kirjaaja", "kilpailija": "kimmo-kilpailija",
    "jarjestaja": "jaana-jarjestaja", "jarjestaja-paakayttaja": "paula-paakayttaja", "naapuri": "niina-naapuri",
}
TRAINING_PROVIDERS = ("suomifi", "organisaatio")


class Command(BaseCommand):
    help = "Lataa koulutusaineiston (idempotentti)."

    def handle(self, *args, **options):
        self.today = today()
        self.rng = random.Random(2026)
        self._default_units = {}
        self._prices = {}
        with transaction.atomic():
            created = self.load()
        self.stdout.write(f"Koulutusaineisto ladattu: {created} uutta ostovoimaa.")

    # Registers -------------------------------------------------------------------
    def load(self) -> int:
        self._organisations()
        self._services_and_contents()
        self._agreements_and_price_lists()
        self.users()
        created = self._known_vouchers()
        created += self._volume_vouchers()
        self._applications()
        return created

    def _organisations(self):
        """Two wellbeing services counties (organisers) and five providers with their units and offices."""
        self.esimerkki = self.organiser("Esimerkin hyvinvointialue", 3300001, "PSOP-tuki: psop-tuki@esimerkki.example, 010 123 4567")
        self.naapuri = self.organiser("Naapurin hyvinvointialue", 3300101, "PSOP-tuki: psop@naapuri.example, 010 765 4321")
        self.hoiva = self.provider("Hoiva Esimerkki Oy", 2400001, units=["Kotihoito Itä"],
                                   offices=[("Keskusta", "Hämeenkatu 10", "Tampere", "33100"),
                                            ("Itä", "Hervannan valtaväylä 5", "Tampere", "33720")],
                                   description="Kotihoitoa ja terveysaseman palveluja Tampereella vuodesta 2005. "
                                               "Käynnit myös iltaisin ja viikonloppuisin.", languages=["fi", "sv"])
        self.kilpailija = self.provider("Kilpailija Oy", 2400101,
                                        offices=[("Kilpailijan terveysasema", "Pirkankatu 3", "Tampere", "33210")],
                                        description="Terveysasema Tampereen keskustassa.", languages=["fi", "en"])
        self.kotiapu = self.provider("Kotiapu Lehtonen Oy", 2400201, offices=[("Nokia", "Välikatu 2", "Nokia", "37100")],
                                     description="Perheyritys: kotihoitoa Nokialla ja lähikunnissa.", languages=["fi"])
        self.koivula = self.provider("Palvelukoti Koivula Oy", 2400301,
                                     offices=[("Koivula", "Koivukuja 1", "Kangasala", "36200")], languages=["fi"])
        self.puhdas = self.provider("Puhdas Koti Oy", 2400401)

    def _services_and_contents(self):
        """The services of SERVICES with their contents, by name in ``self.services`` and ``self.contents``."""
        self.services = {}
        self.contents = {}
        for name, kind, contents in SERVICES:
            service, _ = Service.objects.get_or_create(organiser=None, name=name, defaults={"kind": kind})
            self.services[name] = service
            for content_name, unit, _price in contents:
                self.contents[content_name], _ = ServiceContent.objects.get_or_create(
                    service=service, name=content_name, defaults={"unit": unit}
                )

    def _agreements_and_price_lists(self):
        """Who sells which service to whom: the SERVICES prices, some providers a few per cent off or above."""
        prices = {content: Decimal(price) for _n, _k, rows in SERVICES for content, _u, price in rows}
        start = self.today - dt.timedelta(days=500)
        for name in ["Kotihoito", "Terveysaseman palvelut", "Omaishoidon vapaa", "Tehostettu palveluasuminen"]:
            self.agreement(self.esimerkki, self.hoiva, name, start, prices)
        self.agreement(self.esimerkki, self.kilpailija, "Terveysaseman palvelut", start, prices, factor=Decimal("0.95"))
        self.agreement(self.esimerkki, self.kotiapu, "Kotihoito", start, prices, factor=Decimal("1.05"))
        self.agreement(self.esimerkki, self.koivula, "Tehostettu palveluasuminen", start, prices, factor=Decimal("0.98"))
        self.agreement(self.esimerkki, self.puhdas, "Siivous", start, prices)
        self.agreement(self.naapuri, self.hoiva, "Kotihoito", start, prices, factor=Decimal("1.02"))

    def _applications(self):
        """Hakeutuminen: Esimerkki's rulebooks and Hoiva's application for Siivous, sent and waiting
        for `jarjestaja-paakayttaja`'s review (demo/applications.py)."""
        admin = get_user_model().objects.get(username="jarjestaja-paakayttaja")
        training_applications.load(admin=admin, applicant=self.tuottaja, today=self.today)

    def organiser(self, name, base, support):
        organiser, _ = Organiser.objects.get_or_create(
            name=name, defaults={"business_id": make_business_id(base), "support_contact": support}
        )
        return organiser

    def provider(self, name, base, *, units=(), offices=(), description="", languages=()):
        """A provider with its units and offices, and what customers read of it on the comparison."""
        provider, _ = Provider.objects.get_or_create(name=name, defaults={
            "business_id": make_business_id(base), "description": description, "languages": list(languages)})
        ProviderUnit.objects.get_or_create(provider=provider, is_default=True, defaults={"name": name})
        for unit in units:
            ProviderUnit.objects.get_or_create(provider=provider, name=unit)
        for office, street, municipality, postal_code in offices:
            Office.objects.get_or_create(provider=provider, name=office, defaults={
                "street_address": street, "municipality": municipality, "postal_code": postal_code})
        return provider

    def agreement(self, organiser, provider, service_name, start, prices, factor=Decimal("1")):
        service = self.services[service_name]
        agreement, _ = ServiceAgreement.objects.get_or_create(
            organiser=organiser, provider=provider, service=service, defaults={"valid_from": start}
        )
        price_list, _ = PriceList.objects.get_or_create(
            agreement=agreement,
            defaults={"name": f"{provider.name} – {service.name} {start.year}", "valid_from": start},
        )
        for content in service.contents.all():
            PriceListItem.objects.get_or_create(
                price_list=price_list,
                content=content,
                defaults={"unit_price": (prices[content.name] * factor).quantize(Decimal("0.01"))},
            )

    def users(self):
        User = get_user_model()
        people = [
            ("tuottaja", "Tuula", "Tuottaja", dict(provider=self.hoiva, role=Membership.Role.PROVIDER_ADMIN)),
            ("kirjaaja", "Kalle", "Kirjaaja", dict(provider=self.hoiva, role=Membership.Role.RECORDER)),
            ("kilpailija", "Kaisa", "Kilpailija", dict(provider=self.kilpailija, role=Membership.Role.PROVIDER_ADMIN)),
            ("jarjestaja", "Jaana", "Järjestäjä", dict(organiser=self.esimerkki, role=Membership.Role.ORGANISER_STAFF)),
            ("naapuri", "Niina", "Naapuri", dict(organiser=self.naapuri, role=Membership.Role.ORGANISER_STAFF)),
            ("jarjestaja-paakayttaja", "Pekka", "Pääkäyttäjä", dict(organiser=self.esimerkki, role=Membership.Role.ORGANISER_ADMIN)),
        ]
        for username, first, last, membership in people:
            user, created = User.objects.get_or_create(username=username, defaults={"first_name": first, "last_name": last})
            if created:
                user.set_password(PASSWORD)
                user.save()
            Membership.objects.get_or_create(user=user, defaults=membership)
        admin, created = User.objects.get_or_create(
            username="admin", defaults={"first_name": "Ylläpitäjä", "is_staff": True, "is_superuser": True}
        )
        if created:
            admin.set_password(PASSWORD)
            admin.save()
        self.identities()
        self.tuottaja = User.objects.get(username="tuottaja")
        self.jarjestaja = User.objects.get(username="jarjestaja")
        self.kilpailija_user = User.objects.get(username="kilpailija")

    def identities(self):
        """The training people of the local identity provider (psop.idp.TRAINING_PEOPLE), bound to
        their users at both development providers, as an invitation would have bound them."""
        User = get_user_model()
        users = {user.username: user for user in User.objects.filter(username__in=TRAINING_IDENTITIES)}
        for username, subject in TRAINING_IDENTITIES.items():
            for provider_id in TRAINING_PROVIDERS:
                SocialAccount.objects.get_or_create(provider=provider_id, uid=subject,
                                                    defaults={"user": users[username]})

    # Vouchers ----------------------------------------------------------------------
    def customer(self, index: int, first=None, last=None) -> Customer:
        birth = dt.date(1928, 1, 1) + dt.timedelta(days=(index * 379) % 26000)
        hetu = make_henkilotunnus(birth, 900 + index % 100)
        customer, _ = Customer.objects.get_or_create(
            henkilotunnus=hetu,
            defaults={
                "first_name": first or FIRST_NAMES[index % len(FIRST_NAMES)],
                "last_name": last or LAST_NAMES[(index * 7) % len(LAST_NAMES)],
                "municipality": MUNICIPALITIES[index % len(MUNICIPALITIES)],
            },
        )
        return customer

    def voucher(self, number, *, organiser, service, customer, valid_from, valid_to, closed_on=None, contents=()):
        """Create the voucher with its contents; None when it already exists (idempotent)."""
        if Voucher.objects.filter(number=number).exists():
            return None
        voucher = Voucher.objects.create(
            number=number, organiser=organiser, customer=customer, service=self.services[service],
            valid_from=valid_from, valid_to=valid_to, closed_on=closed_on, granted_on=valid_from,
        )
        voucher.granted = {
            content: VoucherContent.objects.create(voucher=voucher, content=self.contents[content], **fields)
            for content, fields in contents
        }
        return voucher

    def reserve(self, voucher, provider, user, *, content, text, unit=None, on_behalf=False):
        return Reservation.objects.create(
            voucher=voucher,
            voucher_content=voucher.granted[content],
            provider=provider,
            unit=unit or self.default_unit(provider),
            event_text=text,
            terms_accepted=True,
            on_behalf=on_behalf,
            created_by=user,
        )

    def default_unit(self, provider):
        if provider.pk not in self._default_units:
            self._default_units[provider.pk] = provider.units.get(is_default=True)
        return self._default_units[provider.pk]

    def price(self, reservation):
        key = (reservation.voucher_content.content_id, reservation.provider_id, reservation.voucher.organiser_id)
        if key not in self._prices:
            self._prices[key] = PriceListItem.objects.get(
                content_id=key[0], price_list__agreement__provider_id=key[1], price_list__agreement__organiser_id=key[2]
            )
        return self._prices[key]

    def event(self, reservation, day, quantity, note=""):
        row = reservation.voucher_content
        item = self.price(reservation)
        total, voucher_share, customer_share = split_price(
            kind=reservation.voucher.kind, quantity=quantity, unit_price=item.unit_price, unit_value=row.unit_value
        )
        return Event.objects.create(
            reservation=reservation, date=day, quantity=quantity, unit_price=item.unit_price, total=total,
            voucher_share=voucher_share, customer_share=customer_share, status=EventStatus.APPROVED,
            note=note, created_by=reservation.created_by,
        )

    # Known vouchers (the training guide names them) ---------------------------------
    def _known_vouchers(self) -> int:
        """The vouchers 1001–4001 of the training guide, each with what hangs on it; how many were new."""
        return self._known_home_care_and_cleaning() + self._known_health_station() + self._known_respite_and_housing()

    def _known(self, number, service, person, *, ago, ahead, closed_ago=None, contents):
        """A known voucher of Esimerkki for ``person`` (index, first, last name), valid from ``ago`` days back to
        ``ahead`` days on (closed ``closed_ago`` days back); None when it exists already."""
        t = self.today
        days = dt.timedelta
        return self.voucher(number, organiser=self.esimerkki, service=service, customer=self.customer(*person),
                            valid_from=t - days(ago), valid_to=t + days(ahead),
                            closed_on=None if closed_ago is None else t - days(closed_ago), contents=contents)

    def _known_home_care_and_cleaning(self) -> int:
        """1001 unreserved, 1002 cleaning, 1003 and 1004 closed, 1005 reserved with morning visits recorded."""
        plain = [
            self._known("1001", "Kotihoito", (1, "Aino", "Virtanen"), ago=10, ahead=355, contents=HOME_CARE),
            self._known("1002", "Siivous", (2, "Eino", "Korhonen"), ago=20, ahead=345, contents=CLEANING),
            self._known("1003", "Kotihoito", (3, "Helmi", "Mäkinen"), ago=200, ahead=165, closed_ago=30, contents=HOME_CARE),
            self._known("1004", "Kotihoito", (4, "Väinö", "Nieminen"), ago=300, ahead=65, closed_ago=90, contents=HOME_CARE),
        ]
        reserved = self._known("1005", "Kotihoito", (5, "Siiri", "Mäkelä"), ago=45, ahead=320, contents=HOME_CARE)
        if reserved:
            r = self.reserve(reserved, self.hoiva, self.tuottaja, content="Kotihoidon käynti",
                             text="Aamukäynti arkisin klo 8–9, lääkkeet ja aamupala.",
                             unit=self.hoiva.units.get(name="Kotihoito Itä"))
            for back in (12, 9, 6, 3):
                self.event(r, self.today - dt.timedelta(days=back), Decimal("1"), "Aamukäynti")
        return _new(*plain, reserved)

    def _known_health_station(self) -> int:
        """2001 not chosen yet, 2002 at Kilpailija and still locked in, 2003 at Kilpailija with the lock-in passed."""
        t = self.today
        days = dt.timedelta
        free = self._known("2001", "Terveysaseman palvelut", (6, "Onni", "Hämäläinen"), ago=5, ahead=725, contents=CAPITATION)
        locked = self._known("2002", "Terveysaseman palvelut", (7, "Elli", "Laine"), ago=90, ahead=640, contents=CAPITATION)
        if locked:
            self.customership(locked, self.kilpailija, start=t - days(60), locked_until=t + days(305))
        lapsed = self._known("2003", "Terveysaseman palvelut", (8, "Toivo", "Heikkinen"), ago=430, ahead=300, contents=CAPITATION)
        if lapsed:
            self.customership(lapsed, self.kilpailija, start=t - days(400), locked_until=t - days(35))
        return _new(free, locked, lapsed)

    def _known_respite_and_housing(self) -> int:
        """3001 a 500 € respite balance in use at Hoiva, 4001 assisted living not reserved yet."""
        respite = self._known("3001", "Omaishoidon vapaa", (9, "Lempi", "Koskinen"), ago=60, ahead=305,
                              contents=[("Omaishoidon vapaan palvelut", {"amount": Decimal("500.00")})])
        if respite:
            r = self.reserve(respite, self.hoiva, self.tuottaja, content="Omaishoidon vapaan palvelut",
                             text="Omaishoitajan vapaapäivien sijaishoito kotona.")
            for back, euros in ((40, "60.00"), (25, "45.50"), (8, "80.00")):
                self.event(r, self.today - dt.timedelta(days=back), Decimal(euros), "Sijaishoito")
        housing = self._known("4001", "Tehostettu palveluasuminen", (10, "Veikko", "Järvinen"), ago=15, ahead=350, contents=HOUSING)
        return _new(respite, housing)

    def customership(self, voucher, provider, *, start, locked_until, office=None):
        return Customership.objects.create(
            voucher=voucher, provider=provider, office=office or provider.offices.first(), start_date=start,
            locked_until=locked_until, approvals_accepted=True,
            created_by=self.kilpailija_user if provider == self.kilpailija else self.tuottaja,
        )

    # Volume vouchers (so that lists look real) --------------------------------------
    def _volume_vouchers(self) -> int:
        """A few hundred more vouchers, reservations, customerships and events; how many vouchers were new."""
        self._volume_staff()
        return sum(self._volume_voucher(i) for i in range(VOLUME_COUNT))

    def _volume_staff(self):
        """Who records for each provider (a demo user for each smaller one), and the offices customers choose from."""
        User = get_user_model()
        self.provider_users = {self.hoiva: self.tuottaja, self.kilpailija: self.kilpailija_user}
        for provider in (self.kotiapu, self.koivula, self.puhdas):
            self.provider_users[provider], _ = User.objects.get_or_create(
                username=f"demo-{provider.pk}", defaults={"first_name": "Demo", "last_name": provider.name}
            )
        self.health_station_offices = {p.pk: list(p.offices.order_by("name")) for p in (self.hoiva, self.kilpailija)}

    def _volume_voucher(self, i) -> bool:
        """Voucher 10001 + i of a random kind (Naapuri's are all home care) and its use; False when it exists."""
        rng = self.rng
        customer = self.customer(100 + i)
        valid_from, valid_to, closed_on = self._random_validity()
        organiser = self.naapuri if i % 10 == 9 else self.esimerkki
        kind = rng.choices(list(VOLUME_KINDS), [weight for _service, weight, _contents in VOLUME_KINDS.values()])[0]
        if organiser == self.naapuri:
            kind = "home"
        service, _weight, contents = VOLUME_KINDS[kind]
        voucher = self.voucher(str(10001 + i), organiser=organiser, service=service, customer=customer,
                               valid_from=valid_from, valid_to=valid_to, closed_on=closed_on, contents=contents(rng))
        if not voucher:
            return False
        use = {
            "home": self._home_care_use,
            "cleaning": self._cleaning_use,
            "capitation": self._health_station_choice,
            "balance": self._respite_use,
            "housing": self._housing_placement,
        }[kind]
        use(voucher)
        return True

    def _random_validity(self):
        """From 20–400 days back for one year (two, one time in three); about one in eight closed in the last fortnight."""
        rng = self.rng
        days = dt.timedelta
        valid_from = self.today - days(rng.randint(20, 400))
        valid_to = valid_from + days(rng.choice([365, 365, 730]))
        closed_on = None
        if rng.random() < 0.12:
            closed_on = min(valid_to, self.today - days(rng.randint(1, 15)))
            closed_on = max(closed_on, valid_from)
        return valid_from, valid_to, closed_on

    def _home_care_use(self, voucher):
        """At Hoiva (Naapuri's always, the rest mostly) or Kotiapu; three in four reserved with visits recorded."""
        rng = self.rng
        provider = self.hoiva if voucher.organiser == self.naapuri or rng.random() < 0.7 else self.kotiapu
        if rng.random() < 0.75:
            content = rng.choice(["Kotihoidon käynti", "Kotihoidon tunti"])
            self._reserved_with_events(voucher, provider, content, "Kotihoidon käynnit sovitusti.",
                                       lambda: Decimal(rng.choice(["1", "1", "1.5", "2"])))

    def _cleaning_use(self, voucher):
        if self.rng.random() < 0.6:
            self._reserved_with_events(voucher, self.puhdas, "Siivouskerta", "Siivous joka toinen viikko.", lambda: Decimal("1"))

    def _health_station_choice(self, voucher):
        """Most customers choose Hoiva or Kilpailija within ten days (if still valid then), locked in for a year."""
        rng = self.rng
        if rng.random() < 0.8:
            provider = self.hoiva if rng.random() < 0.6 else self.kilpailija
            start = voucher.valid_from + dt.timedelta(days=rng.randint(0, 10))
            if start <= (voucher.closed_on or voucher.valid_to):
                self.customership(voucher, provider, start=start, locked_until=start + dt.timedelta(days=365),
                                  office=rng.choice(self.health_station_offices[provider.pk]))

    def _respite_use(self, voucher):
        rng = self.rng
        if rng.random() < 0.7:
            self._reserved_with_events(voucher, self.hoiva, "Omaishoidon vapaan palvelut", "Sijaishoito kotona.",
                                       lambda: Decimal(rng.choice(["35.00", "42.50", "60.00"])), most=3)

    def _housing_placement(self, voucher):
        """Placed by the organiser's staff on the provider's behalf, at Hoiva or Koivula."""
        rng = self.rng
        if rng.random() < 0.7:
            provider = self.hoiva if rng.random() < 0.5 else self.koivula
            self._reserved_with_events(voucher, provider, "Asumisvuorokausi", "Tehostettu palveluasuminen, ympärivuorokautinen.",
                                       lambda: Decimal(rng.choice(["7", "10", "14"])), most=2, on_behalf=True)

    def _reserved_with_events(self, voucher, provider, content, text, quantity, *, most=5, on_behalf=False):
        """Reserve ``content`` for ``provider`` (by its recorder, or on its behalf by Jaana) and record a few events."""
        user = self.jarjestaja if on_behalf else self.provider_users[provider]
        reservation = self.reserve(voucher, provider, user, content=content, text=text, on_behalf=on_behalf)
        self.demo_events(reservation, quantity, most)

    def demo_events(self, reservation, quantity, most=5):
        voucher = reservation.voucher
        last = min(self.today - dt.timedelta(days=1), voucher.effective_end)
        if last < voucher.valid_from:
            return
        span = (last - voucher.valid_from).days
        for _ in range(self.rng.randint(0, most)):
            self.event(reservation, voucher.valid_from + dt.timedelta(days=self.rng.randint(0, span)), quantity())


def _new(*vouchers) -> int:
    """How many of these were created now (``Command.voucher`` returns None for an existing one)."""
    return sum(voucher is not None for voucher in vouchers)
