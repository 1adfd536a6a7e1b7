"""The API answers JSON in every case (SECURITY.md round three, items 4 and 7): a body too large is
413 with a Finnish message, a database that cannot be reached is 503, never an HTML page or a 500."""

import json

import pytest
from django.db import OperationalError

from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db

BIG = 3 * 1024 * 1024


@pytest.fixture(params=[True, False], ids=["debug", "production"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


@pytest.mark.parametrize("path", ["/api/v1/events/bulk", "/api/v1/events", "/api/v1/reservations"])
def test_post__three_megabytes__413_json_in_finnish(debug, victim, api, path):
    secret = make_key(victim.provider_b_admin)
    body = json.dumps({"note": "x" * BIG})

    response = api(secret).post(path, raw=body)

    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "too_large" and "liian suuri" in response.json()["message"]


def test_get__database_unreachable__503_json_with_retry_after(debug, victim, api, monkeypatch):
    import api.routers.vouchers as vouchers_router

    def unreachable(**kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(vouchers_router, "voucher_lookup", unreachable)
    secret = make_key(victim.provider_b_admin)

    response = api(secret).get(f"/api/v1/vouchers/{victim.reservation.voucher.number}")

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response.json()["code"] == "unavailable"


def test_handlers__outside_the_api_views__json_for_api_paths_html_elsewhere(rf):
    from django.core.exceptions import RequestDataTooBig

    from psop.views import bad_request, server_error

    assert bad_request(rf.post("/api/v1/events"), RequestDataTooBig()).status_code == 413
    assert json.loads(bad_request(rf.get("/api/v1/x"), None).content)["code"] == "bad_request"
    assert "Virheellinen pyyntö" in bad_request(rf.get("/asiakas/"), None).content.decode()
    try:
        raise OperationalError("down")
    except OperationalError:
        api_answer, page = server_error(rf.get("/api/v1/vouchers/1")), server_error(rf.get("/asiakas/"))
    assert api_answer.status_code == 503 and json.loads(api_answer.content)["code"] == "unavailable"
    assert page.status_code == 503 and "Palvelu ei ole hetkeen käytettävissä" in page.content.decode()
