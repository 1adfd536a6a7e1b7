"""Retries that arrive at the same moment (a client that gave up waiting and sent again): the
database settles them; exactly one event, and both answers are the same."""

import datetime as dt
import json

import pytest
from django.test import Client

from core.dates import today
from events.models import Event
from tests.api.conftest import make_key
from tests.customers.scenarios import run_at_once
from tests.security.urlmap import build_victim

pytestmark = pytest.mark.django_db(transaction=True)


def _post(secret, body, headers):
    def send():
        response = Client().post("/api/v1/events", json.dumps(body), content_type="application/json",
                                 headers={"Authorization": f"Bearer {secret}", **headers})
        return response.status_code, response.json()

    return send


def _event(victim, **extra):
    return {"reservation_id": victim.reservation.pk, "date": str(today() - dt.timedelta(days=2)), "quantity": "1", **extra}


def test_same_idempotency_key_at_once__one_event_and_the_same_answer_twice():
    victim = build_victim()
    secret = make_key(victim.provider_b_admin)
    before = Event.objects.count()
    send = _post(secret, _event(victim), {"Idempotency-Key": "samaan-aikaan"})

    results = run_at_once(send, send, send)

    assert [kind for kind, _ in results] == ["ok", "ok", "ok"], results
    answers = [value for _, value in results]
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 201
    assert Event.objects.count() == before + 1


def test_same_client_id_at_once__one_event_the_others_already_recorded():
    victim = build_victim()
    secret = make_key(victim.provider_b_admin)
    send = _post(secret, _event(victim, client_id="c-1"), {})

    results = run_at_once(send, send, send)

    statuses = sorted(value[0] for _, value in results)
    assert statuses == [201, 409, 409], results
    assert Event.objects.filter(client_id="c-1").count() == 1
