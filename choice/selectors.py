"""Questions of the customer's choice: what the public comparison offers to compare, and each
provider's offer for one content with a voucher's value (issue 25)."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef

from choice.models import ChoiceState, ProviderChoice
from core.dates import today
from customers.models import Customership
from events.pricing import split_price
from organisations import permissions
from reservations.models import Reservation
from vouchers.comparison import ComparedProvider
from vouchers.models import Service, ServiceContent, VoucherKind
from vouchers.selectors import price_lists_valid_on


def comparable_services(organiser_id: int | None, *, day: dt.date | None = None):
    """The services the organiser has a provider for with an agreement and a price list valid on
    ``day`` (today), by name; none without an organiser."""
    if organiser_id is None:
        return Service.objects.none()
    priced = price_lists_valid_on(day or today(), organiser=organiser_id, service=OuterRef("pk"))
    return Service.objects.filter(Exists(priced)).order_by("name")


def service_contents(service_id: int | None):
    if service_id is None:
        return ServiceContent.objects.none()
    return ServiceContent.objects.filter(service_id=service_id).order_by("name")


@dataclass(frozen=True)
class Offer:
    provider: ComparedProvider
    price: Decimal
    own_share: Decimal | None  # per unit; None: no voucher value given


def own_share_per_unit(*, kind: str, unit_price: Decimal, unit_value: Decimal | None) -> Decimal | None:
    """What the customer pays of one unit: THE rule of events.pricing (the price above the voucher's
    value; a purchased service or a balance voucher paid in full by the organiser)."""
    if kind == VoucherKind.SERVICE_VOUCHER and unit_value is None:
        return None
    return split_price(kind=kind, quantity=Decimal(1), unit_price=unit_price, unit_value=unit_value)[2]


def offers(providers: list[ComparedProvider], *, content_id: int, kind: str, unit_value: Decimal | None,
           municipality: str = "", language: str = "", order: str = "") -> list[Offer]:
    """The providers that price ``content_id``, in ``municipality`` (an office there) and serving in
    ``language`` when given, with their price and the customer's own share per unit; ordered by own
    share ("omavastuu"), price ("hinta") or name ("nimi"), then by name."""
    wanted = municipality.strip().casefold()
    rows = []
    for provider in providers:
        price = provider.prices.get(content_id)
        if price is None:
            continue
        if wanted and wanted not in {name.casefold() for name in provider.municipalities}:
            continue
        if language and language not in provider.languages:
            continue
        rows.append(Offer(provider=provider, price=price,
                          own_share=own_share_per_unit(kind=kind, unit_price=price, unit_value=unit_value)))
    by_name = (lambda offer: (offer.provider.name.casefold(), offer.provider.id))
    if order == "nimi":
        return sorted(rows, key=by_name)
    if order == "omavastuu" and unit_value is not None:
        return sorted(rows, key=lambda offer: (offer.own_share, offer.price, *by_name(offer)))
    return sorted(rows, key=lambda offer: (offer.price, *by_name(offer)))


def municipalities_of(providers: list[ComparedProvider], content_id: int | None) -> list[str]:
    """The municipalities of the offices of the providers that price the content, alphabetically."""
    names = set()
    for provider in providers:
        if content_id is None or content_id in provider.prices:
            names |= provider.municipalities
    return sorted(names, key=str.casefold)


# --- the customer's choices (item 3) -----------------------------------------------------------------


def _not_confirmed(choices):
    """Choices whose voucher has neither a reservation nor a customership of the chosen provider
    from the choice on: confirming is the existing flow, and a confirmed choice is derived."""
    reserved = Reservation.objects.filter(voucher_id=OuterRef("voucher_id"))
    customer = Customership.objects.filter(voucher_id=OuterRef("voucher_id"), provider_id=OuterRef("provider_id"),
                                           created_at__gte=OuterRef("made_at"))
    return choices.filter(~Exists(reserved), ~Exists(customer))


def pending_choices_for(user):
    """The pending choices of customers for the provider user's own provider (none for anyone else:
    organisers act on a provider's behalf through the reservation itself), newest first."""
    provider_id = permissions.provider_id_of(user)
    if provider_id is None or not permissions.can_make_reservations(user):
        return ProviderChoice.objects.none()
    choices = ProviderChoice.objects.filter(provider_id=provider_id, state=ChoiceState.PENDING)
    return _not_confirmed(choices).select_related("voucher__customer", "voucher__service").order_by("-made_at", "-id")


def latest_choices(voucher_ids) -> dict[int, ProviderChoice]:
    """Each voucher's latest choice that was not withdrawn, with whether it is still pending
    (``waiting``): one query."""
    choices = (ProviderChoice.objects.filter(voucher_id__in=list(voucher_ids))
               .exclude(state=ChoiceState.WITHDRAWN).select_related("provider").order_by("voucher_id", "-made_at", "-id")
               .distinct("voucher_id"))
    waiting = set(_not_confirmed(ProviderChoice.objects.filter(voucher_id__in=list(voucher_ids),
                                                               state=ChoiceState.PENDING)).values_list("pk", flat=True))
    result = {}
    for choice in choices:
        choice.waiting = choice.pk in waiting
        result[choice.voucher_id] = choice
    return result
