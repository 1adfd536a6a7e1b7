"""How an event's euros are split between the voucher and the customer. Pure functions."""

from decimal import ROUND_HALF_UP, Decimal

from vouchers.models import VoucherKind

CENT = Decimal("0.01")


def to_cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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
