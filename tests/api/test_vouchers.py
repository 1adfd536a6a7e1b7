"""GET /api/v1/vouchers/{number}: the lookup's gate and its one not-found answer, audit-logged with
the key's name."""

import pytest

from audit.models import AuditEntry
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db


def test_voucher_get__own_provider_key__answers_the_voucher_and_logs_the_read_with_the_keys_name(victim, api):
    secret = make_key(victim.provider_b_admin, name="Kassajärjestelmä")
    voucher = victim.fresh_voucher

    response = api(secret).get(f"/api/v1/vouchers/{voucher.number}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == voucher.number
    assert body["customer"]["last_name"] == victim.customer.last_name
    assert body["customer"]["henkilotunnus"] == victim.customer.masked_henkilotunnus
    assert [row["id"] for row in body["contents"]] == [row.pk for row in voucher.contents.all()]
    entry = AuditEntry.objects.filter(customer_id=victim.customer.pk, action="read").latest("id")
    assert "Kassajärjestelmä" in entry.username
    assert entry.organisation == victim.provider_b.name
    assert entry.code == "voucher_lookup"


def test_voucher_get__competitor_key__answers_the_same_not_found_as_a_number_that_does_not_exist(victim, api):
    secret = make_key(victim.outsiders["provider admin (A)"])
    reads_before = AuditEntry.objects.filter(action="read").count()

    hidden = api(secret).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}")
    missing = api(secret).get("/api/v1/vouchers/99999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert hidden.json() == {"code": "voucher_not_found", "message": "Ostovoiman tietoja ei löydy"}
    assert AuditEntry.objects.filter(action="read").count() == reads_before


def test_voucher_get__organiser_key__sees_its_own_organisers_voucher_only(victim, api):
    own = api(make_key(victim.organiser_y_admin)).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}")
    other = api(make_key(victim.outsiders["organiser admin (X)"])).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}")

    assert own.status_code == 200
    assert other.status_code == 404 and other.json()["code"] == "voucher_not_found"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer psop_00000000_wrong", "Basic abc", "Bearer " + "x" * 5000])
def test_voucher_get__without_a_valid_key__401_json(victim, api, client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get(f"/api/v1/vouchers/{victim.fresh_voucher.number}", headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"
    assert victim.customer.last_name not in response.content.decode()


def test_voucher_get__a_logged_in_session_is_no_key(victim, client):
    client.force_login(victim.provider_b_admin)

    response = client.get(f"/api/v1/vouchers/{victim.fresh_voucher.number}")

    assert response.status_code == 401


def test_voucher_get__key_without_read_scope__403_scope_missing(victim, api):
    secret = make_key(victim.provider_b_admin, scopes=["events"])

    response = api(secret).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}")

    assert response.status_code == 403
    assert response.json()["code"] == "scope_missing"


def test_voucher_get__revoked_key__401(victim, api):
    from api.models import ApiKey
    from api.services import api_key_revoke

    secret = make_key(victim.provider_b_admin)
    api_key_revoke(user=victim.provider_b_admin, key_id=ApiKey.objects.get().pk)

    assert api(secret).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}").status_code == 401
