"""factory-boy factories with scenario constructors, e.g. ``VoucherFactory.closed(days_ago=30)``."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from core.dates import today
from customers.models import Customership
from demo.identifiers import make_business_id, make_henkilotunnus
from events.models import Event
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

PASSWORD = "testi-salasana-123"


class OrganiserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organiser
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Testin hyvinvointialue {n}")
    business_id = factory.Sequence(lambda n: make_business_id(3100000 + n * 3))


class ProviderFactory(factory.django.DjangoModelFactory):
    """A provider with its default unit (the company itself)."""

    class Meta:
        model = Provider
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Testihoiva {n} Oy")
    business_id = factory.Sequence(lambda n: make_business_id(2100000 + n * 3))

    @factory.post_generation
    def default_unit(self, create, extracted, **kwargs):
        if create:
            ProviderUnit.objects.create(provider=self, name=self.name, is_default=True)


class ProviderUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderUnit

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Osa {n}")


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    provider = factory.SubFactory(ProviderFactory)
    name = factory.Sequence(lambda n: f"Toimipaikka {n}")
    municipality = "Tampere"


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Palvelu {n}")
    kind = VoucherKind.SERVICE_VOUCHER


class ServiceContentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceContent

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Sisältö {n}")
    unit = ContentUnit.VISIT


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    first_name = factory.Iterator(["Aino", "Eino", "Helmi", "Väinö", "Siiri", "Onni"])
    last_name = factory.Iterator(["Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen"])
    henkilotunnus = factory.Sequence(
        lambda n: make_henkilotunnus(dt.date(1930, 1, 1) + dt.timedelta(days=n // 90), 900 + n % 90)
    )
    municipality = "Tampere"


class VoucherFactory(factory.django.DjangoModelFactory):
    """An open voucher valid from 60 days ago to a year ahead, with no contents."""

    class Meta:
        model = Voucher

    number = factory.Sequence(lambda n: f"{900000 + n}")
    organiser = factory.SubFactory(OrganiserFactory)
    customer = factory.SubFactory(CustomerFactory)
    service = factory.SubFactory(ServiceFactory)
    valid_from = factory.LazyFunction(lambda: today() - dt.timedelta(days=60))
    valid_to = factory.LazyFunction(lambda: today() + dt.timedelta(days=365))

    @classmethod
    def closed(cls, *, days_ago: int, **kwargs):
        kwargs.setdefault("valid_from", today() - dt.timedelta(days=days_ago + 60))
        return cls(closed_on=today() - dt.timedelta(days=days_ago), **kwargs)


class VoucherContentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VoucherContent

    voucher = factory.SubFactory(VoucherFactory)
    content = factory.LazyAttribute(lambda o: ServiceContentFactory(service=o.voucher.service))
    quantity = Decimal("10")
    unit_value = Decimal("15.00")


class ServiceAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAgreement

    organiser = factory.SubFactory(OrganiserFactory)
    provider = factory.SubFactory(ProviderFactory)
    service = factory.SubFactory(ServiceFactory)
    valid_from = factory.LazyFunction(lambda: today() - dt.timedelta(days=365))
    valid_to = None


class PriceListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceList

    agreement = factory.SubFactory(ServiceAgreementFactory)
    name = factory.Sequence(lambda n: f"Hinnasto {n}")
    valid_from = factory.LazyAttribute(lambda o: o.agreement.valid_from)
    valid_to = None


class PriceListItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceListItem

    price_list = factory.SubFactory(PriceListFactory)
    content = factory.SubFactory(ServiceContentFactory)
    unit_price = Decimal("25.00")


def price_everything(*, provider, voucher, unit_price=Decimal("25.00")) -> PriceList:
    """A valid agreement and price list for the voucher's service, pricing each of its contents."""
    agreement = ServiceAgreementFactory(organiser=voucher.organiser, provider=provider, service=voucher.service)
    price_list = PriceListFactory(agreement=agreement)
    for row in voucher.contents.all():
        PriceListItemFactory(price_list=price_list, content=row.content, unit_price=unit_price)
    return price_list


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"kayttaja{n}")
    first_name = "Testi"
    last_name = factory.Sequence(lambda n: f"Käyttäjä{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(self, create, extracted, **kwargs):
        if create:
            self.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    provider = factory.SubFactory(ProviderFactory)
    organiser = None
    role = Membership.Role.PROVIDER_ADMIN


def provider_user(provider=None, *, role=Membership.Role.PROVIDER_ADMIN, **user_kwargs):
    provider = provider or ProviderFactory()
    return MembershipFactory(user=UserFactory(**user_kwargs), provider=provider, role=role).user


def organiser_user(organiser=None, *, role=Membership.Role.ORGANISER_STAFF, **user_kwargs):
    organiser = organiser or OrganiserFactory()
    return MembershipFactory(user=UserFactory(**user_kwargs), provider=None, organiser=organiser, role=role).user


class ReservationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reservation

    voucher = factory.SubFactory(VoucherFactory)
    voucher_content = factory.LazyAttribute(lambda o: VoucherContentFactory(voucher=o.voucher))
    provider = factory.SubFactory(ProviderFactory)
    unit = factory.LazyAttribute(lambda o: o.provider.units.get(is_default=True))
    event_text = "Käynnit arkisin aamulla"
    terms_accepted = True
    created_by = factory.LazyAttribute(lambda o: provider_user(o.provider))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    reservation = factory.SubFactory(ReservationFactory)
    date = factory.LazyFunction(lambda: today() - dt.timedelta(days=1))
    quantity = Decimal("1")
    unit_price = Decimal("25.00")
    total = Decimal("25.00")
    voucher_share = Decimal("15.00")
    customer_share = Decimal("10.00")
    created_by = factory.LazyAttribute(lambda o: o.reservation.created_by)


class CustomershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customership

    voucher = factory.SubFactory(VoucherFactory, service=factory.SubFactory(ServiceFactory, kind=VoucherKind.CAPITATION))
    provider = factory.SubFactory(ProviderFactory)
    office = factory.LazyAttribute(lambda o: OfficeFactory(provider=o.provider))
    start_date = factory.LazyFunction(lambda: today() - dt.timedelta(days=30))
    end_date = None
    locked_until = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=365))
    approvals_accepted = True
    created_by = factory.LazyAttribute(lambda o: provider_user(o.provider))


def login_with_second_factor(client, user):
    """``client`` signed in as ``user`` with a second factor given in the session, as the Django
    admin requires (identity.middleware): a password login followed by a TOTP code."""
    from core.assurance import ALLAUTH_METHODS_KEY, PASSWORD, SESSION_KEY, Assurance

    client.force_login(user)
    session = client.session
    session[SESSION_KEY] = Assurance(method=PASSWORD).to_session()
    session[ALLAUTH_METHODS_KEY] = [{"method": "password", "at": 0, "username": user.username},
                                    {"method": "mfa", "at": 0, "type": "totp"}]
    session.save()
    return user
