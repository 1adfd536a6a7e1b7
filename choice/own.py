"""Omat palvelusetelini (issue 25, item 2): an identified customer's own vouchers across organisers,
what each grants, uses and leaves, the chosen provider with its events, and the customerships with
their lock-in. Reads only the one customer's rows; the view audits each read as "asiakas itse"."""

from dataclasses import dataclass, field

from django.db.models import Prefetch

from choice.models import ProviderChoice
from choice.selectors import latest_choices
from core.dates import today
from customers.models import Customership
from events.models import Event, EventStatus
from events.pricing import Usage, usage_of
from events.selectors import usage_by_reservation
from reservations.models import Reservation
from vouchers.models import Voucher, VoucherContent

ZERO_USAGE = (0, 0)


@dataclass
class OwnContent:
    row: VoucherContent
    usage: Usage


@dataclass
class OwnVoucher:
    voucher: Voucher
    contents: list[OwnContent] = field(default_factory=list)
    reservation: Reservation | None = None
    events: list[Event] = field(default_factory=list)
    customerships: list[Customership] = field(default_factory=list)
    choice: ProviderChoice | None = None  # the latest choice of a provider, not withdrawn


def own_vouchers(customer_id: int) -> list[OwnVoucher]:
    """The customer's vouchers, newest first, with what hangs on them: eight queries however many."""
    contents = VoucherContent.objects.select_related("content").order_by("content__name")
    vouchers = list(
        Voucher.objects.filter(customer_id=customer_id)
        .select_related("organiser", "service")
        .prefetch_related(Prefetch("contents", queryset=contents))
        .order_by("-valid_from", "-id")
    )
    if not vouchers:
        return []
    ids = [voucher.pk for voucher in vouchers]
    reservations = {r.voucher_id: r for r in Reservation.objects.filter(voucher_id__in=ids).select_related("provider")}
    usage = usage_by_reservation([r.pk for r in reservations.values()])
    events: dict[int, list[Event]] = {}
    counted = (Event.objects.filter(reservation_id__in=[r.pk for r in reservations.values()],
                                    status__in=EventStatus.counted())
               .select_related("reservation__voucher_content__content").order_by("-date", "-id"))
    for event in counted:
        events.setdefault(event.reservation_id, []).append(event)
    customerships: dict[int, list[Customership]] = {}
    for customership in (Customership.objects.filter(voucher_id__in=ids).select_related("provider", "office")
                         .order_by("-start_date", "-id")):
        customerships.setdefault(customership.voucher_id, []).append(customership)
    choices = latest_choices(ids)
    result = []
    for voucher in vouchers:
        reservation = reservations.get(voucher.pk)
        own = OwnVoucher(voucher=voucher, reservation=reservation, choice=choices.get(voucher.pk),
                         events=events.get(reservation.pk, []) if reservation else [],
                         customerships=customerships.get(voucher.pk, []))
        for row in voucher.contents.all():
            reserved = reservation is not None and reservation.voucher_content_id == row.pk
            quantity, amount = usage.get(reservation.pk, ZERO_USAGE) if reserved else ZERO_USAGE
            own.contents.append(OwnContent(row=row, usage=usage_of(kind=voucher.service.kind, voucher_content=row,
                                                                    used_quantity=quantity or 0,
                                                                    used_amount=amount or 0)))
        result.append(own)
    return result


def is_locked(customership: Customership) -> bool:
    return customership.locked_until >= today()


def own_voucher(customer_id: int, number: str, *, organiser_id: int, service_id: int) -> Voucher | None:
    """The customer's own voucher by its number, if it is of this organiser and service."""
    return Voucher.objects.filter(customer_id=customer_id, number=number, organiser_id=organiser_id,
                                  service_id=service_id).first()
