"""The event's copy of its reservation's organiser (``Event.organiser``): filled on save, kept
equal to the reservation's by the composite foreign key (events/0008), following a voucher moved
to another organiser through the reservation."""

import pytest
from django.db import IntegrityError, transaction

from events.models import Event
from tests.factories import EventFactory, OrganiserFactory

pytestmark = pytest.mark.django_db


def test_an_event_gets_its_reservations_organiser():
    event = EventFactory()
    assert event.organiser_id == event.reservation.organiser_id == event.reservation.voucher.organiser_id
    assert Event.objects.filter(pk=event.pk, organiser_id=event.reservation.organiser_id).exists()


def test_another_organiser_than_the_reservations_hits_the_constraint():
    event = EventFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Event.objects.filter(pk=event.pk).update(organiser_id=OrganiserFactory().pk)


def test_moving_the_voucher_to_another_organiser_moves_its_events():
    event = EventFactory()
    other = OrganiserFactory()
    voucher = event.reservation.voucher
    type(voucher).objects.filter(pk=voucher.pk).update(organiser=other)
    event.refresh_from_db()
    assert event.organiser_id == other.pk
