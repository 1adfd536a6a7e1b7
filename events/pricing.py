"""How an event's euros are split between the voucher and the customer, and which days make up
a content's period. Pure functions: no database."""

import datetime as dt
from decimal import Decimal

from core.dates import month_bounds
from core.money import to_cents
from vouchers.models import VoucherContent, VoucherKind


def split_price(*, kind: str, quantity: Decimal, unit_price: Decimal, unit_value: Decimal | None):
    """Return (total, voucher_share, customer_share), each rounded half-up to cents.

    Service voucher: the voucher pays up to its value per unit, the customer the rest (omavastuu).
    Purchased service and balance voucher: the organiser pays in full.
    """
    total = to_cents(quantity * unit_price)
    if kind == VoucherKind.SERVICE_VOUCHER and unit_value is not None:
        voucher_share = min(total, to_cents(quantity * unit_value))
    else:
        voucher_share = total
    return total, voucher_share, total - voucher_share


def period_bounds(*, period: str, day: dt.date, valid_from: dt.date, valid_to: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day of the content's period that contains ``day``:
    the whole validity, or the calendar month (within the validity)."""
    if period == VoucherContent.Period.MONTH:
        first, last = month_bounds(day)
        return max(first, valid_from), min(last, valid_to)
    return valid_from, valid_to


class Usage:
    """What was granted for a period, what is used and what is left; in euros or in units."""

    def __init__(self, *, granted: Decimal, used: Decimal, in_euros: bool):
        self.granted = granted
        self.used = used
        self.left = granted - used
        self.in_euros = in_euros

    @property
    def over(self) -> bool:
        return self.left < 0


def usage_of(*, kind: str, voucher_content, used_quantity: Decimal, used_amount: Decimal) -> Usage:
    """A content is granted as a quantity of units, or as euros; a balance voucher's as euros.
    Used euros are what the voucher pays (its share)."""
    in_euros = voucher_content.quantity is None or (kind == VoucherKind.BALANCE and voucher_content.amount is not None)
    if in_euros:
        return Usage(granted=voucher_content.amount, used=used_amount, in_euros=True)
    return Usage(granted=voucher_content.quantity, used=used_quantity, in_euros=False)
