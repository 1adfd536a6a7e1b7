"""At 375 px, as a person clicks (issue 25, "Done when"): an anonymous visitor compares the
Kotihoito providers of Esimerkin hyvinvointialue, filters by municipality and sorts by own share;
no sideways scroll and axe finds nothing."""

import pytest
from django.core.management import call_command

from tests.test_narrow_browser import PHONE, assert_axe_passes, assert_no_sideways_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    call_command("load_demo")
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _names(page) -> list[str]:
    return page.locator("ol.offers h3").all_inner_texts()


def test_anonymous_visitor_on_a_phone__compares_filters_by_municipality_and_sorts_by_own_share(phone, axe):
    phone.goto("/vertaile/")
    assert_axe_passes(axe, phone, "/vertaile/")
    phone.get_by_label("Palvelunjärjestäjä").select_option(label="Esimerkin hyvinvointialue")
    phone.get_by_role("button", name="Vertaile").click()
    phone.get_by_label("Palvelu", exact=True).select_option(label="Kotihoito")
    phone.get_by_role("button", name="Vertaile").click()
    phone.locator("ol.offers").wait_for()
    assert sorted(_names(phone)) == ["Hoiva Esimerkki Oy", "Kotiapu Lehtonen Oy"]
    assert "Hämeenkatu 10, 33100 Tampere" in phone.content()

    phone.get_by_label("Setelin arvo / yksikkö (€)").fill("30,00")
    phone.get_by_role("button", name="Vertaile").click()
    phone.get_by_role("link", name="Omavastuu").click()
    phone.wait_for_url("**jarjestys=omavastuu**")
    names = _names(phone)
    assert names[0] == "Hoiva Esimerkki Oy"  # its price is the lower of the two: the smaller own share
    assert "Omavastuu /" in phone.content()

    phone.get_by_label("Kunta").select_option("Nokia")
    phone.get_by_role("button", name="Vertaile").click()
    phone.wait_for_url("**kunta=Nokia**")
    assert _names(phone) == ["Kotiapu Lehtonen Oy"]
    assert "arvo=30" in phone.url and "jarjestys=omavastuu" in phone.url  # a shareable address
    assert_no_sideways_scroll(phone, phone.url)
    assert_axe_passes(axe, phone, phone.url)
