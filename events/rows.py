"""The rows of the "Ostovoimat" and "Saldo-ostovoimat" tabs as the template prints them: each
row's figures, labels and link made once in Python (issue 27, item 4). The template engine
resolving, filtering and translating a dozen values per row was most of the page's time."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import get_language, gettext

from core.dates import format_day, today
from core.links import id_url
from core.money import format_euros, format_quantity
from vouchers.models import ContentUnit, VoucherContent, VoucherKind, VoucherState

DASH = "–"


@dataclass(frozen=True, slots=True)
class VoucherRow:
    pk: int
    number: str
    customer: str
    service: str
    kind: str  # "Palveluseteli" … ("" on the balance tab)
    content: str
    valid_from: str
    valid_until: str  # the effective end: valid_to, or the closing day if earlier
    state: str  # "Suljettu 3.4.2026", "Päättynyt 31.3.2026"; "" for an open voucher
    period: str  # "kuukausi 4/2026" or the content's period
    this_month: bool  # the period is the current month
    granted: str  # figures in euros or with the unit; "–" when an ended voucher has no current month
    used: str
    left: str
    over: bool
    price: str  # today's price a unit; "" when none
    unit_value: str
    provider: str
    record_url: str


def voucher_rows(reservations, *, balance: bool) -> list[VoucherRow]:
    """The tab's rows of ``reservations`` (with ``usage`` and ``price_today`` attached), in the
    active language; today as of now."""
    language = get_language() or "fi"
    day = today()
    now = timezone.localtime()
    month = gettext("kuukausi %(month)s") % {"month": f"{now.month}/{now.year}"}
    closed, ended = gettext("Suljettu %(day)s"), gettext("Päättynyt %(day)s")
    kinds = {value: str(label) for value, label in VoucherKind.choices}
    units = {value: str(label) for value, label in ContentUnit.choices}
    periods = {value: str(label) for value, label in VoucherContent.Period.choices}
    full_price = gettext("koko hinta")
    record_url = id_url("events:create")
    return [_row(reservation, balance=balance, language=language, day=day, month=month, closed=closed, ended=ended,
                 kinds=kinds, units=units, periods=periods, full_price=full_price,
                 record_url=record_url) for reservation in reservations]


def _row(reservation, *, balance, language, day: dt.date, month, closed, ended, kinds, units, periods, full_price,
         record_url) -> VoucherRow:
    voucher, content, usage = reservation.voucher, reservation.voucher_content, reservation.usage
    state = voucher.state_on(day)
    monthly = content.period == VoucherContent.Period.MONTH
    this_month = monthly and state == VoucherState.OPEN
    if state == VoucherState.CLOSED:
        badge = closed % {"day": format_day(voucher.closed_on)}
    elif state == VoucherState.ENDED:
        badge = ended % {"day": format_day(voucher.valid_to)}
    else:
        badge = ""
    over = False
    if state != VoucherState.OPEN and monthly:  # an ended or closed voucher has no current month
        granted = used = left = DASH
    elif usage.in_euros:
        granted, used, left = (format_euros(usage.granted, language), format_euros(usage.used, language),
                               format_euros(usage.left, language))
    else:
        granted = f"{format_quantity(usage.granted, language)} {units.get(content.content.unit, content.content.unit)}"
        used, left = format_quantity(usage.used, language), format_quantity(usage.left, language)
        over = usage.over
    if voucher.kind == VoucherKind.PURCHASED_SERVICE:
        unit_value = full_price
    elif content.unit_value is not None:
        unit_value = format_euros(content.unit_value, language)
    else:
        unit_value = DASH
    return VoucherRow(
        pk=reservation.pk,
        number=voucher.number,
        customer=voucher.customer.full_name,
        service=voucher.service.name,
        kind="" if balance else kinds[voucher.kind],
        content=content.content.name,
        valid_from=format_day(voucher.valid_from),
        valid_until=format_day(voucher.effective_end),
        state=badge,
        period=month if this_month else periods.get(content.period, content.period),
        this_month=this_month,
        granted=granted,
        used=used,
        left=left,
        over=over,
        price="" if reservation.price_today is None else format_euros(reservation.price_today, language),
        unit_value=unit_value,
        provider=reservation.provider.name,
        record_url=record_url(reservation.pk),
    )
