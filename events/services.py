"""Recording and correcting events (tapahtuma). Every change of an event goes through here.

The reservation row is locked first by every change on its events, so that two recorders on one
voucher take turns: what was granted for a period (and a balance voucher's euros) is checked
against what the events before them used.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.services import audit_log, audit_log_many
from core.dates import format_day, today
from core.errors import DomainError
from core.money import CENT, format_euros, to_cents
from events.models import CreditReason, Event, EventChange, EventStatus
from events.pricing import period_bounds, split_price, usage_of
from events.selectors import events_for_user, period_usage
from notifications.models import NotificationKind
from notifications.services import notify
from organisations import permissions
from reservations.models import Reservation
from reservations.selectors import reservations_for_user
from vouchers.models import VoucherKind
from vouchers.selectors import price_on

SNAPSHOT_FIELDS = [
    "date", "quantity", "unit_price", "total", "voucher_share", "customer_share",
    "status", "note", "review_reason", "reason_code", "explanation",
]


def _euros(value: Decimal) -> str:
    return format_euros(value, get_language())


# --- locking and the checks every recording passes -------------------------------------------


def _locked_reservation(user, reservation_id: int) -> Reservation:
    """The reservation locked, with what the checks and the pricing read joined to it (not the
    registers a page shows it with: five queries fewer for each recording)."""
    reservation = (
        reservations_for_user(user)
        .prefetch_related(None)
        .select_related("voucher__organiser", "voucher_content__content")
        .select_for_update(of=("self",))
        .filter(pk=reservation_id)
        .first()
    )
    if reservation is None:
        raise reservation_not_found()
    return reservation


def reservation_not_found() -> DomainError:
    """The one answer for a reservation that does not exist and for someone else's."""
    return DomainError("reservation_not_found", _("Palveluvarausta ei löydy, tai sinulla ei ole oikeutta kirjata sille."))


def _locked_event(user, event_id: int) -> Event:
    """The event, its reservation locked first (the order every change takes), then the event itself."""
    reservation_id = events_for_user(user).filter(pk=event_id).values_list("reservation_id", flat=True).first()
    if reservation_id is None:
        raise DomainError("event_not_found", _("Tapahtumaa ei löydy."))
    reservation = _locked_reservation(user, reservation_id)
    event = Event.objects.select_for_update().filter(pk=event_id, reservation=reservation).first()
    if event is None:
        raise DomainError("event_not_found", _("Tapahtumaa ei löydy."))
    event.reservation = reservation
    return event


def _check_recordable(*, reservation: Reservation, content_id, day: dt.date, quantity: Decimal) -> None:
    voucher = reservation.voucher
    balance = voucher.kind == VoucherKind.BALANCE
    if voucher.kind not in VoucherKind.recordable():
        raise DomainError("kind_not_recordable", _("Tälle ostovoimalle ei kirjata tapahtumia."))
    if content_id is not None and int(content_id) != reservation.voucher_content_id:
        raise DomainError(
            "content_not_reserved",
            _("Tapahtuman voi kirjata vain varattuun palvelusisältöön (%(name)s).")
            % {"name": reservation.voucher_content.content.name},
        )
    if quantity is None or quantity <= 0:
        message = _("Summan on oltava suurempi kuin nolla.") if balance else _("Määrän on oltava suurempi kuin nolla.")
        raise DomainError("quantity_not_positive", message)
    if quantity != quantity.quantize(CENT):
        raise DomainError("quantity_precision", _("Anna määrä enintään kahden desimaalin tarkkuudella."))
    if day > today():
        raise DomainError("date_in_future", _("Tapahtumaa ei voi kirjata tulevalle päivälle."))
    if not voucher.covers(day):
        raise DomainError(
            "date_outside_validity",
            _("Päivämäärä %(day)s ei ole ostovoiman voimassaoloaikana (%(start)s–%(end)s).")
            % {"day": format_day(day), "start": format_day(voucher.valid_from), "end": format_day(voucher.effective_end)},
        )
    if reservation.ended_on is not None and day > reservation.ended_on:
        raise DomainError(
            "reservation_ended",
            _("Palveluvaraus on päättynyt %(end)s; sen jälkeisille päiville ei voi kirjata tapahtumia.")
            % {"end": format_day(reservation.ended_on)},
        )


def _priced(*, reservation: Reservation, day: dt.date, quantity: Decimal, price_lookup=price_on) -> dict:
    """Unit price from the provider's price list on ``day`` and the split into shares.
    On a balance voucher the quantity is euros: 1,00 € each, all paid from the balance.
    ``price_lookup``: ``price_on`` or a stand-in with its answers (an import asks once per day)."""
    voucher = reservation.voucher
    content = reservation.voucher_content
    item = price_lookup(provider=reservation.provider_id, organiser=voucher.organiser_id, content=content.content, day=day)
    if item is None:
        raise DomainError(
            "no_price",
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


def _status_for(
    *, reservation: Reservation, day: dt.date, quantity: Decimal, voucher_share: Decimal, exclude_event_id=None,
    usage_lookup=period_usage,
) -> str:
    """Approved, or under review when it takes the content past what was granted for the period.
    A balance voucher can never be overdrawn: refused instead. ``usage_lookup``: ``period_usage``
    or a stand-in with its answers (an import reads every reservation's usage at once)."""
    voucher = reservation.voucher
    content = reservation.voucher_content
    start, end = period_bounds(period=content.period, day=day, valid_from=voucher.valid_from, valid_to=voucher.effective_end)
    used_quantity, used_amount = usage_lookup(reservation=reservation, start=start, end=end, exclude_event_id=exclude_event_id)
    usage = usage_of(
        kind=voucher.kind,
        voucher_content=content,
        used_quantity=used_quantity + quantity,
        used_amount=used_amount + voucher_share,
    )
    if not usage.over:
        return EventStatus.APPROVED
    if voucher.kind == VoucherKind.BALANCE:
        left = usage.left + (voucher_share if usage.in_euros else quantity)
        raise DomainError(
            "balance_exceeded",
            _("Saldo ei riitä: jäljellä %(left)s, kirjaus %(amount)s.") % {"left": _euros(left), "amount": _euros(voucher_share)},
        )
    return EventStatus.UNDER_REVIEW


# --- history -------------------------------------------------------------------------------------


def _snapshot(event: Event) -> dict:
    return {name: _plain(getattr(event, name)) for name in SNAPSHOT_FIELDS}


def _plain(value):
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def _diff(before: dict, after: dict) -> dict:
    return {name: [before[name], after[name]] for name in SNAPSHOT_FIELDS if before[name] != after[name]}


def _log(*, user, event: Event, action: str, changes: dict) -> None:
    change, entry = _log_rows(user=user, event=event, action=action, changes=changes)
    change.save()
    entry.save()


def log_recorded(*, user, events: list[Event]) -> None:
    """The history and audit rows of ``_log(action="record")`` for many saved events at once, in
    batches (an import of events)."""
    rows = [
        _log_rows(user=user, event=event, action="record", changes={k: [None, v] for k, v in _snapshot(event).items()})
        for event in events
    ]
    EventChange.objects.bulk_create([change for change, _entry in rows], batch_size=1000)
    audit_log_many([entry for _change, entry in rows])


def _log_rows(*, user, event: Event, action: str, changes: dict):
    """An event's change row and its audit row, not yet written."""
    change = EventChange(
        event=event, event_number=event.pk, reservation=event.reservation, changed_by=user, action=action, changes=changes
    )
    return change, audit_log(
        save=False,
        user=user,
        action="change",
        code=f"event_{action}",
        params={"event": event.pk, "number": event.reservation.voucher.number},
        customer_id=event.reservation.voucher.customer_id,
        organiser_id=event.reservation.voucher.organiser_id,
        organisation=permissions.organisation_name(user),
    )


def _save(event: Event) -> None:
    """The fields checked in Python; not the foreign keys (rows this service has just read and
    locked) nor the check and unique constraints, which the database enforces on the INSERT or
    UPDATE itself: validating them here cost a query and a savepoint each, 14 of a recording's
    queries. A violation (a bug, or a race past the reservation's lock) is refused in Finnish and
    the service's transaction rolls back."""
    try:
        event.full_clean(exclude=["reservation", "created_by", "credit_of"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError("invalid", " ".join(error.messages)) from error
    try:
        event.save()
    except IntegrityError as error:
        if getattr(error.__cause__, "diag", None) and error.__cause__.diag.constraint_name == CLIENT_ID_ONCE:
            raise _already_recorded(None) from error
        raise DomainError("invalid", _("Tapahtuman tiedot eivät kelpaa. Tarkista päivämäärä, määrä ja hinnat.")) from error


CLIENT_ID_ONCE = "event_client_id_once_per_reservation"


def _move(event: Event, target: str) -> None:
    if not EventStatus.can_move(event.status, target):
        raise DomainError(
            "transition_not_allowed",
            _("Tapahtuman tilaa ei voi muuttaa: %(source)s → %(target)s.")
            % {"source": EventStatus(event.status).label, "target": EventStatus(target).label},
        )
    event.status = target


def _require_organiser(user, message: str) -> None:
    if not permissions.is_organiser(user):
        raise DomainError("organiser_only", message)


# --- the services ----------------------------------------------------------------------------------


OVER_GRANT = gettext_lazy("Kirjaus ylittää myönnetyn määrän: menee palvelunjärjestäjän tarkastettavaksi.")


def _check_over_grant_confirmed(status: str, confirmed: bool) -> None:
    if status == EventStatus.UNDER_REVIEW and not confirmed:
        raise DomainError("over_grant_unconfirmed", str(OVER_GRANT))


def _already_recorded(event_id: int | None) -> DomainError:
    return DomainError("already_recorded", _("Tapahtuma on jo kirjattu tällä tunnisteella."), event_id=event_id)


@transaction.atomic
def event_record(*, user, reservation_id: int, date: dt.date, quantity: Decimal, content_id: int | None = None, note: str = "",
                 client_id: str | None = None, over_grant_confirmed: bool = True) -> Event:
    """Record a delivery of service on a reservation: priced on its date, approved or under review.
    ``client_id``: the recording system's own id of the event; an id already recorded on the
    reservation is refused as ``already_recorded`` (the constraint settles a race).
    ``over_grant_confirmed=False`` (the form, before "Kirjaa silti"): an event that would go to
    the organiser's review is refused as ``over_grant_unconfirmed`` and nothing is written."""
    reservation = _locked_reservation(user, reservation_id)
    if client_id is not None:
        existing = Event.objects.filter(reservation=reservation, client_id=client_id).values_list("pk", flat=True).first()
        if existing is not None:
            raise _already_recorded(existing)
    _check_recordable(reservation=reservation, content_id=content_id, day=date, quantity=quantity)
    prices = _priced(reservation=reservation, day=date, quantity=quantity)
    status = _status_for(reservation=reservation, day=date, quantity=quantity, voucher_share=prices["voucher_share"])
    _check_over_grant_confirmed(status, over_grant_confirmed)
    event = Event(reservation=reservation, date=date, quantity=quantity, note=note, created_by=user, client_id=client_id,
                  **prices)
    _move(event, status)
    _save(event)
    _log(user=user, event=event, action="record", changes={k: [None, v] for k, v in _snapshot(event).items()})
    return event


@transaction.atomic
def event_update(*, user, event_id: int, date: dt.date, quantity: Decimal, note: str = "", content_id: int | None = None,
                 over_grant_confirmed: bool = True) -> Event:
    """Change an event that is not yet settled; it is priced and checked again
    (``over_grant_confirmed`` as in ``event_record``)."""
    event = _locked_event(user, event_id)
    if not event.editable:
        raise DomainError("event_settled", _("Tilitettyä tapahtumaa ei voi enää muuttaa. Korjaus tehdään hyvityksellä."))
    before = _snapshot(event)
    reservation = event.reservation
    _check_recordable(reservation=reservation, content_id=content_id, day=date, quantity=quantity)
    prices = _priced(reservation=reservation, day=date, quantity=quantity)
    status = _status_for(
        reservation=reservation, day=date, quantity=quantity, voucher_share=prices["voucher_share"], exclude_event_id=event.pk
    )
    _check_over_grant_confirmed(status, over_grant_confirmed)
    event.date, event.quantity, event.note = date, quantity, note
    for name, value in prices.items():
        setattr(event, name, value)
    if status != event.status:
        _move(event, status)
        event.review_reason = ""
    _save(event)
    changes = _diff(before, _snapshot(event))
    if changes:
        _log(user=user, event=event, action="update", changes=changes)
    return event


@transaction.atomic
def event_delete(*, user, event_id: int) -> None:
    """Delete an event that is not yet settled. Its history stays."""
    event = _locked_event(user, event_id)
    if not event.editable:
        raise DomainError("event_settled", _("Tilitettyä tapahtumaa ei voi poistaa. Korjaus tehdään hyvityksellä."))
    _log(user=user, event=event, action="delete", changes={k: [v, None] for k, v in _snapshot(event).items()})
    event.delete()


@transaction.atomic
def event_review(*, user, event_id: int, approve: bool, reason: str = "") -> Event:
    """The organiser approves an event under review, or rejects it with a reason the provider sees."""
    _require_organiser(user, _("Vain palvelunjärjestäjä voi tarkastaa tapahtumia."))
    event = _locked_event(user, event_id)
    if event.status != EventStatus.UNDER_REVIEW:
        raise DomainError("not_under_review", _("Tapahtuma ei ole tarkastettavana."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError("reason_required", _("Kirjoita hylkäyksen perustelu; palveluntuottaja näkee sen."))
    before = _snapshot(event)
    _move(event, EventStatus.APPROVED if approve else EventStatus.REJECTED)
    event.review_reason = reason
    _save(event)
    _log(user=user, event=event, action="approve" if approve else "reject", changes=_diff(before, _snapshot(event)))
    if not approve:
        _notify(event, kind=NotificationKind.REJECTED, reason=reason)
    return event


def _notify(event: Event, *, kind: str, **params) -> None:
    """The event's provider learns what the organiser did to it (issue 13, item 21)."""
    reservation = event.reservation
    notify(
        provider_id=reservation.provider_id, kind=kind, link=reverse("events:create", args=[reservation.pk]),
        params={"organiser": reservation.voucher.organiser.name, "number": reservation.voucher.number,
                "day": format_day(event.date), **params},
    )


@transaction.atomic
def event_credit(*, user, event_id: int, reason_code: str, explanation: str, quantity: Decimal | None = None) -> Event:
    """Correct a settled event by a credit (hyvitys): a negative event with a reason code and an
    explanation the provider sees. Only organiser staff; at most what is left of the event."""
    _require_organiser(user, _("Vain palvelunjärjestäjä voi tehdä hyvityksen."))
    original = _locked_event(user, event_id)
    if not original.creditable:
        raise DomainError(
            "not_creditable",
            _("Hyvityksen voi tehdä vain tilitetylle tai maksetulle tapahtumalle; sitä ennen tapahtumaa voi muokata."),
        )
    if reason_code not in CreditReason.values:
        raise DomainError("reason_code_invalid", _("Valitse hyvityksen syykoodi."))
    explanation = (explanation or "").strip()
    if not explanation:
        raise DomainError("explanation_required", _("Kirjoita hyvityksen selite; palveluntuottaja näkee sen."))
    credited = [(c.quantity, c.total, c.voucher_share, c.customer_share) for c in original.credits.all()]
    left = [
        original.quantity + sum(c[0] for c in credited),
        original.total + sum(c[1] for c in credited),
        original.voucher_share + sum(c[2] for c in credited),
        original.customer_share + sum(c[3] for c in credited),
    ]
    quantity = left[0] if quantity is None else quantity
    if quantity <= 0 or quantity > left[0]:
        raise DomainError(
            "credit_exceeds",
            _("Hyvitettävän määrän on oltava suurempi kuin nolla ja enintään %(left)s.") % {"left": number_format(left[0], 2)},
        )
    if quantity == left[0]:
        total, voucher_share, customer_share = left[1], left[2], left[3]
    else:
        total, voucher_share, customer_share = split_price(
            kind=original.reservation.voucher.kind,
            quantity=quantity,
            unit_price=original.unit_price,
            unit_value=original.reservation.voucher_content.unit_value,
        )
    credit = Event(
        reservation=original.reservation,
        date=original.date,
        quantity=-quantity,
        unit_price=original.unit_price,
        total=-to_cents(total),
        voucher_share=-to_cents(voucher_share),
        customer_share=-to_cents(customer_share),
        status=EventStatus.APPROVED,
        credit_of=original,
        reason_code=reason_code,
        explanation=explanation,
        created_by=user,
    )
    _save(credit)
    _log(user=user, event=credit, action="credit", changes={k: [None, v] for k, v in _snapshot(credit).items()})
    _log(user=user, event=original, action="credited", changes={"credit": [None, credit.pk]})
    _notify(original, kind=NotificationKind.CREDITED, explanation=explanation)
    return credit
