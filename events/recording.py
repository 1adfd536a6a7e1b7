"""Recording events: the rules every recording passes, and the one service that records them
(``events_record_many``): the form's one event (``events.services.event_record``), the API's one
event and its bulk route, and an import's file of 10,000.

The reservations are read (and locked, when saving) in one query, in the order of their ids, so
that two recorders on one voucher take turns and two imports cannot deadlock: what was granted for
a period (and a balance voucher's euros) is checked against what the events before them used.
Set-based for many: the usage of every reservation in one GROUP BY, each price once per provider,
content and day, the events inserted in one statement, their history and audit rows in one each.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.dates import format_day, today
from core.errors import DomainError, ErrorCode
from core.money import CENT, format_amount, format_euros
from events.history import log_recorded
from events.models import Event, EventStatus
from events.pricing import period_bounds, split_price, usage_of
from events.selectors import Usage
from reservations.models import Reservation
from reservations.selectors import reservations_for_user
from vouchers.models import VoucherKind
from vouchers.selectors import price_on

CLIENT_ID_ONCE = "event_client_id_once_per_reservation"
OVER_GRANT = gettext_lazy("Kirjaus ylittää myönnetyn määrän: menee palvelunjärjestäjän tarkastettavaksi.")
# What a recording validates in Python: what it was given and what it computed (the digits of the
# euros). Not the foreign keys (rows just read and locked) nor the check and unique constraints,
# which the database enforces on the INSERT itself (validating them cost a query each).
CHECKED_FIELDS = [
    Event._meta.get_field(name)
    for name in ("date", "quantity", "note", "client_id", "unit_price", "total", "voucher_share", "customer_share")
]


@dataclass
class NewEvent:
    """One event to record: on a reservation named by its id (the form, the API) or by its
    voucher's number (an import), with the recording system's own id (``client_id``) if any."""

    date: dt.date
    quantity: Decimal
    reservation_id: int | None = None
    voucher_number: str | None = None
    note: str = ""
    content_id: int | None = None
    client_id: str | None = None


@dataclass
class Recorded:
    """A row's answer: the event (priced, with its status; saved when the recording saved) or
    the refusal."""

    event: Event | None = None
    error: DomainError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def _euros(value: Decimal) -> str:
    return format_euros(value, get_language())


def reservation_not_found() -> DomainError:
    """The one answer for a reservation that does not exist and for someone else's."""
    return DomainError(ErrorCode.RESERVATION_NOT_FOUND, _("Palveluvarausta ei löydy, tai sinulla ei ole oikeutta kirjata sille."))


def already_recorded(event_id: int | None) -> DomainError:
    return DomainError(ErrorCode.ALREADY_RECORDED, _("Tapahtuma on jo kirjattu tällä tunnisteella."), event_id=event_id)


def recordable_reservations(user, *, ids=None, numbers=None, provider_id=None, lock: bool) -> list[Reservation]:
    """The user's reservations with these ids or voucher numbers (of ``provider_id``'s, if given),
    with what the checks and the pricing read joined to them (not the registers a page shows them
    with); ``lock`` (saving): locked, in one statement in the order of their ids."""
    reservations = reservations_for_user(user).prefetch_related(None).select_related(
        "voucher__organiser", "voucher__service", "voucher_content__content"
    )
    if ids is not None:
        reservations = reservations.filter(pk__in=ids)
    if numbers is not None:
        reservations = reservations.filter(voucher__number__in=numbers)
    if provider_id is not None:
        reservations = reservations.filter(provider_id=provider_id)
    if lock:
        reservations = reservations.select_for_update(of=("self",)).order_by("pk")
    return list(reservations)


def locked_reservation(user, reservation_id: int) -> Reservation:
    """One reservation, locked: the first step of every change on its events."""
    reservations = recordable_reservations(user, ids=[reservation_id], lock=True)
    if not reservations:
        raise reservation_not_found()
    return reservations[0]


def _reservations_of(user, rows: list[NewEvent], *, provider_id, lock: bool) -> list[Reservation | None]:
    """Each row's reservation, or None where it is not found or not the user's: one query for
    the ids and one for the numbers (each only if a row names one)."""
    ids = {row.reservation_id for row in rows if row.reservation_id is not None}
    numbers = {row.voucher_number for row in rows if row.reservation_id is None and row.voucher_number is not None}
    by_id = {r.pk: r for r in recordable_reservations(user, ids=ids, provider_id=provider_id, lock=lock)} if ids else {}
    by_number = (
        {r.voucher.number: r for r in recordable_reservations(user, numbers=numbers, provider_id=provider_id, lock=lock)}
        if numbers else {}
    )
    return [by_id.get(row.reservation_id) if row.reservation_id is not None else by_number.get(row.voucher_number)
            for row in rows]


# --- the checks every recording passes -----------------------------------------------------------

# The most one event may record (issue 28, item 8: 99,999,999.99 waited for review as a 4.2
# billion € event): ten times what the content grants (its quantity, or a balance's euros), and
# never less than this ceiling, so that a small grant still takes a plausible over-grant event.
QUANTITY_GRANT_TIMES = 10
QUANTITY_CEILING = Decimal("10000")


def quantity_limit(voucher_content) -> Decimal:
    granted = voucher_content.quantity if voucher_content.quantity is not None else voucher_content.amount
    return max((granted or Decimal(0)) * QUANTITY_GRANT_TIMES, QUANTITY_CEILING)


def _number(value: Decimal) -> str:
    """10 000,00 as the pages write numbers (``format_amount``, in the user's language)."""
    return format_amount(value, get_language())



def check_recordable(*, reservation: Reservation, content_id, day: dt.date, quantity: Decimal) -> None:
    voucher = reservation.voucher
    balance = voucher.kind == VoucherKind.BALANCE
    if voucher.kind not in VoucherKind.recordable():
        raise DomainError(ErrorCode.KIND_NOT_RECORDABLE, _("Tälle ostovoimalle ei kirjata tapahtumia."))
    if content_id is not None and int(content_id) != reservation.voucher_content_id:
        raise DomainError(
            ErrorCode.CONTENT_NOT_RESERVED,
            _("Tapahtuman voi kirjata vain varattuun palvelusisältöön (%(name)s).")
            % {"name": reservation.voucher_content.content.name},
        )
    if quantity is None or quantity <= 0:
        message = _("Summan on oltava suurempi kuin nolla.") if balance else _("Määrän on oltava suurempi kuin nolla.")
        raise DomainError(ErrorCode.QUANTITY_NOT_POSITIVE, message)
    if quantity != quantity.quantize(CENT):
        raise DomainError(ErrorCode.QUANTITY_PRECISION, _("Anna määrä enintään kahden desimaalin tarkkuudella."))
    limit = quantity_limit(reservation.voucher_content)
    if quantity > limit:
        raise DomainError(
            ErrorCode.QUANTITY_TOO_LARGE,
            _("Määrä on liian suuri: yhdessä tapahtumassa enintään %(limit)s (kymmenen kertaa myönnetty, vähintään "
              "%(ceiling)s).") % {"limit": _number(limit), "ceiling": _number(QUANTITY_CEILING)},
            field="quantity",
        )
    if day > today():
        raise DomainError(ErrorCode.DATE_IN_FUTURE, _("Tapahtumaa ei voi kirjata tulevalle päivälle."))
    if not voucher.in_force_on(day):
        raise DomainError(
            ErrorCode.DATE_OUTSIDE_VALIDITY,
            _("Päivämäärä %(day)s ei ole ostovoiman voimassaoloaikana (%(start)s–%(end)s).")
            % {"day": format_day(day), "start": format_day(voucher.valid_from), "end": format_day(voucher.effective_end)},
        )
    if reservation.ended_on is not None and day > reservation.ended_on:
        raise DomainError(
            ErrorCode.RESERVATION_ENDED,
            _("Palveluvaraus on päättynyt %(end)s; sen jälkeisille päiville ei voi kirjata tapahtumia.")
            % {"end": format_day(reservation.ended_on)},
        )


class Prices:
    """``price_on`` asked once per provider, organiser, content and day."""

    def __init__(self):
        self.known = {}

    def __call__(self, *, provider, organiser, content, day):
        key = (provider, organiser, content.pk, day)
        if key not in self.known:
            self.known[key] = price_on(provider=provider, organiser=organiser, content=content, day=day)
        return self.known[key]


def priced(*, reservation: Reservation, day: dt.date, quantity: Decimal, prices=price_on) -> dict:
    """Unit price from the provider's price list on ``day`` and the split into shares.
    On a balance voucher the quantity is euros: 1,00 € each, all paid from the balance.
    ``prices``: ``price_on`` or ``Prices``, which asks it once per day."""
    voucher = reservation.voucher
    content = reservation.voucher_content
    item = prices(provider=reservation.provider_id, organiser=voucher.organiser_id, content=content.content, day=day)
    if item is None:
        raise DomainError(
            ErrorCode.NO_PRICE,
            _("Palveluntuottajalla ei ole voimassa olevaa hintaa palvelusisällölle %(name)s päivänä %(day)s.")
            % {"name": content.content.name, "day": format_day(day)},
        )
    unit_price = Decimal("1.00") if voucher.kind == VoucherKind.BALANCE else item.unit_price
    total, voucher_share, customer_share = split_price(
        kind=voucher.kind, quantity=quantity, unit_price=unit_price, unit_value=content.unit_value
    )
    return {
        "unit_price": unit_price,
        "total": total,
        "voucher_share": voucher_share,
        "customer_share": customer_share,
    }


def status_for(*, reservation: Reservation, day: dt.date, quantity: Decimal, voucher_share: Decimal, usage: Usage) -> str:
    """Approved, or under review when it takes the content past what was granted for the period.
    A balance voucher can never be overdrawn: refused instead."""
    voucher = reservation.voucher
    content = reservation.voucher_content
    start, end = period_bounds(period=content.period, day=day, valid_from=voucher.valid_from, valid_to=voucher.effective_end)
    used_quantity, used_amount = usage.used(reservation=reservation, start=start, end=end)
    after = usage_of(
        kind=voucher.kind,
        voucher_content=content,
        used_quantity=used_quantity + quantity,
        used_amount=used_amount + voucher_share,
    )
    if not after.over:
        return EventStatus.APPROVED
    if voucher.kind == VoucherKind.BALANCE:
        left = after.left + (voucher_share if after.in_euros else quantity)
        raise DomainError(
            ErrorCode.BALANCE_EXCEEDED,
            _("Saldo ei riitä: jäljellä %(left)s, kirjaus %(amount)s.") % {"left": _euros(left), "amount": _euros(voucher_share)},
        )
    return EventStatus.UNDER_REVIEW


def check_over_grant_confirmed(status: str, confirmed: bool) -> None:
    if status == EventStatus.UNDER_REVIEW and not confirmed:
        raise DomainError(ErrorCode.OVER_GRANT_UNCONFIRMED, str(OVER_GRANT))


def move(event: Event, target: str) -> None:
    if not EventStatus.can_move(event.status, target):
        raise DomainError(
            ErrorCode.TRANSITION_NOT_ALLOWED,
            _("Tapahtuman tilaa ei voi muuttaa: %(source)s → %(target)s.")
            % {"source": EventStatus(event.status).label, "target": EventStatus(target).label},
        )
    event.status = target


def fields_valid(event: Event) -> None:
    """The model's own checks of the fields a recording gave and computed (``CHECKED_FIELDS``)."""
    try:
        for model_field in CHECKED_FIELDS:
            model_field.clean(getattr(event, model_field.attname), event)
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from error


def insert_refusal(error: IntegrityError) -> DomainError:
    """An INSERT or UPDATE the database refused, in Finnish: an id already recorded on the
    reservation (the constraint settles a race), or data no rule let through (a bug)."""
    if getattr(error.__cause__, "diag", None) and error.__cause__.diag.constraint_name == CLIENT_ID_ONCE:
        return already_recorded(None)
    return DomainError(ErrorCode.INVALID, _("Tapahtuman tiedot eivät kelpaa. Tarkista päivämäärä, määrä ja hinnat."))


# --- the service ---------------------------------------------------------------------------------


def events_record_many(*, user, rows: list[NewEvent], provider_id: int | None = None, save: bool = True,
                       all_or_nothing: bool = False, over_grant_confirmed: bool = True) -> list[Recorded]:
    """Check each row as one recording: its reservation the user's (and ``provider_id``'s, if
    given), recordable, priced on its date, approved or under review (past what was granted), a
    balance never overdrawn; in order, each row seeing the rows above it. A ``client_id`` already
    recorded on the reservation, or twice among the rows, is refused as ``already_recorded`` with
    the recorded event's id (the constraint settles a race). With ``save`` (in the caller's
    transaction), lock the reservations and record the good rows with their history and audit
    rows — or none of them, with ``all_or_nothing``, when a row is refused.
    ``over_grant_confirmed=False`` (the form, before "Kirjaa silti"): a row that would go to
    review is refused as ``over_grant_unconfirmed``."""
    reservations = _reservations_of(user, rows, provider_id=provider_id, lock=save)
    prices, usage = Prices(), Usage({reservation.pk for reservation in reservations if reservation is not None})
    recorded = _recorded_ids(rows, reservations)
    results, firsts = [], {}
    for row, reservation in zip(rows, reservations, strict=True):
        key = (reservation.pk, row.client_id) if reservation is not None and row.client_id is not None else None
        try:
            if reservation is None:
                raise reservation_not_found()
            if key in recorded:
                raise already_recorded(recorded[key])
            if key in firsts:
                raise already_recorded(None)  # its id once the first is saved
            event = _checked(user=user, row=row, reservation=reservation, prices=prices, usage=usage,
                             over_grant_confirmed=over_grant_confirmed)
        except DomainError as error:
            results.append(Recorded(error=error))
            continue
        usage.add(event)
        results.append(Recorded(event=event))
        if key is not None:
            firsts[key] = event
    if save and (not all_or_nothing or all(result.ok for result in results)):
        _insert(user=user, events=[result.event for result in results if result.ok])
        for row, reservation, result in zip(rows, reservations, results, strict=True):
            if not result.ok and result.error.code == ErrorCode.ALREADY_RECORDED and result.error.params["event_id"] is None:
                result.error.params["event_id"] = firsts[(reservation.pk, row.client_id)].pk
    return results


def _recorded_ids(rows: list[NewEvent], reservations: list[Reservation | None]) -> dict[tuple, int]:
    """{(reservation id, client id): event id} of the rows' ids already recorded (one query)."""
    keys = {
        (reservation.pk, row.client_id)
        for row, reservation in zip(rows, reservations, strict=True)
        if reservation is not None and row.client_id is not None
    }
    if not keys:
        return {}
    events = Event.objects.filter(
        reservation_id__in={reservation for reservation, _id in keys}, client_id__in={client for _r, client in keys}
    ).values_list("reservation_id", "client_id", "pk")
    return {(reservation, client): pk for reservation, client, pk in events if (reservation, client) in keys}


def _checked(*, user, row: NewEvent, reservation: Reservation, prices, usage, over_grant_confirmed: bool) -> Event:
    check_recordable(reservation=reservation, content_id=row.content_id, day=row.date, quantity=row.quantity)
    shares = priced(reservation=reservation, day=row.date, quantity=row.quantity, prices=prices)
    status = status_for(reservation=reservation, day=row.date, quantity=row.quantity,
                        voucher_share=shares["voucher_share"], usage=usage)
    check_over_grant_confirmed(status, over_grant_confirmed)
    event = Event(reservation=reservation, date=row.date, quantity=row.quantity, note=row.note, created_by=user,
                  client_id=row.client_id, **shares)
    move(event, status)
    fields_valid(event)
    return event


def _insert(*, user, events: list[Event]) -> None:
    """The events in one INSERT per thousand (each with its organiser's copy, as ``save`` would
    make it), then their history and audit rows as a recording writes them."""
    for event in events:
        event.copy_organiser()
    try:
        Event.objects.bulk_create(events, batch_size=1000)
    except IntegrityError as error:
        raise insert_refusal(error) from error
    log_recorded(user=user, events=events)
