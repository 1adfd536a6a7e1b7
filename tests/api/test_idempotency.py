"""Idempotency-Key: a retried POST with the same key and body answers the first answer and changes
nothing (also when the first answer was lost after its commit); the same key with another body is
refused."""

import datetime as dt

import pytest

from audit.models import AuditEntry
from core.dates import today
from events.models import Event, EventChange
from reservations.models import Reservation
from tests.api.conftest import make_key
from tests.security.urlmap import state

pytestmark = pytest.mark.django_db


def _reservation(victim):
    return {"voucher_number": victim.fresh_voucher.number, "content_id": victim.fresh_voucher.contents.get().pk,
            "terms_accepted": True}


def _event(victim, **extra):
    return {"reservation_id": victim.reservation.pk, "date": str(today() - dt.timedelta(days=2)), "quantity": "1", **extra}


def _everything():
    return state(), AuditEntry.objects.count(), EventChange.objects.count()


@pytest.mark.parametrize("path, body", [
    ("/api/v1/reservations", _reservation),
    ("/api/v1/events", _event),
    ("/api/v1/events/bulk", lambda v: {"events": [_event(v, client_id="a"), _event(v, client_id="b")]}),
])
def test_retried_post__same_idempotency_key_and_body__the_first_answer_and_no_change(victim, api, path, body):
    client = api(make_key(victim.provider_b_admin))
    headers = {"Idempotency-Key": "yhteys-katkesi-1"}
    first = client.post(path, body(victim), headers=headers)
    assert first.status_code in (200, 201), first.content
    after_first = _everything()

    retry = client.post(path, body(victim), headers=headers)

    assert retry.status_code == first.status_code
    assert retry.json() == first.json()
    assert retry["Idempotent-Replayed"] == "true"
    assert _everything() == after_first


def test_retried_event_without_a_key_but_with_the_clients_id__recorded_once(victim, api):
    client = api(make_key(victim.provider_b_admin))

    client.post("/api/v1/events", _event(victim, client_id="x-1"))
    client.post("/api/v1/events", _event(victim, client_id="x-1"))

    assert Event.objects.filter(client_id="x-1").count() == 1


def test_retried_event_without_any_key__recorded_twice__the_gap_the_key_closes(victim, api):
    """The control: without Idempotency-Key or a client id a retry is a second event."""
    client = api(make_key(victim.provider_b_admin))
    before = Event.objects.count()

    client.post("/api/v1/events", _event(victim))
    client.post("/api/v1/events", _event(victim))

    assert Event.objects.count() == before + 2


def test_same_idempotency_key__another_body__409_and_nothing_written(victim, api):
    client = api(make_key(victim.provider_b_admin))
    client.post("/api/v1/events", _event(victim), headers={"Idempotency-Key": "k"})
    before = _everything()

    response = client.post("/api/v1/events", _event(victim, quantity="2"), headers={"Idempotency-Key": "k"})

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert response.json()["field"] == "Idempotency-Key"
    assert _everything() == before


def test_a_refusal_is_kept_too__the_retry_gets_the_same_refusal(victim, api):
    client = api(make_key(victim.provider_b_admin))
    body = {**_reservation(victim), "terms_accepted": False}

    first = client.post("/api/v1/reservations", body, headers={"Idempotency-Key": "r"})
    retry = client.post("/api/v1/reservations", body, headers={"Idempotency-Key": "r"})

    assert first.status_code == retry.status_code == 422
    assert first.json() == retry.json()
    assert not Reservation.objects.filter(voucher=victim.fresh_voucher).exists()


def test_idempotency_keys_are_per_api_key(victim, api):
    """Another organisation's key with the same Idempotency-Key gets its own answer, not B's."""
    b = api(make_key(victim.provider_b_admin))
    a = api(make_key(victim.outsiders["provider admin (A)"]))
    b.post("/api/v1/reservations", _reservation(victim), headers={"Idempotency-Key": "sama"})

    response = a.post("/api/v1/reservations", _reservation(victim), headers={"Idempotency-Key": "sama"})

    assert response.status_code == 404
    assert response.json()["code"] == "voucher_not_found"
    assert victim.customer.last_name not in response.content.decode()


@pytest.mark.parametrize("value", ["", " ", "x" * 201])
def test_bad_idempotency_key__422_naming_the_header(victim, api, value):
    client = api(make_key(victim.provider_b_admin))
    before = _everything()

    response = client.post("/api/v1/events", _event(victim), headers={"Idempotency-Key": value})

    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
    assert _everything() == before
