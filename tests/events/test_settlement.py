"""Settling events for a payment run (events.settlement): what it returns to the run's statement
is typed, and the statement reads the declared columns and nothing else."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection

from events.models import Event, EventChange, EventStatus
from events.settlement import SettledEvents, events_settle
from tests.factories import EventFactory, organiser_user

pytestmark = pytest.mark.django_db


def _settle_and_read(events, user):
    settled = events_settle(user=user, events=events, payment_run_id=7)
    with connection.cursor() as cursor:
        cursor.execute(f"{settled.sql} SELECT * FROM {SettledEvents.table} ORDER BY 1", settled.params)
        return [column.name for column in cursor.description], cursor.fetchall()


def test_events_settle__returns_the_declared_columns_of_each_event_settled():
    event = EventFactory(status=EventStatus.APPROVED, date=dt.date(2025, 5, 17), voucher_share=Decimal("15.00"))
    user = organiser_user(event.reservation.voucher.organiser)

    columns, rows = _settle_and_read(Event.objects.filter(pk=event.pk), user)

    assert columns == list(SettledEvents.columns)
    assert rows == [(event.pk, event.reservation.provider_id, dt.date(2025, 5, 1), Decimal("15.00"))]
    event.refresh_from_db()
    assert event.status == EventStatus.SETTLED
    change = EventChange.objects.get(event=event)
    assert (change.action, change.changed_by, change.changes) == (
        "settle", user, {"status": ["approved", "settled"], "payment_run": [None, 7]}
    )


def test_events_settle__leaves_out_an_event_no_longer_approved():
    event = EventFactory(status=EventStatus.UNDER_REVIEW)
    user = organiser_user(event.reservation.voucher.organiser)

    _columns, rows = _settle_and_read(Event.objects.filter(pk=event.pk), user)

    assert rows == []
    event.refresh_from_db()
    assert event.status == EventStatus.UNDER_REVIEW
    assert not EventChange.objects.filter(event=event).exists()
