"""Scenario helpers for the event tests: a priced reservation of one kind of voucher."""

import datetime as dt
from decimal import Decimal

from core.dates import today
from events.models import EventStatus
from tests.factories import (
    EventFactory,
    ProviderFactory,
    ReservationFactory,
    ServiceContentFactory,
    ServiceFactory,
    VoucherContentFactory,
    VoucherFactory,
    price_everything,
)
from vouchers.models import ContentUnit, VoucherContent, VoucherKind

D = Decimal


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def priced_reservation(
    *,
    kind=VoucherKind.SERVICE_VOUCHER,
    quantity=D("10"),
    amount=None,
    unit_value=D("15.00"),
    period=VoucherContent.Period.VALIDITY,
    unit_price=D("25.00"),
    unit=ContentUnit.VISIT,
    provider=None,
    organiser=None,
    **voucher_kwargs,
):
    """A reservation of a fresh voucher whose provider has a valid agreement and price list."""
    service = ServiceFactory(kind=kind)
    if organiser is not None:
        voucher_kwargs["organiser"] = organiser
    voucher = VoucherFactory(service=service, **voucher_kwargs)
    content = VoucherContentFactory(
        voucher=voucher,
        content=ServiceContentFactory(service=service, unit=unit),
        quantity=quantity,
        amount=amount,
        unit_value=unit_value,
        period=period,
    )
    provider = provider or ProviderFactory()
    price_everything(provider=provider, voucher=voucher, unit_price=unit_price)
    return ReservationFactory(voucher=voucher, voucher_content=content, provider=provider)


def balance_reservation(*, amount=D("500.00"), **kwargs):
    return priced_reservation(
        kind=VoucherKind.BALANCE, quantity=None, amount=amount, unit_value=None, unit=ContentUnit.EURO, **kwargs
    )


def settled_event(reservation, **kwargs):
    kwargs.setdefault("status", EventStatus.SETTLED)
    return EventFactory(reservation=reservation, **kwargs)
