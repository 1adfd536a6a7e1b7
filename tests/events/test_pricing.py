"""Worked euro examples of the price and share rules (pure functions)."""

import datetime as dt
from decimal import Decimal as D

from core.money import to_cents
from events.pricing import period_bounds, split_price
from vouchers.models import VoucherKind


def test_split_price__price_25_voucher_value_15__voucher_pays_15_customer_10():
    assert split_price(kind=VoucherKind.SERVICE_VOUCHER, quantity=D("1"), unit_price=D("25.00"), unit_value=D("15.00")) == (
        D("25.00"), D("15.00"), D("10.00"),
    )


def test_split_price__voucher_value_above_price__voucher_pays_the_price_and_customer_nothing():
    assert split_price(kind=VoucherKind.SERVICE_VOUCHER, quantity=D("2"), unit_price=D("25.00"), unit_value=D("30.00")) == (
        D("50.00"), D("50.00"), D("0.00"),
    )


def test_split_price__one_and_a_half_hours_at_33_33__total_49_995_rounds_half_up_to_50_00():
    # 1,5 × 33,33 = 49,995 → 50,00 (half-up); voucher 1,5 × 20,00 = 30,00; customer 20,00
    assert split_price(kind=VoucherKind.SERVICE_VOUCHER, quantity=D("1.5"), unit_price=D("33.33"), unit_value=D("20.00")) == (
        D("50.00"), D("30.00"), D("20.00"),
    )


def test_split_price__voucher_value_rounds_half_up_too():
    # 1,5 × 33,33 = 49,995 → 50,00; voucher 1,5 × 10,01 = 15,015 → 15,02; customer 34,98
    assert split_price(kind=VoucherKind.SERVICE_VOUCHER, quantity=D("1.5"), unit_price=D("33.33"), unit_value=D("10.01")) == (
        D("50.00"), D("15.02"), D("34.98"),
    )


def test_split_price__purchased_service__organiser_pays_in_full():
    assert split_price(kind=VoucherKind.PURCHASED_SERVICE, quantity=D("3"), unit_price=D("42.50"), unit_value=D("15.00")) == (
        D("127.50"), D("127.50"), D("0.00"),
    )


def test_split_price__balance_voucher__the_euros_are_paid_from_the_balance():
    assert split_price(kind=VoucherKind.BALANCE, quantity=D("120.00"), unit_price=D("1.00"), unit_value=None) == (
        D("120.00"), D("120.00"), D("0.00"),
    )


def test_to_cents__half_a_cent__rounds_up():
    assert to_cents(D("0.005")) == D("0.01")
    assert to_cents(D("2.345")) == D("2.35")


def test_period_bounds__month__the_calendar_month_within_validity():
    bounds = period_bounds(period="month", day=dt.date(2026, 2, 14), valid_from=dt.date(2026, 2, 10), valid_to=dt.date(2026, 12, 31))
    assert bounds == (dt.date(2026, 2, 10), dt.date(2026, 2, 28))


def test_period_bounds__validity__the_whole_validity():
    bounds = period_bounds(period="validity", day=dt.date(2026, 2, 14), valid_from=dt.date(2026, 1, 1), valid_to=dt.date(2026, 12, 31))
    assert bounds == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
