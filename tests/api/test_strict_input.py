"""Strict API input (issue 28, item 8): an id is a JSON integer, a quantity ASCII digits, a
client_id cleaned as the forms clean text, and an absurd quantity refused by the recording rule."""

import datetime as dt

import pytest

from core.dates import today
from events.models import Event
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


def _event(victim, **extra):
    return {"reservation_id": victim.reservation.pk, "date": str(today() - dt.timedelta(days=2)), "quantity": "1",
            **extra}


@pytest.mark.parametrize("field, value", [
    ("reservation_id", True),
    ("reservation_id", "REPLACE"),
    ("quantity", "１"),
    ("quantity", "1_000"),
    ("quantity", ""),
    ("quantity", 1),
    ("quantity", "1e3"),
    ("client_id", " "),
    ("client_id", "\u202e"),
    ("client_id", "a\u202eb"),
    ("date", "0"),
    ("date", 0),
    ("date", "1899-12-31"),
])
def test_event_post__loose_input__422_nothing_recorded(victim, api, field, value):
    if value == "REPLACE":
        value = str(victim.reservation.pk)
    before = Event.objects.count()
    response = api(make_key(victim.provider_b_admin)).post("/api/v1/events", _event(victim, **{field: value}))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid" and response.json()["field"] == field
    assert Event.objects.count() == before


def test_event_post__date_before_1900__the_message_names_the_years(victim, api):
    response = api(make_key(victim.provider_b_admin)).post("/api/v1/events", _event(victim, date="1899-12-31"))
    assert response.json()["errors"][0]["message"] == "Päivämäärän on oltava vuosien 1900–2100 välillä."


def test_event_post__client_id_and_note_stripped_and_cleaned_as_the_forms_do(victim, api):
    response = api(make_key(victim.provider_b_admin)).post(
        "/api/v1/events", _event(victim, client_id="  k-1 ", note=" käynti\u202e "))
    assert response.status_code == 201, response.content
    event = Event.objects.get(pk=response.json()["id"])
    assert (event.client_id, event.note) == ("k-1", "käynti")


@pytest.mark.parametrize("quantity", ["2,5", "2.5"])
def test_event_post__decimal_comma_or_point__taken(victim, api, quantity):
    response = api(make_key(victim.provider_b_admin)).post("/api/v1/events", _event(victim, quantity=quantity))
    assert response.status_code == 201, response.content
    assert Event.objects.get(pk=response.json()["id"]).quantity == 2.5


def test_event_post__99_999_999_99__refused_quantity_too_large(victim, api):
    before = Event.objects.count()
    response = api(make_key(victim.provider_b_admin)).post("/api/v1/events", _event(victim, quantity="99999999,99"))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "quantity_too_large"
    assert "Määrä on liian suuri" in response.json()["message"]
    assert Event.objects.count() == before


def test_event_bulk__99_999_999_99__the_row_refused_quantity_too_large(victim, api):
    rows = [_event(victim, client_id="b1", quantity="99999999.99")]
    response = api(make_key(victim.provider_b_admin)).post("/api/v1/events/bulk", {"events": rows})
    assert response.status_code == 200, response.content
    assert response.json()["results"][0]["code"] == "quantity_too_large"


def test_reservation_post__terms_accepted_as_a_string__422(victim, api):
    body = {"voucher_number": victim.fresh_voucher.number, "content_id": victim.fresh_voucher.contents.first().pk,
            "terms_accepted": "true"}
    response = api(make_key(victim.provider_b_admin)).post("/api/v1/reservations", body)
    assert response.status_code == 422 and response.json()["field"] == "terms_accepted"


@pytest.mark.parametrize("run_id", ["１", "1_000", "+1"])
def test_payment_lines__run_id_not_ascii_digits__422(victim, api, run_id):
    response = api(make_key(victim.organiser_y_admin)).get(f"/api/v1/payments/{run_id}/lines")
    assert response.status_code in (404, 422), response.content
    assert response.json()["code"] in ("invalid", "not_found")
