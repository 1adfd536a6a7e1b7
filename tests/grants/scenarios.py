"""Scenarios of granting (built from tests/factories.py): an organiser that grants a service it has
an agreement and a price list for, its staff user, and a provider with a user."""

from dataclasses import dataclass
from decimal import Decimal

from core.dates import today
from grants.services import Granted, voucher_grant
from organisations.models import Organiser, Provider
from tests.factories import (
    CustomerFactory,
    OrganiserFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProviderFactory,
    ReservationFactory,
    ServiceAgreementFactory,
    ServiceContentFactory,
    ServiceFactory,
    organiser_user,
    provider_user,
)
from vouchers.models import ContentUnit, Service, ServiceContent, VoucherContent, VoucherKind


@dataclass
class Granting:
    organiser: Organiser
    provider: Provider
    service: Service
    hours: ServiceContent  # priced 48,50 € an hour at the provider
    visits: ServiceContent  # priced 42,00 € a visit
    user: object  # the organiser's staff
    provider_user: object

    def grant(self, *, customer=None, quantity="10", unit_value="38.00", period=VoucherContent.Period.MONTH, **kwargs):
        """A voucher of hours granted through the service, as the page grants it."""
        kwargs.setdefault("valid_from", today())
        kwargs.setdefault("valid_to", today().replace(year=today().year + 1))
        contents = kwargs.pop("contents", None) or [Granted(
            content_id=self.hours.pk, quantity=Decimal(quantity), unit_value=Decimal(unit_value), period=period)]
        voucher, _ = voucher_grant(user=self.user, customer=customer or CustomerFactory(), service=self.service,
                                   contents=contents, **kwargs)
        return voucher

    def reserve(self, voucher, content=None):
        """The provider's reservation of ``content`` (default: the hours) on the voucher."""
        row = voucher.contents.get(content=content or self.hours)
        return ReservationFactory(voucher=voucher, voucher_content=row, provider=self.provider,
                                  created_by=self.provider_user)


def granting(*, kind: str = VoucherKind.SERVICE_VOUCHER) -> Granting:
    organiser = OrganiserFactory()
    service = ServiceFactory(name=f"Kotihoito {ServiceFactory._meta.model.objects.count() + 1}", kind=kind)
    unit = ContentUnit.EURO if kind == VoucherKind.BALANCE else ContentUnit.HOUR
    hours = ServiceContentFactory(service=service, name="Kotihoidon tunti", unit=unit)
    visits = ServiceContentFactory(service=service, name="Kotihoidon käynti", unit=ContentUnit.VISIT)
    provider = ProviderFactory(name=f"Hoiva {organiser.pk} Oy")
    agreement = ServiceAgreementFactory(organiser=organiser, provider=provider, service=service)
    price_list = PriceListFactory(agreement=agreement)
    PriceListItemFactory(price_list=price_list, content=hours, unit_price=Decimal("48.50"))
    PriceListItemFactory(price_list=price_list, content=visits, unit_price=Decimal("42.00"))
    return Granting(organiser=organiser, provider=provider, service=service, hours=hours, visits=visits,
                    user=organiser_user(organiser), provider_user=provider_user(provider))
