"""Questions about the register, answered only with what the user may see."""

import datetime as dt

from django.db.models import Exists, OuterRef, Prefetch, Q

from audit.models import AuditEntry
from core.dates import today
from core.db import valid_on_q
from core.validators import normalise_henkilotunnus
from organisations import permissions
from organisations.models import Organiser, Provider
from vouchers.models import Customer, PriceList, PriceListItem, Service, ServiceAgreement, Voucher, VoucherContent


def priced_on_q(day: dt.date, *, path: str = "") -> Q:
    """THE rule "agreement + price list valid on a day": the price list at ``path`` (``""`` for a
    PriceList query, ``"price_list__"`` for a PriceListItem query) and its agreement are both
    valid on ``day``. Lookup, customerships, pricing, usage and payments all ask it."""
    return valid_on_q(day, prefix=path) & valid_on_q(day, prefix=f"{path}agreement__")


def price_lists_valid_on(day: dt.date, **agreement):
    """Price lists valid on ``day`` under an agreement valid on ``day`` that matches ``agreement``
    (``provider``, ``organiser``, ``service``: values or ``OuterRef``s)."""
    return PriceList.objects.filter(priced_on_q(day), **{f"agreement__{k}": v for k, v in agreement.items()})


def price_items_valid_on(day: dt.date, *, content, **agreement):
    """The price list rows for ``content`` valid on ``day`` (see ``price_lists_valid_on``)."""
    filters = {f"price_list__agreement__{k}": v for k, v in agreement.items()}
    return PriceListItem.objects.filter(priced_on_q(day, path="price_list__"), content=content, **filters)


def price_on(*, provider, organiser, content, day: dt.date) -> PriceListItem | None:
    """The provider's price for a content on ``day`` under a valid agreement, if any."""
    return (
        price_items_valid_on(day, content=content, provider=provider, organiser=organiser, service=content.service_id)
        .select_related("price_list")
        .first()
    )


def vouchers_visible_for_lookup(user, *, day: dt.date | None = None):
    """Vouchers the user may look up by number.

    Organiser users: every voucher of their own organiser. Provider users: vouchers
    of organisers with whom their provider has, on ``day``, a valid service agreement
    and price list for the voucher's service. Others: none.
    """
    day = day or today()
    vouchers = Voucher.objects.select_related("customer", "service", "organiser")
    if permissions.is_organiser(user):
        return vouchers.filter(organiser_id=permissions.organiser_id_of(user))
    if permissions.is_provider(user):
        priced = price_lists_valid_on(
            day, provider=permissions.provider_id_of(user), organiser=OuterRef("organiser"), service=OuterRef("service")
        )
        return vouchers.filter(Exists(priced))
    return vouchers.none()


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
    vouchers = Voucher.objects.select_related("customer", "service")
    return permissions.scope(user, vouchers, provider=None, organiser="organiser")


def organiser_customers(user):
    """Customers with a voucher of the organiser user's own organiser (none for anyone else)."""
    if not permissions.is_organiser(user):
        return Customer.objects.none()
    organiser_id = permissions.organiser_id_of(user)
    return Customer.objects.filter(Exists(Voucher.objects.filter(customer=OuterRef("pk"), organiser_id=organiser_id)))


def audit_entries_for_organiser_admin(user):
    """Audit rows about the organiser's own data, for its admins only: reads and changes by its own
    users and by providers through its vouchers. One person may hold vouchers of two organisers;
    the other organiser's rows about that person are not ours (each row names its organiser).
    A list read is one row naming its customers (``customer_ids``); ``.about(customer_id)`` finds
    a customer's rows, list reads included. Newest first walks the partial index (organiser, time)
    and stops after a page."""
    if not permissions.is_organiser_admin(user):
        return AuditEntry.objects.none()
    return AuditEntry.objects.filter(organiser_id=permissions.organiser_id_of(user)).about_customers()


def customer_ids_matching(term: str):
    """The ids of the customers a typed henkilötunnus or a part of a name finds (the audit log's
    search; the rows it narrows are already the organiser's own)."""
    matches = Customer.objects.filter(
        Q(henkilotunnus=normalise_henkilotunnus(term).upper()) | Q(last_name__icontains=term) | Q(first_name__icontains=term)
    )
    return matches.values("pk")


def support_contacts(user):
    """The PSOP support contacts of the user's own organisers, for "Ostovoiman tietoja ei löydy":
    an organiser user's own organiser; a provider user's agreement organisers. Never the looked-up
    voucher's, so that the answer is the same whether a number exists or not."""
    organisers = Organiser.objects.exclude(support_contact="").order_by("name")
    if permissions.is_organiser(user):
        return organisers.filter(pk=permissions.organiser_id_of(user))
    if permissions.is_provider(user):
        agreements = ServiceAgreement.objects.filter(organiser=OuterRef("pk"), provider_id=permissions.provider_id_of(user))
        return organisers.filter(Exists(agreements))
    return organisers.none()


def service_choices(kinds=None, *, user=None):
    """The services a list filters by (of ``kinds`` when given), by name: the shared ones and, for
    ``user``, its organiser's own (an organiser user) or those it has an agreement for (a provider
    user); without a user, the shared ones only."""
    mine = Q(organiser__isnull=True)
    if permissions.is_organiser(user):
        mine |= Q(organiser_id=permissions.organiser_id_of(user))
    elif permissions.is_provider(user):
        agreed = ServiceAgreement.objects.filter(provider_id=permissions.provider_id_of(user), service=OuterRef("pk"))
        mine |= Exists(agreed)
    services = Service.objects.filter(mine).order_by("name")
    return services.filter(kind__in=kinds) if kinds else services


def service_ids_of_kinds(kinds) -> list[int]:
    """The ids of the services of these kinds (``VoucherKind``), all organisers' and the shared ones.

    A list filters its vouchers by them (``voucher__service_id__in``) rather than by joining the
    services for their kind: the services table is small and may never have been analysed (under
    autovacuum's 50 changed rows), and the planner, guessing its size, took "a provider's service
    vouchers" for 51 rows where there were 3,088 (scale 0.1: a scan of all 200,330 vouchers
    instead of a walk of the number index, 266 ms). Against the vouchers' own statistics of
    ``service_id`` the estimate is right at every size."""
    return list(Service.objects.filter(kind__in=kinds).order_by("pk").values_list("pk", flat=True))


def providers_acted_for(*, organiser_id, service_id=None, day: dt.date | None = None):
    """THE rule "providers an organiser may act for" (book on their behalf, import their events,
    filter its lists by them): those with a service agreement with the organiser; with
    ``service_id`` and ``day``, an agreement for that service valid on that day. No organiser
    (``None``): no providers. Whose organiser it is, the caller asks the access module
    (``permissions.organiser_id_of``) or the voucher."""
    if organiser_id is None:
        return Provider.objects.none()
    agreements = ServiceAgreement.objects.filter(organiser_id=organiser_id, provider=OuterRef("pk"))
    if service_id is not None:
        agreements = agreements.filter(service_id=service_id)
    if day is not None:
        agreements = agreements.valid_on(day)
    return Provider.objects.filter(Exists(agreements)).order_by("name")
