"""An event's quantity has a sane upper bound (issue 28, item 8): ten times what the content
grants, never less than 10 000; the one rule in events.recording, for the form, the API and the
import alike."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from core.errors import ErrorCode
from events.imports import import_events
from events.models import Event
from events.recording import NewEvent, events_record_many, quantity_limit
from tests.events.scenarios import balance_reservation, days_ago, priced_reservation
from tests.events.test_import import fi, rows_of

pytestmark = pytest.mark.django_db


def test_quantity_limit__ten_times_the_grant__never_below_the_ceiling():
    assert quantity_limit(priced_reservation(quantity=D("2000")).voucher_content) == D("20000")
    assert quantity_limit(priced_reservation(quantity=D("10")).voucher_content) == D("10000")
    assert quantity_limit(balance_reservation(amount=D("5000.00")).voucher_content) == D("50000")


def test_service__99_999_999_99__refused_quantity_too_large_nothing_waits_for_review():
    reservation = priced_reservation(quantity=D("10"))
    (result,) = events_record_many(user=reservation.created_by, rows=[
        NewEvent(reservation_id=reservation.pk, date=days_ago(1), quantity=D("99999999.99"))])
    assert result.error.code == ErrorCode.QUANTITY_TOO_LARGE
    assert "enintään 10\xa0000,00" in result.error.message
    assert not Event.objects.exists()


def test_service__at_the_limit__recorded_for_review():
    reservation = priced_reservation(quantity=D("10"))
    (result,) = events_record_many(user=reservation.created_by, rows=[
        NewEvent(reservation_id=reservation.pk, date=days_ago(1), quantity=D("10000"))])
    assert result.ok and result.event.status == "under_review"


def test_form__past_the_limit__refused_with_the_finnish_message(login):
    reservation = priced_reservation(quantity=D("10"))
    response = login(reservation.created_by).post(reverse("events:create", args=[reservation.pk]), {
        "paivamaara": days_ago(1).isoformat(), "sisalto": reservation.voucher_content_id, "maara": "10000,01",
        "lisatieto": "",
    })
    assert response.status_code == 200
    assert "Määrä on liian suuri" in response.content.decode()
    assert not Event.objects.exists()


def test_import__past_the_limit__the_row_refused_with_the_finnish_message():
    reservation = priced_reservation(quantity=D("10"))
    outcome = import_events(user=reservation.created_by,
                            rows=rows_of([f"{reservation.voucher.number};{fi(days_ago(1))};99999999,99;"]))
    (row,) = outcome.rows
    assert not row.ok
    assert any("Määrä on liian suuri" in message for _column, message in row.errors), row.errors
    assert not Event.objects.exists()
