"""Questions of granting: which services an organiser grants, a voucher's history, and what the
decision letter tells the customer about the organiser's approved providers."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

from core.dates import today
from grants.models import VoucherChange
from vouchers.models import PriceListItem, Service, ServiceAgreement, Voucher, VoucherKind
from vouchers.selectors import priced_on_q


def grantable_services(organiser_id: int):
    """The services an organiser grants: those it has an agreement with a provider for, valid now
    or later (an ended service is not granted anew)."""
    current = ServiceAgreement.objects.filter(organiser_id=organiser_id).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today()))
    return Service.objects.filter(pk__in=current.values("service_id")).order_by("name")


def voucher_history(voucher: Voucher):
    """The voucher's decisions, newest first."""
    return VoucherChange.objects.filter(voucher=voucher).select_related("user").order_by("-at", "-id")


@dataclass(frozen=True)
class LetterPrice:
    provider: str
    content: str
    unit: str
    price: Decimal
    voucher_value: Decimal | None
    own_share: Decimal | None


def letter_prices(voucher: Voucher, *, day: dt.date | None = None) -> list[LetterPrice]:
    """The organiser's approved providers of the voucher's service with their price for each of its
    contents on ``day`` (the validity's start, or today if later), and the customer's estimated own
    share per unit: the price less the voucher's value per unit (never below zero); none on a
    purchased service, which the organiser pays in full (DESIGN.md flow 5). One query (the
    voucher's contents, if not prefetched, one more)."""
    day = day or max(voucher.valid_from, today())
    values = {row.content_id: row.unit_value for row in voucher.contents.all()}
    paid_in_full = voucher.service.kind == VoucherKind.PURCHASED_SERVICE
    items = (
        PriceListItem.objects.filter(
            priced_on_q(day, path="price_list__"), content_id__in=list(values),
            price_list__agreement__organiser_id=voucher.organiser_id,
            price_list__agreement__service_id=voucher.service_id,
        )
        .select_related("price_list__agreement__provider", "content")
        .order_by("price_list__agreement__provider__name", "content__name")
    )
    rows = []
    for item in items:
        value = values.get(item.content_id)
        if paid_in_full:
            value, share = item.unit_price, Decimal("0.00")
        else:
            share = max(item.unit_price - value, Decimal("0.00")) if value is not None else None
        rows.append(LetterPrice(provider=item.price_list.agreement.provider.name, content=item.content.name,
                                unit=item.content.get_unit_display(), price=item.unit_price, voucher_value=value,
                                own_share=share))
    return rows
