"""Settling and paying events: a payment run asks (payments orchestrates, events changes its rows).

Set-based: one UPDATE and one INSERT … SELECT however many events, inside the caller's
transaction. What settling returns to the payment run's statement is typed (``SettledEvents``):
its columns are named here once, and the SQL reads every table and column of ours from the
models' ``_meta``, so that a renamed column fails a test (tests/events/test_settlement.py), not a
payment run.
"""

import json
from dataclasses import dataclass
from typing import ClassVar

from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, ErrorCode
from events.models import Event, EventChange, EventStatus
from reservations.models import Reservation


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


@dataclass(frozen=True)
class SettledEvents:
    """The start of the caller's statement that settles events: ``WITH …`` up to and including
    the rows named ``table``, one per event settled. The caller adds the statement that reads
    them, by the column names declared here (``SettledEvents.provider_id`` …) and nothing else."""

    sql: str
    params: tuple

    table: ClassVar[str] = "settled_events"
    # Its columns: the event, the provider its reservation pays, the first day of the event's
    # month, and the voucher's share of the event as it is when settled.
    event_id: ClassVar[str] = "event_id"
    provider_id: ClassVar[str] = "provider_id"
    month: ClassVar[str] = "month"
    voucher_share: ClassVar[str] = "voucher_share"
    columns: ClassVar[tuple[str, ...]] = (event_id, provider_id, month, voucher_share)


def events_settle(*, user, events, payment_run_id: int) -> SettledEvents:
    """Approved events paid in a payment run (the ``events`` queryset) become settled (tilitetty):
    after this only a credit corrects them. Returned as the start of the caller's statement, for a
    run that pays what it settles: ``WITH settled AS (UPDATE … RETURNING …), settled_history AS
    (INSERT …), settled_events AS (SELECT …)``, the caller adding the statement that reads
    ``SettledEvents.table``. One pass over the events: the UPDATE locks, settles and returns them,
    and their history is written from what it returned. An event changed meanwhile is settled as
    it is now (the UPDATE waits for the change and reads its new row), one that is no longer
    approved is left out; nothing is locked, read or written twice."""
    source, target = EventStatus.APPROVED, EventStatus.SETTLED
    sql, params = events.filter(status=source).order_by().values("pk").query.sql_with_params()
    changes = {"status": [source, target], "payment_run": [None, payment_run_id]}
    event = {name: _column(Event, name) for name in ("id", "reservation", "voucher_share", "date", "status", "updated_at")}
    change = {
        name: _column(EventChange, name)
        for name in ("event", "event_number", "reservation", "changed_by", "changed_at", "action", "changes")
    }
    settled = SettledEvents
    return SettledEvents(
        f"""WITH settled AS (
                UPDATE {_table(Event)} SET {event["status"]} = %s, {event["updated_at"]} = %s
                 WHERE {event["id"]} IN ({sql}) AND {event["status"]} = %s
             RETURNING {event["id"]} AS id, {event["reservation"]} AS reservation_id,
                       {event["voucher_share"]} AS voucher_share, {event["date"]} AS date
            ), settled_history AS (
                INSERT INTO {_table(EventChange)}
                       ({change["event"]}, {change["event_number"]}, {change["reservation"]}, {change["changed_by"]},
                        {change["changed_at"]}, {change["action"]}, {change["changes"]})
                SELECT id, id, reservation_id, %s, now(), 'settle', %s::jsonb FROM settled
            ), {settled.table} AS (
                SELECT settled.id AS {settled.event_id}, reservation.{_column(Reservation, "provider")} AS {settled.provider_id},
                       date_trunc('month', settled.date)::date AS {settled.month},
                       settled.voucher_share AS {settled.voucher_share}
                  FROM settled JOIN {_table(Reservation)} reservation
                    ON reservation.{_column(Reservation, "id")} = settled.reservation_id
            )""",
        (target, timezone.now(), *params, source, user.pk, json.dumps(changes)),
    )


def _history(*, user, events, action: str, changes: dict) -> None:
    """One change row per event of the ``events`` queryset, in one statement."""
    sql, params = events.values(picked_id=F("pk"), picked_reservation=F("reservation_id")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {EventChange._meta.db_table}
                       (event_id, event_number, reservation_id, changed_by_id, changed_at, action, changes)
                SELECT picked.picked_id, picked.picked_id, picked.picked_reservation, %s, now(), %s, %s::jsonb
                  FROM ({sql}) AS picked""",
            (user.pk, action, json.dumps(changes), *params),
        )


def _set_status(*, user, events, source: str, target: str, action: str, payment_run_id: int) -> int:
    if not EventStatus.can_move(source, target):
        raise DomainError(ErrorCode.TRANSITION_NOT_ALLOWED, _("Tapahtuman tilaa ei voi muuttaa."))
    events = events.filter(status=source)
    _history(user=user, events=events, action=action,
             changes={"status": [source, target], "payment_run": [None, payment_run_id]})
    return events.update(status=target, updated_at=timezone.now())


def events_mark_paid(*, user, events, payment_run_id: int) -> int:
    """Settled events of an approved run that has been paid out become paid; returns how many."""
    return _set_status(user=user, events=events, source=EventStatus.SETTLED, target=EventStatus.PAID,
                       action="paid", payment_run_id=payment_run_id)


def events_note_payment_approved(*, user, events, payment_run_id: int) -> None:
    """The run that paid the events was approved: their history says so."""
    _history(user=user, events=events, action="payment_approved", changes={"payment_run": [None, payment_run_id]})
