"""Issue 23, item 8: the header. The product's areas are a service navigation of their own, the
account (who, how signed in, own settings) a menu under the user's name, and the languages buttons
that look like links; a provider admin's header at 1280 px is two rows, not three."""

import pytest

from tests.factories import provider_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_provider_admin_1280px__brand_row_and_service_nav__account_menu_opens(page, browser_login):
    provider_user(username="paakayttaja-h")
    page.set_viewport_size({"width": 1280, "height": 800})
    browser_login("paakayttaja-h")

    header = page.locator("header.site-header").bounding_box()
    brand_row = page.locator(".header-row").bounding_box()
    nav = page.get_by_role("navigation", name="Palvelun osiot")
    assert brand_row["height"] <= 70, brand_row  # one row: brand, account, logout, languages
    assert header["height"] <= 110, header  # and the service navigation under it: was 143 px in three rows
    for area in ("Maksut", "Ilmoitukset", "Organisaatio"):
        assert nav.get_by_role("link", name=area).is_visible()

    # The account's links are behind the user's name, not among the areas.
    password = page.get_by_role("link", name="Vaihda salasana")
    assert not password.is_visible()
    page.locator(".account-menu summary").click()
    assert password.is_visible() and page.get_by_role("link", name="Kaksivaiheinen tunnistautuminen").is_visible()
    assert page.get_by_role("button", name="Kirjaudu ulos").is_visible()

    # A language is one click.
    page.locator(".language-form").get_by_role("button", name="svenska").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator(".language-form").get_by_role("button", name="svenska").get_attribute("aria-current") == "true"
