"""Hypothesis fuzzes every API body and query: each field of a valid body missing, valid, or any
JSON value (nasty strings, huge numbers, nested objects), extra keys, and raw bodies that are no
JSON at all. Never a 500; every error is JSON with a code; a write only with a success answer, and
every row written passes full_clean(). Each example runs in a savepoint rolled back after it."""

import json

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from customers.models import Customership
from events.models import Event
from reservations.models import Reservation
from tests.api.conftest import make_key, with_grants
from tests.api.routes import API_ROUTES, NAMESPACE
from tests.api.test_api_access_matrix import state
from tests.security.test_fuzz_forms import NASTY, ODD_DATES
from tests.security.urlmap import build_victim
from vouchers.models import Customer, Voucher, VoucherContent

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=25, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

scalars = st.one_of(
    st.none(), st.booleans(), st.sampled_from(NASTY + ODD_DATES), st.text(max_size=40),
    st.integers(min_value=-(10**40), max_value=10**40), st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["1e309", "NaN", "-0", "0.001", "1,5", "2024-02-30", "2024-13-01T25:61:00Z"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                           max_leaves=6)

POSTS = sorted(name for name, route in API_ROUTES.items() if route.method in ("POST", "PATCH"))
GETS = sorted(name for name, route in API_ROUTES.items() if route.method == "GET")


@pytest.fixture
def victim():
    return with_grants(build_victim())


@pytest.fixture
def keyed(client, victim):
    """The entitled keys, made once per test (hypothesis reuses the fixture for every example)."""
    return {"provider": make_key(victim.provider_b_admin), "organiser": make_key(victim.organiser_y_admin)}


def _mutate(data, body):
    if isinstance(body, dict):
        out = {}
        for key, value in body.items():
            choice = data.draw(st.sampled_from(["valid", "missing", "fuzz", "deeper"]), label=key)
            if choice == "valid":
                out[key] = value
            elif choice == "fuzz":
                out[key] = data.draw(json_values, label=key)
            elif choice == "deeper":
                out[key] = _mutate(data, value)
        for _ in range(data.draw(st.integers(0, 2), label="extra keys")):
            out[data.draw(st.text(min_size=1, max_size=10), label="key")] = data.draw(json_values, label="extra")
        return out
    if isinstance(body, list):
        return [_mutate(data, row) for row in body[: data.draw(st.integers(0, len(body)), label="rows")]]
    return data.draw(st.sampled_from([body]) | json_values, label="value")


def _rows_are_valid():
    for model in (Reservation, Customership, Event, Voucher, VoucherContent, Customer):
        for row in model.objects.all():
            row.full_clean()


def _try(client, method, path, secret, payload=None, raw=None, query=None, headers=None):
    headers = {"Authorization": f"Bearer {secret}", **(headers or {})}
    with transaction.atomic():
        before = state()
        if method == "GET":
            response = client.get(path, query or {}, headers=headers)
        else:
            data = raw if raw is not None else json.dumps(payload, default=str)
            send = client.patch if method == "PATCH" else client.post
            response = send(path, data, content_type="application/json", headers=headers)
        after = state()
        if after != before:
            _rows_are_valid()
        transaction.set_rollback(True)
    assert response.status_code < 500, f"{method} {path} {payload or raw or query!r}: {response.status_code}"
    body = response.json()
    if response.status_code >= 400:
        assert body.get("code") and body.get("message"), body
    if after != before:
        assert method in ("POST", "PATCH") and response.status_code in (200, 201), (
            f"{path} {payload!r} wrote and answered {response.status_code}")
    return response


@pytest.mark.parametrize("name", POSTS)
@FUZZ
@given(data=st.data())
def test_fuzz_api__every_post_body__no_500_json_errors_no_partial_write(client, victim, keyed, name, data):
    route = API_ROUTES[name]
    path = reverse(f"{NAMESPACE}{name}", kwargs=route.kwargs(victim))
    payload = _mutate(data, route.body(victim))
    idempotency = data.draw(st.one_of(st.none(), st.sampled_from(["", " ", "k", "x" * 300, "ä\x00"]), st.text(max_size=20)),
                            label="Idempotency-Key")
    headers = {} if idempotency is None else {"Idempotency-Key": idempotency}
    try:
        _try(client, route.method, path, keyed[route.entitled], payload, headers=headers)
    except ValueError as error:  # the test client refuses some header values itself (newlines)
        if "header" not in str(error).lower():
            raise


@pytest.mark.parametrize("name", POSTS)
@pytest.mark.parametrize("raw", ["", "{", "null", "[]", '"text"', "1e999", '{"a":' * 200, "\x00", "\ufeff{}", "{}" * 1000])
def test_fuzz_api__bodies_that_are_no_object__422_json(client, victim, keyed, name, raw):
    route = API_ROUTES[name]
    path = reverse(f"{NAMESPACE}{name}", kwargs=route.kwargs(victim))

    response = _try(client, route.method, path, keyed[route.entitled], raw=raw)

    assert response.status_code in (400, 422), (raw, response.status_code, response.content[:200])


@pytest.mark.parametrize("name", GETS)
@settings(FUZZ, max_examples=10)
@given(data=st.data())
def test_fuzz_api__every_get_query__no_500_and_no_write(client, victim, keyed, name, data):
    route = API_ROUTES[name]
    path = reverse(f"{NAMESPACE}{name}", kwargs=route.kwargs(victim))
    keys = ["changed_since", "cursor", "limit", "x"]
    query = {key: str(data.draw(scalars, label=key)) for key in keys if data.draw(st.booleans(), label=f"send {key}")}
    _try(client, "GET", path, keyed[route.entitled], query=query)


@pytest.mark.parametrize("number", ["\x00", "1" * 21, "../../etc", "%00", "'; --", "١٢٣"])
def test_fuzz_api__odd_voucher_numbers__the_lookups_not_found(client, victim, keyed, number):
    from urllib.parse import quote

    response = _try(client, "GET", f"/api/v1/vouchers/{quote(number, safe='')}", keyed["provider"])

    assert response.status_code in (404, 422)
