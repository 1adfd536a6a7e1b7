"""Scenario helpers for the reservation tests (built from tests/factories.py)."""

import datetime as dt
from dataclasses import dataclass, field

from audit.models import AuditEntry
from organisations.models import Organiser, Provider
from reservations.models import Reservation
from tests.factories import (
    OrganiserFactory,
    ProviderFactory,
    ServiceFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    price_everything,
    provider_user,
)
from vouchers.models import Voucher, VoucherContent, VoucherKind


@dataclass
class Scene:
    organiser: Organiser
    provider: Provider
    voucher: Voucher
    contents: list[VoucherContent] = field(default_factory=list)
    provider_user: object = None
    organiser_user: object = None

    @property
    def content(self) -> VoucherContent:
        return self.contents[0]


def reservable_voucher(
    *,
    kind: str = VoucherKind.SERVICE_VOUCHER,
    contents: int = 2,
    closed_days_ago: int | None = None,
    closed_on: dt.date | None = None,
    priced: bool = True,
    number: str | None = None,
) -> Scene:
    """A voucher with ``contents`` contents, a provider with a valid agreement and price list for it
    (unless ``priced`` is False), a provider user and an organiser user of the voucher's organiser."""
    organiser = OrganiserFactory()
    service = ServiceFactory(kind=kind)
    extra = {"number": number} if number else {}
    if closed_days_ago is not None:
        voucher = VoucherFactory.closed(days_ago=closed_days_ago, organiser=organiser, service=service, **extra)
    elif closed_on is not None:
        voucher = VoucherFactory(
            organiser=organiser, service=service, closed_on=closed_on, valid_from=closed_on - dt.timedelta(days=90), **extra
        )
    else:
        voucher = VoucherFactory(organiser=organiser, service=service, **extra)
    rows = [VoucherContentFactory(voucher=voucher) for _ in range(contents)]
    provider = ProviderFactory()
    if priced:
        price_everything(provider=provider, voucher=voucher)
    return Scene(
        organiser=organiser,
        provider=provider,
        voucher=voucher,
        contents=rows,
        provider_user=provider_user(provider),
        organiser_user=organiser_user(organiser),
    )


def rival_provider(scene: Scene):
    """Another provider with its own agreement and price list for the same voucher, and its user."""
    provider = ProviderFactory()
    price_everything(provider=provider, voucher=scene.voucher)
    return provider, provider_user(provider)


def change_rows() -> int:
    return AuditEntry.objects.filter(action=AuditEntry.Action.CHANGE).count()


def assert_nothing_written():
    assert Reservation.objects.count() == 0
    assert change_rows() == 0
