"""Questions about an organiser's registers, with only what the organiser's admin may see: its own
services and the shared ones, its own agreements and their price lists, and their history. Someone
else's row is not found (None), which the pages answer with 404."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from organisations import permissions
from organisations.models import Provider
from registers.models import RegisterChange
from vouchers.models import PriceList, PriceListItem, Service, ServiceAgreement, ServiceContent, VoucherContent


def _organiser_id(user) -> int | None:
    return permissions.organiser_id_of(user) if permissions.is_organiser_admin(user) else None


def visible_services_q(organiser_id: int | None) -> Q:
    """The services an organiser may use: the shared ones and its own."""
    return Q(organiser__isnull=True) | Q(organiser_id=organiser_id)


def register_services(user):
    """The "Palvelut" list: the organiser's own services and the shared ones it has agreements for,
    each with its contents and the number of the organiser's agreements."""
    organiser_id = _organiser_id(user)
    if organiser_id is None:
        return Service.objects.none()
    agreements = ServiceAgreement.objects.filter(organiser_id=organiser_id, service=OuterRef("pk"))
    return (
        Service.objects.filter(Q(organiser_id=organiser_id) | (Q(organiser__isnull=True) & Exists(agreements)))
        .annotate(agreement_count=Count("agreements", filter=Q(agreements__organiser_id=organiser_id)))
        .prefetch_related(Prefetch("contents", queryset=ServiceContent.objects.order_by("name")))
        .order_by("name", "id")
    )


def agreeable_services(user):
    """The services the organiser may make an agreement for: the shared ones and its own."""
    organiser_id = _organiser_id(user)
    if organiser_id is None:
        return Service.objects.none()
    return Service.objects.filter(visible_services_q(organiser_id)).order_by("name", "id")


def register_service(user, service_id: int) -> Service | None:
    """A service the organiser may see (shared or its own), or None."""
    return agreeable_services(user).filter(pk=service_id).first()


def own_content(user, service: Service, content_id: int) -> ServiceContent | None:
    """A content of the organiser's own ``service``, or None."""
    if service.organiser_id is None or service.organiser_id != _organiser_id(user):
        return None
    return ServiceContent.objects.filter(service=service, pk=content_id).first()


def service_contents(service: Service):
    """The service's contents, each marked whether a voucher grants it (its unit is then fixed)."""
    granted = VoucherContent.objects.filter(content=OuterRef("pk"))
    return ServiceContent.objects.filter(service=service).annotate(granted=Exists(granted)).order_by("name", "id")


def register_agreements(user, *, provider_id: int | None = None, service_id: int | None = None):
    """The organiser's agreements, by provider and service, newest first within them."""
    organiser_id = _organiser_id(user)
    if organiser_id is None:
        return ServiceAgreement.objects.none()
    agreements = ServiceAgreement.objects.filter(organiser_id=organiser_id)
    if provider_id is not None:
        agreements = agreements.filter(provider_id=provider_id)
    if service_id is not None:
        agreements = agreements.filter(service_id=service_id)
    return (
        agreements.select_related("provider", "service")
        .annotate(price_list_count=Count("price_lists"))
        .order_by("provider__name", "provider_id", "service__name", "service_id", "-valid_from")
    )


def register_agreement(user, agreement_id: int) -> ServiceAgreement | None:
    """One of the organiser's agreements, or None."""
    organiser_id = _organiser_id(user)
    if organiser_id is None:
        return None
    return (
        ServiceAgreement.objects.filter(organiser_id=organiser_id, pk=agreement_id)
        .select_related("provider", "service", "organiser")
        .first()
    )


def agreement_price_lists(agreement: ServiceAgreement):
    """The agreement's price lists, newest first, with their items."""
    items = PriceListItem.objects.select_related("content").order_by("content__name")
    return agreement.price_lists.prefetch_related(Prefetch("items", queryset=items)).order_by("-valid_from", "-id")


def latest_price_list(agreement: ServiceAgreement) -> PriceList | None:
    """The agreement's price list that starts last: a new one copies its prices."""
    return agreement.price_lists.order_by("-valid_from", "-id").first()


def register_price_list(user, price_list_id: int) -> PriceList | None:
    """A price list of one of the organiser's agreements, or None."""
    organiser_id = _organiser_id(user)
    if organiser_id is None:
        return None
    return (
        PriceList.objects.filter(agreement__organiser_id=organiser_id, pk=price_list_id)
        .select_related("agreement__provider", "agreement__service")
        .first()
    )


def price_list_prices(price_list: PriceList | None) -> dict[int, object]:
    """{content id: unit price} of a price list (empty for none)."""
    if price_list is None:
        return {}
    return dict(price_list.items.values_list("content_id", "unit_price"))


def provider_by_business_id(business_id: str) -> Provider | None:
    """A provider by its Y-tunnus (any provider: the organiser makes agreements with new ones)."""
    return Provider.objects.filter(business_id=business_id.strip()).first()


def agreement_providers(user):
    """The providers the organiser has agreements with, for the list's filter."""
    organiser_id = _organiser_id(user)
    if organiser_id is None:
        return Provider.objects.none()
    return Provider.objects.filter(
        Exists(ServiceAgreement.objects.filter(organiser_id=organiser_id, provider=OuterRef("pk")))
    ).order_by("name", "id")


# --- history ---------------------------------------------------------------------------------------


def _history(user, **where):
    organiser_id = _organiser_id(user)
    if organiser_id is None:
        return RegisterChange.objects.none()
    return RegisterChange.objects.filter(organiser_id=organiser_id, **where).order_by("-at", "-id")


def service_history(user, service: Service):
    """Changes of the service and its contents that this organiser made."""
    return _history(user, service_id=service.pk)


def agreement_history(user, agreement: ServiceAgreement):
    """Changes of the agreement and its price lists."""
    return _history(user, agreement_id=agreement.pk)


def price_list_history(user, price_list: PriceList):
    return _history(user, price_list_id=price_list.pk)


def register_history(user, *subjects: str, limit: int = 20):
    """The organiser's latest changes of these kinds (``RegisterChange.Subject``)."""
    return _history(user, subject__in=subjects)[:limit]
