"""An event's history: a change row (``EventChange``) and an audit row for every change of an event,
written by the services that change it (events.recording, events.services)."""

import datetime as dt
from decimal import Decimal

from audit.services import audit_log, audit_log_many
from events.models import Event, EventChange
from organisations import permissions

SNAPSHOT_FIELDS = [
    "date", "quantity", "unit_price", "total", "voucher_share", "customer_share",
    "status", "note", "review_reason", "reason_code", "explanation",
]


def snapshot(event: Event) -> dict:
    return {name: _plain(getattr(event, name)) for name in SNAPSHOT_FIELDS}


def _plain(value):
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def diff(before: dict, after: dict) -> dict:
    return {name: [before[name], after[name]] for name in SNAPSHOT_FIELDS if before[name] != after[name]}


def log_change(*, user, event: Event, action: str, changes: dict) -> None:
    change, entry = _log_rows(user=user, event=event, action=action, changes=changes)
    change.save()
    entry.save()


def log_recorded(*, user, events: list[Event]) -> None:
    """The history and audit rows of ``log_change(action="record")`` for many saved events at once,
    in batches (one statement each for a recording, a thousand rows to one for an import)."""
    rows = [
        _log_rows(user=user, event=event, action="record", changes={k: [None, v] for k, v in snapshot(event).items()})
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
