"""Issue 23, "Also": the new API key has a copy button (static/psop.js; the CSP allows no inline
script). Without JavaScript it stays hidden and the key is copied from its field by hand."""

import pytest

from tests.factories import PASSWORD, ProviderFactory, provider_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_api_key__copy_button_copies_the_key_and_says_so(page, browser_login):
    admin = provider_user(ProviderFactory(), username="avaimet")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    browser_login(admin.username, PASSWORD)
    page.goto("/organisaatio/api-avaimet/")
    page.get_by_label("Nimi").fill("Kassajärjestelmä")
    page.locator("input[name=oikeudet]").first.check()
    page.locator("main form button[type=submit]").last.click()
    secret = page.locator("#api-secret").input_value()
    assert secret.startswith("psop_")

    page.get_by_role("button", name="Kopioi avain").click()

    page.get_by_text("Avain kopioitu leikepöydälle.").wait_for()
    assert page.evaluate("() => navigator.clipboard.readText()") == secret
