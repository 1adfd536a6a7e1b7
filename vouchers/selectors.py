"""Questions about the register, answered only with what the user may see."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch

from audit.models import AuditEntry
from vouchers.models import (
    Customer,
    PriceList,
    PriceListItem,
    ServiceAgreement,
    Voucher,
    VoucherContent,
    today,
)
from vouchers.permissions import is_organiser_admin, membership_of


def agreement_with_price_list_exists(*, provider, day: dt.date) -> Exists:
    """For a Voucher queryset: the provider has an agreement and a price list valid on ``day``
    for the voucher's service with the voucher's organiser."""
    price_lists = PriceList.objects.valid_on(day).filter(agreement=OuterRef("pk"))
    agreements = (
        ServiceAgreement.objects.valid_on(day)
        .filter(provider=provider, organiser=OuterRef("organiser"), service=OuterRef("service"))
        .filter(Exists(price_lists))
    )
    return Exists(agreements)


def vouchers_visible_for_lookup(user, *, day: dt.date | None = None):
    """Vouchers the user may look up by number.

    Organiser users: every voucher of their own organiser. Provider users: vouchers
    of organisers with whom their provider has, on ``day``, a valid service agreement
    and price list for the voucher's service. Others: none.
    """
    day = day or today()
    membership = membership_of(user)
    vouchers = Voucher.objects.select_related("customer", "service", "organiser")
    if membership is None:
        return vouchers.none()
    if membership.is_organiser:
        return vouchers.filter(organiser_id=membership.organiser_id)
    return vouchers.filter(agreement_with_price_list_exists(provider=membership.provider_id, day=day))


def voucher_lookup(*, user, number: str, day: dt.date | None = None) -> Voucher | None:
    """The voucher with this number if the user may see it; None in every other case,
    so that a provider cannot tell a missing number from one it may not see."""
    contents = VoucherContent.objects.select_related("content").order_by("content__name")
    return (
        vouchers_visible_for_lookup(user, day=day)
        .prefetch_related(Prefetch("contents", queryset=contents))
        .filter(number=number)
        .first()
    )


def organiser_vouchers(user):
    """All vouchers of the organiser user's own organiser (none for anyone else)."""
    membership = membership_of(user)
    if membership is None or not membership.is_organiser:
        return Voucher.objects.none()
    return Voucher.objects.filter(organiser_id=membership.organiser_id).select_related("customer", "service")


def price_on(*, provider, organiser, content, day: dt.date) -> PriceListItem | None:
    """The provider's price for a content on ``day`` under a valid agreement, if any."""
    return (
        PriceListItem.objects.filter(
            content=content,
            price_list__in=PriceList.objects.valid_on(day).filter(
                agreement__in=ServiceAgreement.objects.valid_on(day).filter(
                    provider=provider, organiser=organiser, service=content.service_id
                )
            ),
        )
        .select_related("price_list")
        .first()
    )


def organiser_customers(user):
    """Customers with a voucher of the organiser user's own organiser (none for anyone else)."""
    membership = membership_of(user)
    if membership is None or not membership.is_organiser:
        return Customer.objects.none()
    return Customer.objects.filter(
        Exists(Voucher.objects.filter(customer=OuterRef("pk"), organiser_id=membership.organiser_id))
    )


def audit_entries_for_organiser_admin(user):
    """Audit rows about the organiser's customers, for its admins only."""
    if not is_organiser_admin(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(customer_id__in=organiser_customers(user).values("pk"))
