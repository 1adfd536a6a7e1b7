"""Load the training dataset (koulutusaineisto). Idempotent: a second run adds nothing.

Known logins (password ``demo-salasana``) and voucher numbers are listed in the README.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from core.dates import today
from customers.models import Customership
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
        t = self.today
        self.esimerkki = self.organiser("Esimerkin hyvinvointialue", 3300001, "PSOP-tuki: psop-tuki@esimerkki.example, 010 123 4567")
        self.naapuri = self.organiser("Naapurin hyvinvointialue", 3300101, "PSOP-tuki: psop@naapuri.example, 010 765 4321")
        self.hoiva = self.provider("Hoiva Esimerkki Oy", 2400001, units=["Kotihoito Itä"],
                                   offices=[("Keskusta", "Hämeenkatu 10", "Tampere"), ("Itä", "Hervannan valtaväylä 5", "Tampere")])
        self.kilpailija = self.provider("Kilpailija Oy", 2400101, offices=[("Kilpailijan terveysasema", "Pirkankatu 3", "Tampere")])
        others = [
            self.provider("Kotiapu Lehtonen Oy", 2400201, offices=[("Nokia", "Välikatu 2", "Nokia")]),
            self.provider("Palvelukoti Koivula Oy", 2400301, offices=[("Koivula", "Koivukuja 1", "Kangasala")]),
            self.provider("Puhdas Koti Oy", 2400401),
        ]
        self.services = {}
        self.contents = {}
        for name, kind, contents in SERVICES:
            service, _ = Service.objects.get_or_create(name=name, defaults={"kind": kind})
            self.services[name] = service
            for content_name, unit, _price in contents:
                self.contents[content_name], _ = ServiceContent.objects.get_or_create(
                    service=service, name=content_name, defaults={"unit": unit}
                )
        prices = {content: Decimal(price) for _n, _k, rows in SERVICES for content, _u, price in rows}
        start = t - dt.timedelta(days=500)
        for name in ["Kotihoito", "Terveysaseman palvelut", "Omaishoidon vapaa", "Tehostettu palveluasuminen"]:
            self.agreement(self.esimerkki, self.hoiva, name, start, prices)
        self.agreement(self.esimerkki, self.kilpailija, "Terveysaseman palvelut", start, prices, factor=Decimal("0.95"))
        self.agreement(self.esimerkki, others[0], "Kotihoito", start, prices, factor=Decimal("1.05"))
        self.agreement(self.esimerkki, others[1], "Tehostettu palveluasuminen", start, prices, factor=Decimal("0.98"))
        self.agreement(self.esimerkki, others[2], "Siivous", start, prices)
        self.agreement(self.naapuri, self.hoiva, "Kotihoito", start, prices, factor=Decimal("1.02"))
        self.users()
        created = self.training_vouchers()
        created += self.bulk_vouchers(others)
        return created

    def organiser(self, name, base, support):
        organiser, _ = Organiser.objects.get_or_create(
            name=name, defaults={"business_id": make_business_id(base), "support_contact": support}
        )
        return organiser

    def provider(self, name, base, *, units=(), offices=()):
        provider, _ = Provider.objects.get_or_create(name=name, defaults={"business_id": make_business_id(base)})
        ProviderUnit.objects.get_or_create(provider=provider, is_default=True, defaults={"name": name})
        for unit in units:
            ProviderUnit.objects.get_or_create(provider=provider, name=unit)
        for office, street, municipality in offices:
            Office.objects.get_or_create(
                provider=provider, name=office, defaults={"street_address": street, "municipality": municipality}
            )
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
        self.tuottaja = User.objects.get(username="tuottaja")
        self.jarjestaja = User.objects.get(username="jarjestaja")
        self.kilpailija_user = User.objects.get(username="kilpailija")

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

    def training_vouchers(self) -> int:
        t = self.today
        days = dt.timedelta
        home_care = [
            ("Kotihoidon käynti", {"quantity": Decimal("20"), "unit_value": Decimal("30.00"), "period": "month"}),
            ("Kotihoidon tunti", {"quantity": Decimal("10"), "unit_value": Decimal("38.00"), "period": "month"}),
        ]
        org = self.esimerkki
        created = 0
        v = self.voucher("1001", organiser=org, service="Kotihoito", customer=self.customer(1, "Aino", "Virtanen"),
                         valid_from=t - days(10), valid_to=t + days(355), contents=home_care)
        created += v is not None
        v = self.voucher("1002", organiser=org, service="Siivous", customer=self.customer(2, "Eino", "Korhonen"),
                         valid_from=t - days(20), valid_to=t + days(345),
                         contents=[("Siivouskerta", {"quantity": Decimal("2"), "unit_value": Decimal("45.00"), "period": "month"})])
        created += v is not None
        v = self.voucher("1003", organiser=org, service="Kotihoito", customer=self.customer(3, "Helmi", "Mäkinen"),
                         valid_from=t - days(200), valid_to=t + days(165), closed_on=t - days(30), contents=home_care)
        created += v is not None
        v = self.voucher("1004", organiser=org, service="Kotihoito", customer=self.customer(4, "Väinö", "Nieminen"),
                         valid_from=t - days(300), valid_to=t + days(65), closed_on=t - days(90), contents=home_care)
        created += v is not None
        v = self.voucher("1005", organiser=org, service="Kotihoito", customer=self.customer(5, "Siiri", "Mäkelä"),
                         valid_from=t - days(45), valid_to=t + days(320), contents=home_care)
        if v:
            created += 1
            r = self.reserve(v, self.hoiva, self.tuottaja, content="Kotihoidon käynti",
                             text="Aamukäynti arkisin klo 8–9, lääkkeet ja aamupala.",
                             unit=self.hoiva.units.get(name="Kotihoito Itä"))
            for back in (12, 9, 6, 3):
                self.event(r, t - days(back), Decimal("1"), "Aamukäynti")
        capitation = [("Kapitaatiokorvaus", {"quantity": Decimal("1"), "period": "month"})]
        v = self.voucher("2001", organiser=org, service="Terveysaseman palvelut", customer=self.customer(6, "Onni", "Hämäläinen"),
                         valid_from=t - days(5), valid_to=t + days(725), contents=capitation)
        created += v is not None
        v = self.voucher("2002", organiser=org, service="Terveysaseman palvelut", customer=self.customer(7, "Elli", "Laine"),
                         valid_from=t - days(90), valid_to=t + days(640), contents=capitation)
        if v:
            created += 1
            self.customership(v, self.kilpailija, start=t - days(60), locked_until=t + days(305))
        v = self.voucher("2003", organiser=org, service="Terveysaseman palvelut", customer=self.customer(8, "Toivo", "Heikkinen"),
                         valid_from=t - days(430), valid_to=t + days(300), contents=capitation)
        if v:
            created += 1
            self.customership(v, self.kilpailija, start=t - days(400), locked_until=t - days(35))
        v = self.voucher("3001", organiser=org, service="Omaishoidon vapaa", customer=self.customer(9, "Lempi", "Koskinen"),
                         valid_from=t - days(60), valid_to=t + days(305),
                         contents=[("Omaishoidon vapaan palvelut", {"amount": Decimal("500.00")})])
        if v:
            created += 1
            r = self.reserve(v, self.hoiva, self.tuottaja, content="Omaishoidon vapaan palvelut",
                             text="Omaishoitajan vapaapäivien sijaishoito kotona.")
            for back, euros in ((40, "60.00"), (25, "45.50"), (8, "80.00")):
                self.event(r, t - days(back), Decimal(euros), "Sijaishoito")
        v = self.voucher("4001", organiser=org, service="Tehostettu palveluasuminen", customer=self.customer(10, "Veikko", "Järvinen"),
                         valid_from=t - days(15), valid_to=t + days(350),
                         contents=[("Asumisvuorokausi", {"quantity": Decimal("31"), "period": "month"})])
        created += v is not None
        return created

    def customership(self, voucher, provider, *, start, locked_until, office=None):
        return Customership.objects.create(
            voucher=voucher, provider=provider, office=office or provider.offices.first(), start_date=start,
            locked_until=locked_until, approvals_accepted=True,
            created_by=self.kilpailija_user if provider == self.kilpailija else self.tuottaja,
        )

    def bulk_vouchers(self, others) -> int:
        """A few hundred more vouchers, reservations, customerships and events so that lists look real."""
        t = self.today
        rng = self.rng
        days = dt.timedelta
        kotiapu, koivula, puhdas = others
        User = get_user_model()
        provider_users = {self.hoiva: self.tuottaja, self.kilpailija: self.kilpailija_user}
        for provider in others:
            provider_users[provider], _ = User.objects.get_or_create(
                username=f"demo-{provider.pk}", defaults={"first_name": "Demo", "last_name": provider.name}
            )
        offices = {p.pk: list(p.offices.order_by("name")) for p in (self.hoiva, self.kilpailija)}
        created = 0
        for i in range(320):
            number = str(10001 + i)
            customer = self.customer(100 + i)
            valid_from = t - days(rng.randint(20, 400))
            valid_to = valid_from + days(rng.choice([365, 365, 730]))
            closed_on = None
            if rng.random() < 0.12:
                closed_on = min(valid_to, t - days(rng.randint(1, 15)))
                closed_on = max(closed_on, valid_from)
            organiser = self.naapuri if i % 10 == 9 else self.esimerkki
            kind = rng.choices(["home", "cleaning", "capitation", "balance", "housing"], [40, 10, 25, 15, 10])[0]
            if organiser == self.naapuri:
                kind = "home"
            if kind == "home":
                v = self.voucher(number, organiser=organiser, service="Kotihoito", customer=customer,
                                 valid_from=valid_from, valid_to=valid_to, closed_on=closed_on, contents=[
                                     ("Kotihoidon käynti", {"quantity": Decimal(rng.choice([8, 12, 20, 30])), "unit_value": Decimal("30.00"), "period": "month"}),
                                     ("Kotihoidon tunti", {"quantity": Decimal(rng.choice([4, 8, 10])), "unit_value": Decimal("38.00"), "period": "month"})])
                if not v:
                    continue
                provider = self.hoiva if organiser == self.naapuri or rng.random() < 0.7 else kotiapu
                if rng.random() < 0.75:
                    content = rng.choice(["Kotihoidon käynti", "Kotihoidon tunti"])
                    r = self.reserve(v, provider, provider_users[provider], content=content, text="Kotihoidon käynnit sovitusti.")
                    self.demo_events(r, lambda: Decimal(rng.choice(["1", "1", "1.5", "2"])))
            elif kind == "cleaning":
                v = self.voucher(number, organiser=organiser, service="Siivous", customer=customer,
                                 valid_from=valid_from, valid_to=valid_to, closed_on=closed_on,
                                 contents=[("Siivouskerta", {"quantity": Decimal("2"), "unit_value": Decimal("45.00"), "period": "month"})])
                if not v:
                    continue
                if rng.random() < 0.6:
                    r = self.reserve(v, puhdas, provider_users[puhdas], content="Siivouskerta", text="Siivous joka toinen viikko.")
                    self.demo_events(r, lambda: Decimal("1"))
            elif kind == "capitation":
                v = self.voucher(number, organiser=organiser, service="Terveysaseman palvelut", customer=customer,
                                 valid_from=valid_from, valid_to=valid_to, closed_on=closed_on,
                                 contents=[("Kapitaatiokorvaus", {"quantity": Decimal("1"), "period": "month"})])
                if not v:
                    continue
                if rng.random() < 0.8:
                    provider = self.hoiva if rng.random() < 0.6 else self.kilpailija
                    start = valid_from + days(rng.randint(0, 10))
                    if start <= (closed_on or valid_to):
                        self.customership(v, provider, start=start, locked_until=start + days(365),
                                          office=rng.choice(offices[provider.pk]))
            elif kind == "balance":
                v = self.voucher(number, organiser=organiser, service="Omaishoidon vapaa", customer=customer,
                                 valid_from=valid_from, valid_to=valid_to, closed_on=closed_on,
                                 contents=[("Omaishoidon vapaan palvelut", {"amount": Decimal(rng.choice([300, 500, 800]))})])
                if not v:
                    continue
                if rng.random() < 0.7:
                    r = self.reserve(v, self.hoiva, self.tuottaja, content="Omaishoidon vapaan palvelut", text="Sijaishoito kotona.")
                    self.demo_events(r, lambda: Decimal(rng.choice(["35.00", "42.50", "60.00"])), most=3)
            else:
                v = self.voucher(number, organiser=organiser, service="Tehostettu palveluasuminen", customer=customer,
                                 valid_from=valid_from, valid_to=valid_to, closed_on=closed_on,
                                 contents=[("Asumisvuorokausi", {"quantity": Decimal("31"), "period": "month"})])
                if not v:
                    continue
                if rng.random() < 0.7:
                    provider = self.hoiva if rng.random() < 0.5 else koivula
                    r = self.reserve(v, provider, self.jarjestaja, content="Asumisvuorokausi",
                                     text="Tehostettu palveluasuminen, ympärivuorokautinen.", on_behalf=True)
                    self.demo_events(r, lambda: Decimal(rng.choice(["7", "10", "14"])), most=2)
            created += 1
        return created

    def demo_events(self, reservation, quantity, most=5):
        voucher = reservation.voucher
        last = min(self.today - dt.timedelta(days=1), voucher.effective_end)
        if last < voucher.valid_from:
            return
        span = (last - voucher.valid_from).days
        for _ in range(self.rng.randint(0, most)):
            self.event(reservation, voucher.valid_from + dt.timedelta(days=self.rng.randint(0, span)), quantity())
