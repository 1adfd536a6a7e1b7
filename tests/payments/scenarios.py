"""Scenario helpers for the payment-run tests: capitation vouchers with a monthly fee, and events."""

import datetime as dt
from decimal import Decimal

import pytest

from events.models import EventStatus
from tests.factories import (
    CustomershipFactory,
    EventFactory,
    OfficeFactory,
    OrganiserFactory,
    PriceListFactory,
    PriceListItemFactory,
    ProviderFactory,
    ReservationFactory,
    ServiceAgreementFactory,
    ServiceContentFactory,
    ServiceFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
)
from vouchers.models import ContentUnit, VoucherKind

D = Decimal
LONG_AGO = dt.date(2020, 1, 1)
FAR_AHEAD = dt.date(2030, 12, 31)


def capitation_voucher(organiser, **kwargs):
    """A capitation voucher of ``organiser`` valid 2020–2030, granting one month-unit content."""
    service = kwargs.pop("service", None) or ServiceFactory(kind=VoucherKind.CAPITATION)
    voucher = VoucherFactory(
        organiser=organiser, service=service, valid_from=kwargs.pop("valid_from", LONG_AGO),
        valid_to=kwargs.pop("valid_to", FAR_AHEAD), **kwargs,
    )
    content = service.contents.filter(unit=ContentUnit.MONTH).first() or ServiceContentFactory(
        service=service, unit=ContentUnit.MONTH, name="Kuukausimaksu"
    )
    VoucherContentFactory(voucher=voucher, content=content, quantity=D("1"), unit_value=None)
    return voucher


def priced_provider(voucher, *, fee=D("65.00"), provider=None):
    """A provider with an agreement and a price list (since 2020) pricing the voucher's monthly content."""
    provider = provider or ProviderFactory()
    agreement = ServiceAgreementFactory(
        organiser=voucher.organiser, provider=provider, service=voucher.service, valid_from=LONG_AGO
    )
    price_list = PriceListFactory(agreement=agreement)
    for row in voucher.contents.all():
        PriceListItemFactory(price_list=price_list, content=row.content, unit_price=fee)
    return provider


def customership(voucher, provider, *, start, end=None):
    return CustomershipFactory(
        voucher=voucher, provider=provider, office=OfficeFactory(provider=provider),
        start_date=start, end_date=end, locked_until=start,
    )


def reservation_of(organiser, *, provider=None, kind=VoucherKind.SERVICE_VOUCHER):
    service = ServiceFactory(kind=kind)
    voucher = VoucherFactory(organiser=organiser, service=service, valid_from=LONG_AGO, valid_to=FAR_AHEAD)
    content = VoucherContentFactory(voucher=voucher, content=ServiceContentFactory(service=service))
    return ReservationFactory(voucher=voucher, voucher_content=content, provider=provider or ProviderFactory())


def event(reservation, *, day, share, total=None, status=EventStatus.APPROVED, **kwargs):
    total = share if total is None else total
    return EventFactory(
        reservation=reservation, date=day, quantity=D("1"), unit_price=total, total=total,
        voucher_share=share, customer_share=total - share, status=status, **kwargs,
    )


def credit(original, *, share, status=EventStatus.APPROVED):
    return EventFactory(
        reservation=original.reservation, date=original.date, quantity=D("-1"), unit_price=original.unit_price,
        total=-share, voucher_share=-share, customer_share=D("0.00"), status=status, credit_of=original,
        reason_code="other", explanation="väärin kirjattu",
    )


@pytest.fixture
def organiser():
    return OrganiserFactory()


@pytest.fixture
def staff(organiser):
    return organiser_user(organiser)


@pytest.fixture
def frozen_today(monkeypatch):
    """Set the payments' "today" (the Helsinki date) to a given day."""

    def _freeze(day: dt.date):
        import payments.services
        import payments.views

        monkeypatch.setattr(payments.services, "today", lambda: day)
        monkeypatch.setattr(payments.views, "today", lambda: day)

    return _freeze


def start_and_compute(*, user, month):
    """"Käynnistä maksatus", then what the background worker does with the queued job."""
    from procrastinate.contrib.django import app

    from payments.models import PaymentRun
    from payments.services import payment_run_start
    from tests.conftest import run_queued_jobs

    run = payment_run_start(user=user, month=month)
    run_queued_jobs(app.connector)
    just_started = run.just_started
    run = PaymentRun.objects.get(pk=run.pk)
    run.just_started = just_started
    return run
