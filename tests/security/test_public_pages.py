"""What anonymous users may open is what SECURITY.md's threat model says (issue 28, item 9): every
route the access matrix calls public is named in the anonymous row, and the API's documentation is
public on purpose (the interface, no data) while the API itself answers 401 without a key."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.security.urlmap import ROUTES

pytestmark = pytest.mark.django_db


def anonymous_row() -> str:
    text = (Path(settings.BASE_DIR) / "SECURITY.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("| anonymous |"))


def test_every_public_route__named_in_security_md_anonymous_row():
    row = anonymous_row()
    missing = []
    for name, route in ROUTES.items():
        if route.scope != "public" or name == "api-v1:unknown":  # unknown API paths: 404 JSON, under /api/v1/
            continue
        path = reverse(name, kwargs=route.kwargs(None) if route.kwargs else None)
        prefix = "/".join(path.split("/")[:3]) + ("/" if path.count("/") > 2 else "")
        section = f"/{path.split('/')[1]}/…"  # e.g. `/kutsu/…`: every address under /kutsu/
        if f"`{path}`" not in row and f"`{prefix}" not in row and f"`{section}`" not in row:
            missing.append(f"{name} {path}")
    assert not missing, missing


def test_api_docs__anonymous__served_and_the_api_itself_wants_a_key(client):
    assert client.get("/api/v1/docs").status_code == 200
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "PSOP API"
    answer = client.get("/api/v1/vouchers/1001")
    assert answer.status_code == 401 and answer.json()["code"] == "unauthorized"
