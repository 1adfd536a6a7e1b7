"""The schema says what the API answers (issue 28, item 10): every status of every operation,
the Idempotency-Key's constraints, a quantity's and a date's pattern; a wrong method is JSON."""

import pytest

from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client):
    return client.get("/api/v1/openapi.json").json()


def _operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_schema__every_operation_declares_401_403_413_422_429_503_with_the_error_body(schema):
    for path, method, operation in _operations(schema):
        for status in ("401", "403", "413", "422", "429", "503"):
            assert status in operation["responses"], (path, method, status)
            content = operation["responses"][status]["content"]["application/json"]["schema"]
            assert content["$ref"].endswith("/Error"), (path, method, status)


def test_schema__every_post_and_patch_declares_400_invalid_json_and_409_and_the_idempotency_key_constraints(schema):
    posts = [(path, operation) for path, method, operation in _operations(schema) if method in ("post", "patch")]
    assert len(posts) == 10
    for path, operation in posts:
        assert {"400", "409"} <= set(operation["responses"]), path
        (header,) = [p for p in operation["parameters"] if p["in"] == "header" and p["name"] == "Idempotency-Key"]
        key = header["schema"]
        key = next((option for option in key.get("anyOf", [key]) if option.get("type") == "string"), key)
        assert (key["minLength"], key["maxLength"], key["pattern"]) == (1, 200, "^[!-~]([ -~]*[!-~])?$"), path


def test_schema__quantity_is_a_string_of_ascii_digits_and_dates_say_their_years(schema):
    event_in = schema["components"]["schemas"]["EventIn"]["properties"]
    assert event_in["quantity"]["type"] == "string"
    assert event_in["quantity"]["pattern"] == "^-?[0-9]{1,8}([.,][0-9]{1,2})?$"
    assert event_in["date"]["pattern"] == "^(19[0-9]{2}|20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
    assert event_in["reservation_id"]["type"] == "integer"


def test_wrong_method__json_405_with_allow(victim, client):
    secret = make_key(victim.provider_b_admin)
    response = client.delete("/api/v1/events", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response["Allow"] and "POST" in response["Allow"]


@pytest.mark.parametrize("key", [" ", " k", "k ", "ä", "x" * 201, "a\tb"])
def test_idempotency_key_not_visible_ascii__422(victim, api, key):
    secret = make_key(victim.provider_b_admin)
    response = api(secret).post("/api/v1/events", {}, headers={"Idempotency-Key": key})
    assert response.status_code == 422, response.content
    assert response.json()["code"] in ("invalid", "idempotency_key_invalid")
