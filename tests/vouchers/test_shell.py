"""Login, logout and the four tabs as full pages and as htmx fragments."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory, organiser_user, provider_user

pytestmark = pytest.mark.django_db

TABS = {
    "Asiakas": "vouchers:customer_tab",
    "Palveluvaraukset": "reservations:list",
    "Ostovoimat": "events:vouchers",
    "Saldo-ostovoimat": "events:balance_vouchers",
}
FRAGMENT = {"HX-Request": "true", "HX-Target": "panel"}


def test_login_page__in_finnish(client):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'lang="fi"' in body and "Kirjaudu sisään" in body and "Käyttäjätunnus" in body


def test_login__right_password__lands_on_asiakas_tab(client):
    user = provider_user(username="tuula")
    response = client.post(reverse("login"), {"login": "tuula", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("vouchers:customer_tab")
    assert response.context["user"] == user
    assert "Tee uusi palveluvaraus" in response.content.decode()


def test_login__wrong_password__finnish_error_and_not_logged_in(client):
    provider_user(username="tuula")
    response = client.post(reverse("login"), {"login": "tuula", "password": "väärä"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "syötä kelvollinen" in response.content.decode()


def test_logout__post__ends_session(client):
    client.force_login(provider_user())
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session


def test_logout__get__not_allowed(client):
    client.force_login(provider_user())
    assert client.get(reverse("logout")).status_code == 405


@pytest.mark.parametrize("name", TABS.values())
def test_tab__anonymous__redirected_to_login(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302 and response.url == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("label, name", TABS.items())
def test_tab__full_page__has_shell_tabs_user_and_organisation(client, label, name):
    user = provider_user(first_name="Tuula", last_name="Tuottaja")
    client.force_login(user)
    response = client.get(reverse(name))
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" in body and "Kirjaudu ulos" in body and "Tuula Tuottaja" in body
    assert user.membership.provider.name in body
    for tab_label in TABS:
        assert f">{tab_label}</a>" in body
    assert f'aria-current="page">{label}</a>' in body
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize("label, name", TABS.items())
def test_tab__htmx_request_for_panel__answers_the_panel_alone(client, label, name):
    client.force_login(organiser_user())
    response = client.get(reverse(name), headers=FRAGMENT)
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and body.lstrip().startswith('<div id="panel">')
    assert f'aria-current="page">{label}</a>' in body


@pytest.mark.parametrize("name", TABS.values())
def test_tab__boosted_or_history_restore__answers_full_page(client, name):
    client.force_login(provider_user())
    boosted = client.get(reverse(name), headers={**FRAGMENT, "HX-Boosted": "true"})
    restore = client.get(reverse(name), headers={**FRAGMENT, "HX-History-Restore-Request": "true"})
    assert "<html" in boosted.content.decode() and "<html" in restore.content.decode()


def test_tab__user_without_organisation__forbidden_with_finnish_page(client):
    client.force_login(UserFactory())
    response = client.get(reverse("vouchers:customer_tab"))
    assert response.status_code == 403
    assert "Ei käyttöoikeutta" in response.content.decode()


def test_home__redirects_to_asiakas_tab(client):
    client.force_login(provider_user())
    assert client.get("/").url == reverse("vouchers:customer_tab")


def test_pages__carry_csp_without_inline_script(client):
    client.force_login(provider_user())
    response = client.get(reverse("vouchers:customer_tab"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
