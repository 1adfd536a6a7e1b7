"""The reservation's copy of its voucher's organiser (``Reservation.organiser``): filled on save,
kept equal to the voucher's by the composite foreign key (reservations/0005), following a change
of the voucher's organiser."""

import pytest
from django.db import IntegrityError, transaction

from reservations.models import Reservation
from tests.factories import OrganiserFactory, ReservationFactory

pytestmark = pytest.mark.django_db


def test_a_reservation_gets_its_vouchers_organiser():
    reservation = ReservationFactory()
    assert reservation.organiser_id == reservation.voucher.organiser_id
    assert Reservation.objects.filter(pk=reservation.pk, organiser_id=reservation.voucher.organiser_id).exists()


def test_another_organiser_than_the_vouchers_hits_the_constraint():
    reservation = ReservationFactory()
    other = OrganiserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Reservation.objects.filter(pk=reservation.pk).update(organiser_id=other.pk)


def test_moving_the_voucher_to_another_organiser_moves_its_reservation():
    reservation = ReservationFactory()
    other = OrganiserFactory()
    type(reservation.voucher).objects.filter(pk=reservation.voucher_id).update(organiser=other)
    reservation.refresh_from_db()
    assert reservation.organiser_id == other.pk
