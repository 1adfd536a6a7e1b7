"""Customerships, only as far as the user may see them; and their valid days for payments."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import DateField, Exists, F, Func, IntegerField, OuterRef, Value
from django.db.models.functions import Greatest, Least

from core.dates import month_bounds, today
from customers.models import Customership
from organisations import permissions
from organisations.models import Office, Provider
from vouchers.models import end_with_voucher_expression
from vouchers.selectors import price_lists_valid_on

RELATED = ("voucher__customer", "voucher__service", "voucher__organiser", "provider", "office", "created_by")


def customerships_for_user(user):
    """Provider users: their own provider's customerships. Organiser users: all of their
    organiser's vouchers' customerships. Anyone else: none."""
    customerships = Customership.objects.select_related(*RELATED)
    return permissions.scope(user, customerships, provider="provider", organiser="organiser")


def customerships_for_organiser(user):
    """Customerships the organiser user may transfer, end or close: none for provider users."""
    if not permissions.is_organiser(user):
        return Customership.objects.none()
    return customerships_for_user(user)


def _serving_providers(*, voucher, day: dt.date):
    """Providers with an agreement and a price list valid on ``day`` for the voucher's service
    with the voucher's organiser: the same rule as the voucher lookup."""
    priced = price_lists_valid_on(day, provider=OuterRef("pk"), organiser=voucher.organiser_id, service=voucher.service_id)
    return Provider.objects.filter(Exists(priced))


def provider_may_serve(*, provider, voucher, day: dt.date | None = None) -> bool:
    return _serving_providers(voucher=voucher, day=day or today()).filter(pk=provider.pk).exists()


def offices_for_customership(*, user, voucher, day: dt.date | None = None):
    """Offices the user may pick for a customership on ``voucher``: a provider user its own
    provider's offices; organiser staff the offices of every provider that may serve the voucher."""
    offices = Office.objects.select_related("provider").order_by("provider__name", "name")
    if permissions.is_provider(user):
        return offices.filter(provider_id=permissions.provider_id_of(user))
    if not permissions.is_voucher_organiser(user, voucher):
        return offices.none()
    return offices.filter(provider__in=_serving_providers(voucher=voucher, day=day or today()))


def status_on(customership: Customership, day: dt.date) -> str:
    """"current" (in force on ``day``: ``Customership.in_force_on``), "upcoming" (begins later
    and has days in force ahead) or "ended" (its effective end has passed, or came before it began)."""
    if customership.in_force_on(day):
        return "current"
    if customership.start_date > day and customership.effective_end >= customership.start_date:
        return "upcoming"
    return "ended"


@dataclass(frozen=True)
class OtherProviderNotice:
    """What a provider may know of a competitor's customership: that it exists and when its
    lock-in ends. Not the competitor, the office or the dates the customer chose."""

    locked_until: dt.date
    lock_in_running: bool

    @property
    def earliest_switch(self) -> dt.date:
        return self.locked_until + dt.timedelta(days=1)


@dataclass
class VoucherCustomerships:
    active: list  # current or upcoming, the current first
    history: list  # ended, newest first
    other_provider: OtherProviderNotice | None
    can_manage: bool  # organiser staff: transfer, end, close


def voucher_customerships(*, user, voucher, day: dt.date | None = None) -> VoucherCustomerships:
    """What the voucher card shows of the voucher's customerships to this user (two queries)."""
    day = day or today()
    empty = VoucherCustomerships(active=[], history=[], other_provider=None, can_manage=False)
    if not permissions.is_member(user):
        return empty
    rows = list(
        voucher.customerships.select_related("provider", "office", "created_by").order_by("-start_date")
    )
    closed = voucher.is_closed(day)
    for row in rows:
        row.voucher = voucher  # the effective end reads the voucher's closing date
        row.status = status_on(row, day)
        row.lock_in_passed = not row.lock_in_running(day)
        # What the card offers on the row: never on a closed voucher; else as permissions say.
        # "Päätä asiakkuus" only while there is something left to end: not on its last day or after.
        row.can_end = (
            not closed and row.status != "ended" and row.effective_end > day
            and permissions.can_end_customership(user, row)
        )
        row.can_transfer = not closed and row.status == "current" and permissions.can_transfer_customership(user, row)
    organiser = permissions.is_organiser(user)
    if organiser:
        if not permissions.is_voucher_organiser(user, voucher):
            return empty
        visible, others = rows, []
    else:
        own = permissions.provider_id_of(user)
        visible = [row for row in rows if row.provider_id == own]
        others = [row for row in rows if row.provider_id != own and row.status != "ended"]
    active = sorted((row for row in visible if row.status != "ended"), key=lambda row: row.start_date)
    history = [row for row in visible if row.status == "ended"]
    notice = None
    if others:
        blocking = max(others, key=lambda row: row.locked_until)
        notice = OtherProviderNotice(locked_until=blocking.locked_until, lock_in_running=blocking.lock_in_running(day))
    return VoucherCustomerships(
        active=active, history=history, other_provider=notice, can_manage=organiser
    )


@dataclass(frozen=True)
class CustomershipDays:
    customership: Customership
    first_day: dt.date
    last_day: dt.date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


def customerships_valid_in_month(
    *, month: dt.date, organiser_id: int | None = None, provider_id: int | None = None, through: dt.date | None = None
):
    """The organiser's vouchers' customerships valid on at least one day of ``month`` (any date in
    it), each annotated with its ``first_day`` and ``last_day`` in the month and the number of
    ``days``. A day counts when the customership is in force on it (``Customership.in_force_on``:
    within start–effective end, the voucher in force that day; tests/test_in_force.py pins the
    two). Payments pay the monthly fee pro rata by ``days``.

    ``provider_id`` narrows them to one provider's (with or without ``organiser_id``: a provider's
    customerships under every organiser); ``through`` counts the days only up to that day, e.g.
    today for what the month has earned so far (a customership beginning after it is left out)."""
    if organiser_id is None and provider_id is None:
        raise ValueError("customerships_valid_in_month needs an organiser_id or a provider_id")
    first, last = month_bounds(month)
    if through is not None:
        last = min(last, through)
    first_value, last_value = Value(first, output_field=DateField()), Value(last, output_field=DateField())
    customerships = Customership.objects.all()
    if organiser_id is not None:
        customerships = customerships.filter(organiser_id=organiser_id)
    if provider_id is not None:
        customerships = customerships.filter(provider_id=provider_id)
    return (
        customerships.touching(first, last)
        .annotate(
            first_day=Greatest(first_value, F("start_date"), F("voucher__valid_from")),
            last_day=Least(last_value, end_with_voucher_expression("end_date")),
        )
        .filter(first_day__lte=F("last_day"))
        .annotate(days=days_between(F("last_day"), F("first_day")))
    )


def days_between(last, first) -> Func:
    """Days from ``first`` to ``last``, both counted (PostgreSQL: date - date is an integer)."""
    return Func(last, first, template="(%(expressions)s + 1)", arg_joiner=" - ", output_field=IntegerField())


def customership_days_in_month(*, organiser, month: dt.date) -> list[CustomershipDays]:
    """Each customership valid in ``month`` with its first and last valid day (see
    ``customerships_valid_in_month``), by voucher number."""
    rows = (
        customerships_valid_in_month(organiser_id=getattr(organiser, "pk", organiser), month=month)
        .select_related("voucher", "provider", "office")
        .order_by("voucher__number", "start_date")
    )
    return [CustomershipDays(customership=row, first_day=row.first_day, last_day=row.last_day) for row in rows]
