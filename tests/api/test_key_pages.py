"""Organisaatio → API-avaimet: the organisation's admin makes a key (the secret shown once, only its
hash stored), renames it, changes its scopes and revokes it; nobody else sees the pages."""

import pytest
from django.db import connection

from api.models import ApiKey
from api.services import secret_hash
from audit.models import AuditEntry
from tests.api.conftest import make_key

pytestmark = pytest.mark.django_db

KEYS = "/organisaatio/api-avaimet/"


def _create(client, admin, name="Kassajärjestelmä", scopes=("read", "reserve")):
    client.force_login(admin)
    return client.post(KEYS, {"nimi": name, "oikeudet": list(scopes)})


def test_key_create__shows_the_secret_once_and_stores_only_its_hash(client, victim):
    response = _create(client, victim.provider_b_admin)

    assert response.status_code == 200
    key = ApiKey.objects.get()
    secret = response.context["secret"]
    assert secret.startswith(f"psop_{key.prefix}_") and secret in response.content.decode()
    assert key.secret_hash == secret_hash(secret)
    assert (key.provider, key.organiser, key.name, key.scopes) == (victim.provider_b, None, "Kassajärjestelmä", ["read", "reserve"])
    with connection.cursor() as cursor:  # nowhere in the key's row, nor its technical user's
        cursor.execute("SELECT count(*) FROM api_apikey k JOIN auth_user u ON u.id = k.user_id "
                       "WHERE strpos(k::text || u::text, %s) > 0", [secret.split("_", 2)[2]])
        assert cursor.fetchone()[0] == 0
    again = client.get(KEYS)
    assert secret not in again.content.decode()
    assert "Kassajärjestelmä" in again.content.decode()
    # Issue 23, item 6: the scopes in words, not "read, reserve".
    assert "Luku (ostovoimat, palveluvaraukset, tapahtumat), Palveluvaraukset ja asiakkuudet" in again.content.decode()
    assert "read, reserve" not in again.content.decode()
    assert AuditEntry.objects.filter(action="change", what__contains="API-avain Kassajärjestelmä").exists()


def test_key_create__the_secret_works_with_the_api(client, victim):
    secret = _create(client, victim.provider_b_admin).context["secret"]
    client.logout()

    response = client.get(f"/api/v1/vouchers/{victim.fresh_voucher.number}", headers={"Authorization": f"Bearer {secret}"})

    assert response.status_code == 200
    assert ApiKey.objects.get().last_used_at is not None


def test_key_create__no_name_and_no_scope__the_form_says_so_and_nothing_is_made(client, victim):
    response = _create(client, victim.provider_b_admin, name="", scopes=())

    assert response.status_code == 200
    text = response.content.decode()
    assert "Anna avaimelle nimi." in text and "Valitse vähintään yksi oikeus." in text
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("who", ["provider_b_recorder", "organiser_y_staff"])
def test_key_pages__not_an_admin__404(client, victim, who):
    secret = make_key(victim.provider_b_admin)
    key = ApiKey.objects.get()
    client.force_login(getattr(victim, who))

    assert client.get(KEYS).status_code == 404
    assert client.post(f"{KEYS}{key.pk}/", {"toiminto": "peru"}).status_code == 404
    assert ApiKey.objects.get().revoked_at is None and secret


def test_key_edit__another_organisations_admin__404_and_the_key_stays(client, victim):
    make_key(victim.provider_b_admin)
    key = ApiKey.objects.get()
    client.force_login(victim.outsiders["provider admin (A)"])

    assert client.get(f"{KEYS}{key.pk}/").status_code == 404
    assert client.post(f"{KEYS}{key.pk}/", {"toiminto": "peru"}).status_code == 404
    assert ApiKey.objects.get().revoked_at is None


def test_key_edit__rename_and_rescope__the_audit_name_follows(client, victim, api):
    secret = make_key(victim.provider_b_admin, scopes=["read"])
    key = ApiKey.objects.get()
    client.force_login(victim.provider_b_admin)

    response = client.post(f"{KEYS}{key.pk}/", {"toiminto": "muuta", "nimi": "Uusi nimi", "oikeudet": ["events"]})

    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.name, key.scopes) == ("Uusi nimi", ["events"])
    assert "Uusi nimi" in key.user.username
    assert api(secret).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}").status_code == 403


def test_key_edit__revoke__the_key_answers_401_from_then_on(client, victim, api):
    secret = make_key(victim.organiser_y_admin)
    key = ApiKey.objects.get()
    assert api(secret).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}").status_code == 200
    client.force_login(victim.organiser_y_admin)

    response = client.post(f"{KEYS}{key.pk}/", {"toiminto": "peru"})

    assert response.status_code == 302
    assert ApiKey.objects.get().revoked_at is not None
    assert api(secret).get(f"/api/v1/vouchers/{victim.fresh_voucher.number}").status_code == 401


def test_key_technical_user__cannot_log_in_and_is_no_member_of_the_organisation(client, victim):
    make_key(victim.provider_b_admin)
    key = ApiKey.objects.get()
    client.force_login(victim.provider_b_admin)

    users_page = client.get("/organisaatio/kayttajat/").content.decode()

    assert not key.user.is_active and not key.user.has_usable_password()
    assert key.user.username not in users_page
