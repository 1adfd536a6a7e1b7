"""Organisaatio: an organisation's admin manages its own users, roles, lockouts, units and offices."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEntry
from core.errors import DomainError
from organisations import services
from organisations.models import Membership, Office, ProviderUnit
from tests.factories import (
    PASSWORD,
    OfficeFactory,
    OrganiserFactory,
    ProviderFactory,
    organiser_user,
    provider_user,
)

pytestmark = pytest.mark.django_db

User = get_user_model()
STRONG = "Vahva-salasana-2026!"
FRAGMENT = {"HX-Request": "true", "HX-Target": "panel"}


def _changes() -> int:
    return AuditEntry.objects.filter(action="change").count()


def _snapshot():
    return (
        list(User.objects.order_by("pk").values_list("pk", "username", "is_active")),
        list(Membership.objects.order_by("pk").values_list("pk", "role")),
        list(ProviderUnit.objects.order_by("pk").values_list("pk", "name", "is_default")),
        list(Office.objects.order_by("pk").values_list("pk", "name", "street_address", "municipality")),
        AuditEntry.objects.count(),
    )


def _refused(code, call, **kwargs):
    before = _snapshot()
    with pytest.raises(DomainError) as caught:
        call(**kwargs)
    assert caught.value.code == code
    assert _snapshot() == before
    return caught.value


@pytest.fixture
def provider():
    return ProviderFactory()


@pytest.fixture
def admin(provider):
    return provider_user(provider, username="p-admin")


def _create(admin, **overrides):
    data = {"username": "uusi", "first_name": "Uuno", "last_name": "Uusi", "email": "uuno@example.fi",
            "role": Membership.Role.RECORDER, "password": STRONG}
    data.update(overrides)
    return services.org_user_create(user=admin, **data)


# --- services -----------------------------------------------------------------------------------------


def test_create_user__provider_admin__member_of_own_provider_with_role_and_password__audited(admin, provider):
    before = _changes()
    new = _create(admin)
    assert new.membership.provider == provider and new.membership.role == Membership.Role.RECORDER
    assert new.check_password(STRONG) and new.is_active
    assert _changes() == before + 1
    entry = AuditEntry.objects.latest("pk")
    assert entry.customer_id is None and "uusi" in entry.what and entry.organisation == str(provider)


def test_create_user__organiser_admin__organiser_roles_only():
    organiser = OrganiserFactory()
    admin = organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN)
    new = _create(admin, role=Membership.Role.ORGANISER_STAFF)
    assert new.membership.organiser == organiser
    _refused("wrong_role", _create, admin=admin, username="toinen", role=Membership.Role.RECORDER)


def test_create_user__wrong_role_for_a_provider__refused_nothing_written(admin):
    _refused("wrong_role", _create, admin=admin, role=Membership.Role.ORGANISER_ADMIN)


def test_create_user__weak_password__refused_in_finnish_nothing_written(admin):
    error = _refused("weak_password", _create, admin=admin, password="12345")
    assert "salasana" in error.message.lower()
    _refused("weak_password", _create, admin=admin, password="123456789012")


def test_create_user__username_taken__refused(admin):
    _refused("username_taken", _create, admin=admin, username="P-ADMIN")


def test_create_user__recorder__refused(provider):
    recorder = provider_user(provider, role=Membership.Role.RECORDER)
    _refused("not_allowed", _create, admin=recorder)


def test_set_role__changes_within_kind__audited(admin, provider):
    recorder = provider_user(provider, role=Membership.Role.RECORDER)
    before = _changes()
    services.org_member_set_role(user=admin, member_user=recorder, role=Membership.Role.PROVIDER_ADMIN)
    assert Membership.objects.get(user=recorder).role == Membership.Role.PROVIDER_ADMIN
    assert _changes() == before + 1


def test_set_role__wrong_kind__refused(admin, provider):
    recorder = provider_user(provider, role=Membership.Role.RECORDER)
    _refused("wrong_role", services.org_member_set_role, user=admin, member_user=recorder,
             role=Membership.Role.ORGANISER_STAFF)


def test_set_role__last_admin_demoting_themself__refused(admin):
    _refused("last_admin", services.org_member_set_role, user=admin, member_user=admin, role=Membership.Role.RECORDER)


def test_set_role__another_active_admin__admin_may_step_down(admin, provider):
    provider_user(provider)
    services.org_member_set_role(user=admin, member_user=admin, role=Membership.Role.RECORDER)
    assert Membership.objects.get(user=admin).role == Membership.Role.RECORDER


def test_set_role__other_admin_inactive__still_the_last_admin(admin, provider):
    other = provider_user(provider)
    other.is_active = False
    other.save()
    _refused("last_admin", services.org_member_set_role, user=admin, member_user=admin, role=Membership.Role.RECORDER)


def test_member_of_another_organisation__refused(admin):
    stranger = provider_user(ProviderFactory(), role=Membership.Role.RECORDER)
    _refused("not_member", services.org_member_set_role, user=admin, member_user=stranger,
             role=Membership.Role.PROVIDER_ADMIN)
    _refused("not_member", services.org_member_set_active, user=admin, member_user=stranger, active=False)


def test_deactivate_and_reactivate__audited(admin, provider):
    recorder = provider_user(provider, role=Membership.Role.RECORDER)
    before = _changes()
    services.org_member_set_active(user=admin, member_user=recorder, active=False)
    recorder.refresh_from_db()
    assert not recorder.is_active
    services.org_member_set_active(user=admin, member_user=recorder, active=True)
    recorder.refresh_from_db()
    assert recorder.is_active
    assert _changes() == before + 2


def test_deactivate_self__refused_even_with_another_admin(admin, provider):
    provider_user(provider)
    _refused("self_deactivate", services.org_member_set_active, user=admin, member_user=admin, active=False)


def test_deactivate_other_admin__leaves_the_actor_as_the_last_admin__who_cannot_leave():
    organiser = OrganiserFactory()
    first = organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN)
    second = organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN)
    services.org_member_set_active(user=first, member_user=second, active=False)
    second.refresh_from_db()
    assert not second.is_active
    _refused("self_deactivate", services.org_member_set_active, user=first, member_user=first, active=False)
    _refused("last_admin", services.org_member_set_role, user=first, member_user=first,
             role=Membership.Role.ORGANISER_STAFF)


def _fail_logins(client, username, times=5):
    for _ in range(times):
        client.post(reverse("login"), {"login": username, "password": "väärä-salasana"})


def test_unlock__locked_user_logs_in_again__audited(client, admin, provider):
    provider_user(provider, role=Membership.Role.RECORDER, username="lukossa")
    _fail_logins(client, "lukossa")
    assert client.post(reverse("login"), {"login": "lukossa", "password": PASSWORD}).status_code == 429
    member = User.objects.get(username="lukossa")
    before = _changes()
    services.org_member_unlock(user=admin, member_user=member)
    assert not AccessAttempt.objects.filter(username="lukossa").exists()
    assert _changes() == before + 1
    assert client.post(reverse("login"), {"login": "lukossa", "password": PASSWORD}).status_code == 302


def test_unlock__not_locked__refused(admin, provider):
    recorder = provider_user(provider, role=Membership.Role.RECORDER)
    _refused("not_locked", services.org_member_unlock, user=admin, member_user=recorder)


def test_units__add_and_rename__default_stays_default(admin, provider):
    unit = services.org_unit_create(user=admin, name="Kotihoito")
    assert unit.provider == provider and not unit.is_default
    default = provider.units.get(is_default=True)
    services.org_unit_rename(user=admin, unit=default, name="Yritys itse")
    default.refresh_from_db()
    assert default.name == "Yritys itse" and default.is_default
    _refused("duplicate_name", services.org_unit_create, user=admin, name="Kotihoito")
    _refused("duplicate_name", services.org_unit_rename, user=admin, unit=unit, name="Yritys itse")


def test_units_and_offices__organiser_admin_and_other_providers_objects__refused(admin):
    organiser_admin = organiser_user(role=Membership.Role.ORGANISER_ADMIN)
    _refused("not_allowed", services.org_unit_create, user=organiser_admin, name="X")
    _refused("not_allowed", services.org_office_create, user=organiser_admin, name="X")
    other_unit = ProviderFactory().units.get()
    _refused("not_found", services.org_unit_rename, user=admin, unit=other_unit, name="Kaapattu")
    _refused("not_found", services.org_office_update, user=admin, office=OfficeFactory(), name="Kaapattu")


def test_offices__add_and_edit__audited(admin, provider):
    before = _changes()
    office = services.org_office_create(user=admin, name="Keskusta", street_address="Katu 1", municipality="Tampere")
    services.org_office_update(user=admin, office=office, name="Keskusta 2", street_address="Katu 2",
                               municipality="Nokia")
    office.refresh_from_db()
    assert (office.provider, office.name, office.street_address, office.municipality) == (
        provider, "Keskusta 2", "Katu 2", "Nokia")
    assert _changes() == before + 2
    _refused("duplicate_name", services.org_office_create, user=admin, name="Keskusta 2")


# --- views --------------------------------------------------------------------------------------------

PAGES = ["organisations:users", "organisations:user_add", "organisations:units", "organisations:offices"]


@pytest.mark.parametrize("name", PAGES)
def test_pages__recorder_staff_and_organiser_admin_on_provider_pages__404(client, provider, name):
    for user in (provider_user(provider, role=Membership.Role.RECORDER), organiser_user()):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 404
    client.force_login(organiser_user(role=Membership.Role.ORGANISER_ADMIN))
    expected = 404 if name in ("organisations:units", "organisations:offices") else 200
    assert client.get(reverse(name)).status_code == expected


def test_pages__anonymous__login_redirect(client):
    response = client.get(reverse("organisations:users"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_user_list__own_members_with_lock_state__not_others(client, admin, provider):
    provider_user(provider, role=Membership.Role.RECORDER, username="oma-kirjaaja")
    provider_user(ProviderFactory(), username="vieras-admin")
    _fail_logins(client, "oma-kirjaaja")
    client.force_login(admin)
    page = client.get(reverse("organisations:users")).content.decode()
    assert "oma-kirjaaja" in page and "lukittu" in page
    assert "vieras-admin" not in page


def test_user_edit__other_organisations_member_or_unknown__404(client, admin):
    stranger = provider_user(ProviderFactory(), role=Membership.Role.RECORDER)
    client.force_login(admin)
    assert client.get(reverse("organisations:user_edit", args=[stranger.pk])).status_code == 404
    assert client.post(reverse("organisations:user_edit", args=[stranger.pk]),
                       {"toiminto": "poista_kaytosta"}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active
    assert client.get(reverse("organisations:user_edit", args=[999999])).status_code == 404


def test_user_edit__other_providers_admin__404(client, admin, provider):
    recorder = provider_user(provider, role=Membership.Role.RECORDER)
    client.force_login(provider_user(ProviderFactory()))
    assert client.get(reverse("organisations:user_edit", args=[recorder.pk])).status_code == 404


def test_pages__full_page_vs_fragment(client, admin, provider):
    client.force_login(admin)
    recorder = provider_user(provider, role=Membership.Role.RECORDER)
    urls = [reverse(name) for name in PAGES] + [reverse("organisations:user_edit", args=[recorder.pk])]
    for url in urls:
        full = client.get(url).content.decode()
        fragment = client.get(url, headers=FRAGMENT).content.decode()
        assert "<html" in full and 'id="panel"' in full, url
        assert "<html" not in fragment and fragment.lstrip().startswith('<div id="panel">'), url


def test_header_link__admins_only(client, admin, provider):
    client.force_login(admin)
    assert reverse("organisations:users") in client.get(reverse("vouchers:customer_tab")).content.decode()
    client.force_login(provider_user(provider, role=Membership.Role.RECORDER))
    assert reverse("organisations:users") not in client.get(reverse("vouchers:customer_tab")).content.decode()


def test_add_user_view__weak_password__finnish_error_on_form_nothing_written(client, admin):
    client.force_login(admin)
    before = _snapshot()
    body = {"kayttajatunnus": "uusi", "etunimi": "Uuno", "sukunimi": "Uusi", "sahkoposti": "",
            "rooli": "recorder", "salasana": "lyhyt"}
    response = client.post(reverse("organisations:user_add"), body)
    assert response.status_code == 200
    assert "salasana on liian lyhyt" in response.content.decode()
    assert _snapshot() == before
    response = client.post(reverse("organisations:user_add"), {**body, "rooli": "organiser_staff", "salasana": STRONG})
    assert response.status_code == 200 and _snapshot() == before


def test_add_user_view__valid__redirects_to_list(client, admin, provider):
    client.force_login(admin)
    body = {"kayttajatunnus": "uusi", "etunimi": "Uuno", "sukunimi": "Uusi", "sahkoposti": "u@example.fi",
            "rooli": "recorder", "salasana": STRONG}
    response = client.post(reverse("organisations:user_add"), body)
    assert response.status_code == 302 and response["Location"] == reverse("organisations:users")
    assert User.objects.get(username="uusi").membership.provider == provider


def test_user_edit_view__actions(client, admin, provider):
    recorder = provider_user(provider, role=Membership.Role.RECORDER, username="kirjaaja")
    url = reverse("organisations:user_edit", args=[recorder.pk])
    client.force_login(admin)
    assert client.post(url, {"toiminto": "poista_kaytosta"}).status_code == 302
    recorder.refresh_from_db()
    assert not recorder.is_active
    response = client.post(url, {"toiminto": "palauta"}, headers=FRAGMENT)
    assert response.status_code == 200 and "otettu käyttöön" in response.content.decode()
    response = client.post(reverse("organisations:user_edit", args=[admin.pk]), {"toiminto": "poista_kaytosta"})
    assert response.status_code == 200 and "Et voi poistaa omaa tunnustasi" in response.content.decode()
    admin.refresh_from_db()
    assert admin.is_active


def test_unlock_view__then_login_succeeds(client, admin, provider):
    provider_user(provider, role=Membership.Role.RECORDER, username="lukossa")
    _fail_logins(client, "lukossa")
    member = User.objects.get(username="lukossa")
    client.force_login(admin)
    page = client.get(reverse("organisations:user_edit", args=[member.pk])).content.decode()
    assert 'value="avaa_lukitus"' in page
    response = client.post(reverse("organisations:user_edit", args=[member.pk]), {"toiminto": "avaa_lukitus"})
    assert response.status_code == 302
    client.logout()
    assert client.post(reverse("login"), {"login": "lukossa", "password": PASSWORD}).status_code == 302


def test_units_and_offices_views__add_and_rename(client, admin, provider):
    client.force_login(admin)
    assert client.post(reverse("organisations:units"), {"toiminto": "lisaa", "nimi": "Kotihoito"}).status_code == 302
    assert provider.units.filter(name="Kotihoito", is_default=False).exists()
    other_unit = ProviderFactory().units.get()
    response = client.post(reverse("organisations:units"), {"toiminto": "nimea", "osa": other_unit.pk, "nimi": "X"})
    assert response.status_code == 404
    assert client.post(reverse("organisations:offices"),
                       {"toiminto": "lisaa", "nimi": "Keskusta", "katuosoite": "", "kunta": "Tampere"}).status_code == 302
    office = provider.offices.get(name="Keskusta")
    response = client.post(reverse("organisations:offices"), {"toiminto": "muokkaa", "toimipaikka": office.pk,
                                                             "nimi": "Keskusta", "katuosoite": "Katu 3", "kunta": "Nokia"})
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.street_address == "Katu 3"
