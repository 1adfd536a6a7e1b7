import datetime as dt

import pytest

from core.dates import today
from reservations.models import Reservation
from tests.factories import ReservationFactory, VoucherFactory

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def test_active_on__voucher_closing_day__still_in_force_and_gone_the_day_after():
    reservation = ReservationFactory(voucher=VoucherFactory(closed_on=today()))
    assert list(Reservation.objects.in_force_on(today())) == [reservation]
    assert not Reservation.objects.in_force_on(today() + DAY).exists()


def test_active_on__own_end_date__last_day_in_force():
    reservation = ReservationFactory(ended_on=today() - DAY)
    assert list(Reservation.objects.in_force_on(today() - DAY)) == [reservation]
    assert not Reservation.objects.in_force_on(today()).exists()
