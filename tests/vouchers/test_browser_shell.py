"""A person logs in as `tuottaja` and clicks through the four tabs; each passes axe-core."""

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TABS = ["Asiakas", "Palveluvaraukset", "Ostovoimat", "Saldo-ostovoimat"]
PATHS = {"Asiakas": "/asiakas/", "Palveluvaraukset": "/palveluvaraukset/", "Ostovoimat": "/ostovoimat/",
         "Saldo-ostovoimat": "/saldo-ostovoimat/"}


def assert_accessible(axe, page):
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_tuottaja_clicks_through_the_four_tabs_and_each_passes_axe(page, browser_login, axe):
    call_command("load_demo")
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    browser_login("tuottaja", "demo-salasana")
    assert page.get_by_text("Hoiva Esimerkki Oy").first.is_visible()
    assert_accessible(axe, page)
    for label in TABS[1:] + TABS[:1]:
        with page.expect_response(lambda r: r.url.endswith(PATHS[label]) and r.request.headers.get("hx-request") == "true"):
            page.get_by_role("link", name=label, exact=True).click()
        page.wait_for_url(f"**{PATHS[label]}")
        current = page.locator('nav.tabs a[aria-current="page"]')
        assert current.inner_text() == label
        assert page.get_by_role("heading", level=1).first.is_visible()
        assert_accessible(axe, page)
    page.go_back()
    page.wait_for_url("**/saldo-ostovoimat/")
    assert errors == []


def test_tabs_work_without_javascript(browser, live_server):
    call_command("load_demo")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/kirjaudu/")
    page.get_by_label("Käyttäjätunnus").fill("tuottaja")
    page.get_by_label("Salasana").fill("demo-salasana")
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_url("**/asiakas/")
    page.get_by_role("link", name="Palveluvaraukset", exact=True).click()
    page.wait_for_url("**/palveluvaraukset/")
    assert page.locator('nav.tabs a[aria-current="page"]').inner_text() == "Palveluvaraukset"
    context.close()
