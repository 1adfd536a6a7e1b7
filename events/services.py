"""Recording and correcting events (tapahtuma). Every change of an event goes through here (a
recording through ``events.recording``, which holds the rules every recording passes).

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
from django.utils.translation import gettext as _

from core.dates import format_day
from core.errors import DomainError, ErrorCode
from core.money import to_cents
from events.history import diff, log_change, snapshot
from events.models import CreditReason, Event, EventStatus
from events.pricing import split_price
from events.recording import (
    NewEvent,
    check_over_grant_confirmed,
    check_recordable,
    events_record_many,
    insert_refusal,
    locked_reservation,
    move,
    priced,
    status_for,
)
from events.selectors import Usage, events_for_user
from notifications.models import NotificationKind
from notifications.services import notify
from organisations import permissions


# --- locking and saving ------------------------------------------------------------------------------


def _locked_event(user, event_id: int) -> Event:
    """The event, its reservation locked first (the order every change takes), then the event itself."""
    reservation_id = events_for_user(user).filter(pk=event_id).values_list("reservation_id", flat=True).first()
    if reservation_id is None:
        raise DomainError(ErrorCode.EVENT_NOT_FOUND, _("Tapahtumaa ei löydy."))
    reservation = locked_reservation(user, reservation_id)
    event = Event.objects.select_for_update().filter(pk=event_id, reservation=reservation).first()
    if event is None:
        raise DomainError(ErrorCode.EVENT_NOT_FOUND, _("Tapahtumaa ei löydy."))
    event.reservation = reservation
    return event


def _save(event: Event) -> None:
    """The fields checked in Python; not the foreign keys (rows this service has just read and
    locked) nor the check and unique constraints, which the database enforces on the INSERT or
    UPDATE itself: validating them here cost a query and a savepoint each, 14 of a recording's
    queries. A violation (a bug, or a race past the reservation's lock) is refused in Finnish and
    the service's transaction rolls back."""
    try:
        event.full_clean(exclude=["reservation", "created_by", "credit_of"], validate_constraints=False)
    except ValidationError as error:
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from error
    try:
        event.save()
    except IntegrityError as error:
        raise insert_refusal(error) from error


def _require_organiser(user, message: str) -> None:
    if not permissions.is_organiser(user):
        raise DomainError(ErrorCode.ORGANISER_ONLY, message)


# --- the services ----------------------------------------------------------------------------------


@transaction.atomic
def event_record(*, user, reservation_id: int, date: dt.date, quantity: Decimal, content_id: int | None = None, note: str = "",
                 client_id: str | None = None, over_grant_confirmed: bool = True) -> Event:
    """Record a delivery of service on a reservation: priced on its date, approved or under review
    (``events.recording.events_record_many`` with one row).
    ``client_id``: the recording system's own id of the event; an id already recorded on the
    reservation is refused as ``already_recorded`` (the constraint settles a race).
    ``over_grant_confirmed=False`` (the form, before "Kirjaa silti"): an event that would go to
    the organiser's review is refused as ``over_grant_unconfirmed`` and nothing is written."""
    row = NewEvent(reservation_id=reservation_id, date=date, quantity=quantity, content_id=content_id, note=note,
                   client_id=client_id)
    [recorded] = events_record_many(user=user, rows=[row], over_grant_confirmed=over_grant_confirmed)
    if not recorded.ok:
        raise recorded.error
    return recorded.event


@transaction.atomic
def event_update(*, user, event_id: int, date: dt.date, quantity: Decimal, note: str = "", content_id: int | None = None,
                 over_grant_confirmed: bool = True) -> Event:
    """Change an event that is not yet settled; it is priced and checked again
    (``over_grant_confirmed`` as in ``event_record``)."""
    event = _locked_event(user, event_id)
    if not event.editable:
        raise DomainError(ErrorCode.EVENT_SETTLED, _("Tilitettyä tapahtumaa ei voi enää muuttaa. Korjaus tehdään hyvityksellä."))
    before = snapshot(event)
    reservation = event.reservation
    check_recordable(reservation=reservation, content_id=content_id, day=date, quantity=quantity)
    prices = priced(reservation=reservation, day=date, quantity=quantity)
    usage = Usage([reservation.pk], exclude_event_id=event.pk)
    status = status_for(reservation=reservation, day=date, quantity=quantity, voucher_share=prices["voucher_share"], usage=usage)
    check_over_grant_confirmed(status, over_grant_confirmed)
    event.date, event.quantity, event.note = date, quantity, note
    for name, value in prices.items():
        setattr(event, name, value)
    if status != event.status:
        move(event, status)
        event.review_reason = ""
    _save(event)
    changes = diff(before, snapshot(event))
    if changes:
        log_change(user=user, event=event, action="update", changes=changes)
    return event


@transaction.atomic
def event_delete(*, user, event_id: int) -> None:
    """Delete an event that is not yet settled. Its history stays."""
    event = _locked_event(user, event_id)
    if not event.editable:
        raise DomainError(ErrorCode.EVENT_SETTLED, _("Tilitettyä tapahtumaa ei voi poistaa. Korjaus tehdään hyvityksellä."))
    log_change(user=user, event=event, action="delete", changes={k: [v, None] for k, v in snapshot(event).items()})
    event.delete()


@transaction.atomic
def event_review(*, user, event_id: int, approve: bool, reason: str = "") -> Event:
    """The organiser approves an event under review, or rejects it with a reason the provider sees."""
    _require_organiser(user, _("Vain palvelunjärjestäjä voi tarkastaa tapahtumia."))
    event = _locked_event(user, event_id)
    if event.status != EventStatus.UNDER_REVIEW:
        raise DomainError(ErrorCode.NOT_UNDER_REVIEW, _("Tapahtuma ei ole tarkastettavana."))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise DomainError(ErrorCode.REASON_REQUIRED, _("Kirjoita hylkäyksen perustelu; palveluntuottaja näkee sen."))
    before = snapshot(event)
    move(event, EventStatus.APPROVED if approve else EventStatus.REJECTED)
    event.review_reason = reason
    _save(event)
    log_change(user=user, event=event, action="approve" if approve else "reject", changes=diff(before, snapshot(event)))
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
            ErrorCode.NOT_CREDITABLE,
            _("Hyvityksen voi tehdä vain tilitetylle tai maksetulle tapahtumalle; sitä ennen tapahtumaa voi muokata."),
        )
    if reason_code not in CreditReason.values:
        raise DomainError(ErrorCode.REASON_CODE_INVALID, _("Valitse hyvityksen syykoodi."))
    explanation = (explanation or "").strip()
    if not explanation:
        raise DomainError(ErrorCode.EXPLANATION_REQUIRED, _("Kirjoita hyvityksen selite; palveluntuottaja näkee sen."))
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
            ErrorCode.CREDIT_EXCEEDS,
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
    log_change(user=user, event=credit, action="credit", changes={k: [None, v] for k, v in snapshot(credit).items()})
    log_change(user=user, event=original, action="credited", changes={"credit": [None, credit.pk]})
    _notify(original, kind=NotificationKind.CREDITED, explanation=explanation)
    return credit
