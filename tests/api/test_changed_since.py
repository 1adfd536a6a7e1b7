"""``changed_since`` is an ISO 8601 date and time, nothing else (issue 28, item 10): an offset that
Python allows but PostgreSQL does not is no 500, and a number is not taken as a Unix time."""

import pytest

from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/reservations"])
@pytest.mark.parametrize("value", ["2026-01-01T00:00:00+16:00", "2026-01-01T00:00:00-23:59", "2026-01-01"])
def test_changed_since__any_valid_offset__answered(victim, api, path, value):
    response = api(make_key(victim.provider_b_admin)).get(path, {"changed_since": value})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("path", ["/api/v1/events", "/api/v1/reservations"])
@pytest.mark.parametrize("value", ["0.5", "1733600000", "2026-13-01T00:00:00", "eilen"])
def test_changed_since__not_iso_or_out_of_range__422_naming_the_field(victim, api, path, value):
    response = api(make_key(victim.provider_b_admin)).get(path, {"changed_since": value})
    assert response.status_code == 422
    assert response.json()["field"] == "changed_since"
