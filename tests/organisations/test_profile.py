"""Organisaatio → Esittely (issue 25): what customers read of the provider on the public comparison,
and an office's postcode."""

import pytest

from audit.models import AuditEntry
from organisations.models import Membership, Office
from tests.factories import OfficeFactory, organiser_user, provider_user

pytestmark = pytest.mark.django_db
URL = "/organisaatio/esittely/"


def test_profile__provider_admin_saves_description_and_languages(login):
    admin = provider_user()
    client = login(admin)
    response = client.post(URL, {"kuvaus": "Kotihoitoa\u200b Tampereella.", "kielet": ["sv", "fi"]})
    assert response.status_code == 302
    provider = admin.membership.provider
    provider.refresh_from_db()
    assert provider.description == "Kotihoitoa Tampereella."
    assert provider.languages == ["fi", "sv"]
    assert AuditEntry.objects.filter(what__startswith="Esittely").exists()
    assert "Kotihoitoa Tampereella." in client.get(URL).content.decode()


def test_profile__too_long_or_unknown_language__finnish_errors_and_nothing_saved(login):
    admin = provider_user()
    client = login(admin)
    response = client.post(URL, {"kuvaus": "x" * 1001, "kielet": ["klingon"]})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "kuvaus" in errors and "kielet" in errors
    admin.membership.provider.refresh_from_db()
    assert admin.membership.provider.description == ""


@pytest.mark.parametrize("role", [Membership.Role.RECORDER])
def test_profile__recorder__404(login, role):
    assert login(provider_user(role=role)).get(URL).status_code == 404


def test_profile__organiser_admin__404(login):
    assert login(organiser_user(role=Membership.Role.ORGANISER_ADMIN)).get(URL).status_code == 404


def test_profile__anonymous__login_redirect(client):
    assert client.get(URL)["Location"].startswith("/kirjaudu/")


def test_office__postcode_saved_and_checked(login):
    admin = provider_user()
    office = OfficeFactory(provider=admin.membership.provider)
    client = login(admin)
    client.post("/organisaatio/toimipaikat/", {"toiminto": "muokkaa", "toimipaikka": office.pk, "nimi": office.name,
                                              "katuosoite": "Katu 1", "kunta": "Tampere", "postinumero": "33100"})
    assert Office.objects.get(pk=office.pk).postal_code == "33100"
    response = client.post("/organisaatio/toimipaikat/", {"toiminto": "lisaa", "nimi": "Uusi", "postinumero": "331"})
    assert "postinumero" in response.context["form"].errors
    assert not Office.objects.filter(name="Uusi").exists()
