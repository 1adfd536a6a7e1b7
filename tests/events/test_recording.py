"""events_record_many: the one service that records events (the form's one, the API's bulk, an
import's file): the organiser copied, history and audit written, client ids recorded once."""

from decimal import Decimal as D

import pytest

from audit.models import AuditEntry
from core.errors import DomainError
from events import recording
from events.models import Event, EventChange, EventStatus
from events.recording import NewEvent, events_record_many
from tests.events.scenarios import days_ago, priced_reservation

pytestmark = pytest.mark.django_db


def new(reservation, *, quantity="1", **kwargs):
    return NewEvent(reservation_id=reservation.pk, date=days_ago(1), quantity=D(quantity), **kwargs)


def test_events_record_many__copies_the_organiser_and_writes_history_and_audit_of_each():
    reservation = priced_reservation()

    results = events_record_many(user=reservation.created_by, rows=[new(reservation), new(reservation, quantity="2")])

    assert [result.ok for result in results] == [True, True]
    events = Event.objects.filter(reservation=reservation)
    assert {event.organiser_id for event in events} == {reservation.voucher.organiser_id}
    assert EventChange.objects.filter(event__in=events, action="record").count() == 2
    assert AuditEntry.objects.filter(code="event_record").count() == 2


def test_events_record_many__a_row_sees_the_rows_above_it():
    reservation = priced_reservation(quantity=D("3"))

    results = events_record_many(user=reservation.created_by, rows=[new(reservation, quantity="2"), new(reservation, quantity="2")])

    assert [result.event.status for result in results] == [EventStatus.APPROVED, EventStatus.UNDER_REVIEW]


def test_events_record_many__a_client_id_twice_among_the_rows__the_second_already_recorded_with_the_first_id():
    reservation = priced_reservation()

    first, second = events_record_many(
        user=reservation.created_by, rows=[new(reservation, client_id="k-1"), new(reservation, client_id="k-1")]
    )

    assert first.ok
    assert (second.error.code, second.error.params) == ("already_recorded", {"event_id": first.event.pk})
    assert Event.objects.filter(client_id="k-1").count() == 1


def test_events_record_many__all_or_nothing_with_a_refused_row__nothing_written():
    reservation = priced_reservation()

    results = events_record_many(user=reservation.created_by, rows=[new(reservation), new(reservation, quantity="0")],
                                 all_or_nothing=True)

    assert [result.ok for result in results] == [True, False]
    assert results[1].error.code == "quantity_not_positive"
    assert not Event.objects.exists() and not EventChange.objects.exists()


def test_events_record_many__a_race_past_the_read__the_constraint_refuses_in_finnish(monkeypatch):
    """The read of recorded ids only names the event; the unique constraint decides."""
    reservation = priced_reservation()
    events_record_many(user=reservation.created_by, rows=[new(reservation, client_id="k-1")])
    monkeypatch.setattr(recording, "_recorded_ids", lambda rows, reservations: {})

    with pytest.raises(DomainError) as error:
        events_record_many(user=reservation.created_by, rows=[new(reservation, client_id="k-1")])

    assert error.value.code == "already_recorded"
    assert error.value.message == "Tapahtuma on jo kirjattu tällä tunnisteella."


def test_events_record_many__preview__checks_and_writes_nothing():
    reservation = priced_reservation()

    [result] = events_record_many(user=reservation.created_by, rows=[new(reservation)], save=False)

    assert result.ok and result.event.pk is None
    assert not Event.objects.exists()
