"""An htmx request of a logged-out user (an expired session) goes to the login page as a whole page,
and logging in returns to the page the user was on (issue 13, item 2; psop.middleware)."""

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from reservations.models import Reservation
from tests.factories import PASSWORD
from tests.reservations.scenarios import reservable_voucher

LOGIN = "/kirjaudu/"
HTMX = {"HX-Request": "true", "HX-Target": "panel"}


@pytest.mark.django_db
def test_htmx_request_logged_out__hx_redirect_to_login_with_the_current_page_as_next(client):
    response = client.get(
        reverse("reservations:list"), headers={**HTMX, "HX-Current-URL": "http://testserver/ostovoimat/?haku=1001"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fostovoimat%2F%3Fhaku%3D1001"
    assert "Location" not in response
    assert response.content == b""  # nothing for htmx to swap into the panel


@pytest.mark.django_db
@pytest.mark.parametrize(
    "current",
    ["https://evil.example/asiakas/", "http://testserver//evil.example/", "", "http://testserver/kirjaudu/?next=/x/"],
    ids=["other-host", "scheme-relative-path", "missing", "the-login-page"],
)
def test_htmx_request_logged_out__current_url_not_ours__login_without_next(client, current):
    response = client.get(reverse("reservations:list"), headers={**HTMX, "HX-Current-URL": current})
    assert response.status_code == 200
    assert response["HX-Redirect"] == LOGIN


@pytest.mark.django_db
def test_htmx_post_logged_out__hx_redirect_and_nothing_else(client):
    scene = reservable_voucher()
    response = client.post(
        reverse("reservations:create", args=[scene.voucher.number]),
        {"palvelusisalto": scene.content.pk},
        headers={**HTMX, "HX-Target": "lookup-result", "HX-Current-URL": "http://testserver/asiakas/"},
    )
    assert response["HX-Redirect"] == f"{LOGIN}?next=%2Fasiakas%2F"
    assert not Reservation.objects.filter(voucher=scene.voucher).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [{}, {**HTMX, "HX-History-Restore-Request": "true"}],
    ids=["plain-page", "history-restore"],
)
def test_logged_out_page_or_history_restore__ordinary_login_redirect(client, headers):
    response = client.get(reverse("reservations:list"), headers=headers)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/palveluvaraukset/"
    assert "HX-Redirect" not in response


@pytest.mark.django_db
def test_htmx_request_logged_in__answers_as_before(login):
    scene = reservable_voucher()
    response = login(scene.provider_user).get(
        reverse("reservations:list"), headers={**HTMX, "HX-Current-URL": "http://testserver/asiakas/"}
    )
    assert response.status_code == 200
    assert "HX-Redirect" not in response
    assert b'id="panel"' in response.content


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_session_expires__tab_click_shows_login_page_once_and_login_returns_to_the_page(page, browser_login):
    scene = reservable_voucher()
    browser_login(scene.provider_user.username)
    page.get_by_role("link", name="Palveluvaraukset", exact=True).click()
    page.wait_for_url("**/palveluvaraukset/")
    page.get_by_role("heading", name="Palveluvaraukset", level=1).wait_for()

    Session.objects.all().delete()  # the session ends (30 minutes without activity)

    page.get_by_role("link", name="Ostovoimat", exact=True).click()
    page.wait_for_url("**/kirjaudu/?next=%2Fpalveluvaraukset%2F")
    page.get_by_role("heading", name="Kirjaudu sisään").wait_for()
    # The login page as the page: one header, no tabs, no panel around it.
    assert page.locator("header.site-header").count() == 1
    assert page.locator("#panel").count() == 0
    assert page.locator("nav.tabs").count() == 0

    page.get_by_label("Käyttäjätunnus").fill(scene.provider_user.username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_url("**/palveluvaraukset/")
    page.get_by_role("heading", name="Palveluvaraukset", level=1).wait_for()
    assert page.locator("header.site-header").count() == 1
