"""The public comparison of providers (issue 25): an organiser's providers of one service with an
agreement and a price list valid on a day, their prices per content, offices, languages,
description and when they joined. No personal data: anyone may read it, nothing is audited.

What is read is cached per organiser, service and day (Django's cache, settings.CACHES); the
registers' services drop an organiser's and service's entries when they change an agreement or a
price list (``comparison_forget``), so the next reader reads anew. A provider's own description and
offices are read with it and live in the cache until it expires (settings.COMPARISON_CACHE_SECONDS).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import OuterRef, Subquery

from core.dates import today
from organisations.models import Office, ServiceLanguage
from vouchers.models import PriceListItem, ServiceAgreement
from vouchers.selectors import priced_on_q

# Bumped when the cached shape changes, so that a process never reads another version's entries.
CACHE_VERSION = 1


@dataclass(frozen=True)
class ComparedOffice:
    name: str
    street_address: str
    postal_code: str
    municipality: str


@dataclass
class ComparedProvider:
    id: int
    name: str
    description: str
    languages: list[str]
    joined: dt.date  # the start of its earliest agreement with the organiser for the service
    prices: dict[int, Decimal] = field(default_factory=dict)  # content id -> unit price
    offices: list[ComparedOffice] = field(default_factory=list)

    @property
    def language_labels(self) -> list[str]:
        return [str(ServiceLanguage(code).label) for code in self.languages if code in ServiceLanguage.values]

    @property
    def municipalities(self) -> set[str]:
        return {office.municipality for office in self.offices if office.municipality}


def _key(organiser_id: int, service_id: int, day: dt.date) -> str:
    return f"comparison:{CACHE_VERSION}:{organiser_id}:{service_id}:{day.isoformat()}"


def _days_cached() -> list[dt.date]:
    """The days an entry may be kept for: today and the days either side (the date moves at midnight,
    and not in every process at the same moment)."""
    now = today()
    return [now, now - dt.timedelta(days=1), now + dt.timedelta(days=1)]


def comparison_forget(*, organiser_id: int, service_id: int) -> None:
    """An agreement or a price list of the organiser for the service changed: the comparison is
    read anew. Called by the registers' services on commit."""
    cache.delete_many([_key(organiser_id, service_id, day) for day in _days_cached()])


def _read(organiser_id: int, service_id: int, day: dt.date) -> list[ComparedProvider]:
    """Two queries whatever the number of providers: the prices with their providers, the offices."""
    joined = (
        ServiceAgreement.objects.filter(
            organiser_id=organiser_id, service_id=service_id, provider_id=OuterRef("price_list__agreement__provider_id"),
        )
        .order_by("valid_from")
        .values("valid_from")[:1]
    )
    rows = (
        PriceListItem.objects.filter(
            priced_on_q(day, path="price_list__"),
            price_list__agreement__organiser_id=organiser_id,
            price_list__agreement__service_id=service_id,
        )
        .annotate(joined=Subquery(joined))
        .values_list(
            "price_list__agreement__provider_id", "price_list__agreement__provider__name",
            "price_list__agreement__provider__description", "price_list__agreement__provider__languages",
            "joined", "content_id", "unit_price",
        )
    )
    providers: dict[int, ComparedProvider] = {}
    for provider_id, name, description, languages, since, content_id, price in rows:
        provider = providers.get(provider_id)
        if provider is None:
            provider = providers[provider_id] = ComparedProvider(
                id=provider_id, name=name, description=description, languages=list(languages or []), joined=since,
            )
        provider.prices[content_id] = price
    if providers:
        offices = Office.objects.filter(provider_id__in=list(providers)).order_by("municipality", "name").values_list(
            "provider_id", "name", "street_address", "postal_code", "municipality",
        )
        for provider_id, *office in offices:
            providers[provider_id].offices.append(ComparedOffice(*office))
    return sorted(providers.values(), key=lambda provider: (provider.name.lower(), provider.id))


def compared_providers(*, organiser_id: int, service_id: int, day: dt.date | None = None) -> list[ComparedProvider]:
    """The organiser's providers of the service with an agreement and a price list valid on ``day``
    (today), by name; from the cache when it has them."""
    day = day or today()
    key = _key(organiser_id, service_id, day)
    providers = cache.get(key)
    if providers is None:
        providers = _read(organiser_id, service_id, day)
        cache.set(key, providers, settings.COMPARISON_CACHE_SECONDS)
    return providers
