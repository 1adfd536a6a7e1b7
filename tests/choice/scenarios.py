"""A county's providers of one service, for the comparison's tests."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from core.dates import today
from tests.factories import (
    OfficeFactory,
    OrganiserFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProviderFactory,
    ServiceAgreementFactory,
    ServiceContentFactory,
    ServiceFactory,
)
from vouchers.models import ContentUnit, VoucherKind

D = Decimal


@dataclass
class Market:
    organiser: object
    service: object
    visit: object  # the service's content "Kotihoidon käynti"
    providers: dict  # name -> provider


def priced_provider(*, organiser, service, prices: dict, name=None, since_days=365, municipality="Tampere",
                    languages=("fi",), description="", price_valid_to=None, **office):
    provider = ProviderFactory(**({"name": name} if name else {}), languages=list(languages), description=description)
    agreement = ServiceAgreementFactory(organiser=organiser, provider=provider, service=service,
                                        valid_from=today() - dt.timedelta(days=since_days))
    price_list = PriceListFactory(agreement=agreement, valid_to=price_valid_to)
    for content, price in prices.items():
        PriceListItemFactory(price_list=price_list, content=content, unit_price=price)
    OfficeFactory(provider=provider, municipality=municipality, **office)
    return provider


def home_care_market() -> Market:
    """Kotihoito of one county: three providers priced today, one whose price list ended, one of
    another county."""
    organiser = OrganiserFactory(name="Esimerkin hyvinvointialue")
    service = ServiceFactory(name="Kotihoito", kind=VoucherKind.SERVICE_VOUCHER)
    visit = ServiceContentFactory(service=service, name="Kotihoidon käynti", unit=ContentUnit.VISIT)
    providers = {
        "Hoiva Esimerkki Oy": priced_provider(
            organiser=organiser, service=service, prices={visit: D("42.00")}, name="Hoiva Esimerkki Oy",
            since_days=700, municipality="Tampere", languages=("fi", "sv"), description="Kotihoitoa vuodesta 2001.",
            street_address="Hämeenkatu 1", postal_code="33100",
        ),
        "Apu Oy": priced_provider(organiser=organiser, service=service, prices={visit: D("38.00")}, name="Apu Oy",
                                  municipality="Nokia", languages=("fi",)),
        "Ödemark Vård Ab": priced_provider(organiser=organiser, service=service, prices={visit: D("35.50")},
                                           name="Ödemark Vård Ab", municipality="Tampere", languages=("sv",)),
        "Vanha Hinta Oy": priced_provider(organiser=organiser, service=service, prices={visit: D("10.00")},
                                          name="Vanha Hinta Oy", price_valid_to=today() - dt.timedelta(days=1)),
    }
    priced_provider(organiser=OrganiserFactory(), service=service, prices={visit: D("1.00")}, name="Muualla Oy")
    return Market(organiser=organiser, service=service, visit=visit, providers=providers)
