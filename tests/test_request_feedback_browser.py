"""A failed htmx request says so, in a live region, and keeps what the user typed; a running one
shows the loading bar and disables the submit button (issue 13, items 1 and 4; static/psop.js)."""

import pytest
from django.urls import reverse

from tests.reservations.scenarios import reservable_voucher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAILED = "Pyyntö epäonnistui. Tarkista yhteys ja yritä uudelleen. Kirjoittamasi tiedot ovat tallessa."


def is_lookup(url: str) -> bool:
    return url.split("?")[0].endswith(reverse("vouchers:lookup"))


@pytest.fixture
def on_customer_tab(page, browser_login):
    scene = reservable_voucher()
    browser_login(scene.provider_user.username)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return scene, errors


@pytest.mark.parametrize("failure", ["500", "403", "connection"])
def test_failed_lookup__message_in_live_region_and_typed_number_kept(page, on_customer_tab, failure):
    scene, _errors = on_customer_tab
    status = page.locator("#request-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    assert status.inner_text() == ""
    if failure == "connection":
        page.route(is_lookup, lambda route: route.abort("connectionfailed"))
    else:
        page.route(is_lookup, lambda route: route.fulfill(status=int(failure), body="virhe", content_type="text/html"))
    field = page.locator("#lookup-form input[name=numero]")
    field.fill(scene.voucher.number)
    page.locator("#lookup-submit").click()
    page.wait_for_function("document.getElementById('request-status').textContent.length > 0")
    assert status.inner_text() == FAILED
    # The page is as it was: the typed number, the same form, no answer swapped in, the button usable again.
    assert field.input_value() == scene.voucher.number
    assert "virhe" not in page.locator("#lookup-result").inner_text()
    assert page.locator("#lookup-submit").is_enabled()
    # The next request that works clears the message and shows the answer.
    page.unroute(is_lookup)
    page.locator("#lookup-submit").click()
    page.get_by_role("heading", name=f"Ostovoima {scene.voucher.number}").wait_for()
    assert status.inner_text() == ""


def test_running_request__loading_bar_shown_and_submit_disabled(page, on_customer_tab):
    scene, errors = on_customer_tab
    held = []
    page.route(is_lookup, lambda route: held.append(route))
    indicator = page.locator("#request-indicator")
    assert not indicator.is_visible()
    page.locator("#lookup-form input[name=numero]").fill(scene.voucher.number)
    page.locator("#lookup-submit").click()
    page.wait_for_function("document.getElementById('lookup-submit').disabled")
    assert indicator.is_visible()
    assert held
    held[0].continue_()
    page.get_by_role("heading", name=f"Ostovoima {scene.voucher.number}").wait_for()
    page.wait_for_function("!document.getElementById('lookup-submit').disabled")
    assert not indicator.is_visible()
    assert errors == []


def test_submit_button_disabled_during_request__keeps_the_focus_afterwards(page, on_customer_tab):
    scene, _errors = on_customer_tab
    page.route(is_lookup, lambda route: route.fulfill(status=500, body="virhe", content_type="text/html"))
    page.locator("#lookup-form input[name=numero]").fill(scene.voucher.number)
    page.locator("#lookup-submit").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('request-status').textContent.length > 0")
    assert page.evaluate("document.activeElement.id") == "lookup-submit"
