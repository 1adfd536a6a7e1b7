"""Issue 13, item 19: a short help page per tab in the seed's own words, linked ("Ohje") from each
tab, and a glossary of the terms in Finnish, Swedish and English."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from events.help import GLOSSARY, PAGES
from tests.factories import organiser_user, provider_user

TABS = {
    "vouchers:customer_tab": "asiakas",
    "reservations:list": "palveluvaraukset",
    "events:vouchers": "ostovoimat",
    "events:balance_vouchers": "saldo-ostovoimat",
}


@pytest.mark.django_db
@pytest.mark.parametrize("tab, slug", TABS.items())
def test_each_tab__links_its_own_help_page(login, tab, slug):
    html = login(provider_user()).get(reverse(tab)).content.decode()
    assert f'href="{reverse("help:page", args=[slug])}"' in html and ">Ohje</a>" in html


@pytest.mark.django_db
@pytest.mark.parametrize("slug", PAGES)
def test_help_page__answers_with_a_link_back_to_its_tab(login, slug):
    response = login(organiser_user()).get(reverse("help:page", args=[slug]))
    assert response.status_code == 200
    assert f'href="{reverse(PAGES[slug][0])}"' in response.content.decode()


@pytest.mark.django_db
def test_customer_help__the_seeds_own_wording(login):
    html = login(provider_user()).get(reverse("help:page", args=["asiakas"])).content.decode()
    for words in ("Asiakkaat lisätään järjestelmään luomalla uusi palveluvaraus heidän palveluseteliinsä.",
                  "Palveluvaraus tehdään uuteen palveluseteliin vain kerran ja vain yhteen palvelusisältöön.",
                  "myös 60 päivää ostovoiman sulkeutumisen jälkeen",
                  "Ota ongelmatilanteissa yhteyttä ostovoiman myöntäjään tai oman palvelunjärjestäjäsi PSOP-tukeen.",
                  "Palvelunjärjestäjä voi kuitenkin aikarajan sisälläkin vaihtaa asiakkuuden toiselle palveluntuottajalle."):
        assert words in html


@pytest.mark.django_db
def test_glossary__every_term_in_three_languages(login):
    html = login(provider_user()).get(reverse("help:glossary")).content.decode()
    for row in GLOSSARY:
        fi, sv, en = row[1], row[2], row[3]
        assert f'<td lang="fi">{fi}</td>' in html and f'<td lang="sv">{sv}</td>' in html
        assert f'<td lang="en">{en}</td>'.replace("'", "&#x27;") in html
    for term in ("ostovoima", "palveluvaraus", "omavastuu", "aikarajaus"):
        assert any(row[1].startswith(term) for row in GLOSSARY)


@pytest.mark.django_db
def test_help__unknown_page_404_and_anonymous_sent_to_login(client, login):
    assert client.get(reverse("help:glossary")).status_code == 302
    assert login(provider_user()).get(reverse("help:page", args=["ei-ole"])).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser__ohje_from_a_tab_then_the_glossary__no_axe_violations(page, browser_login, axe):
    call_command("load_demo")
    browser_login("tuottaja", "demo-salasana")
    page.get_by_role("link", name="Palveluvaraukset", exact=True).click()
    page.wait_for_url("**/palveluvaraukset/")
    page.get_by_role("link", name="Ohje", exact=True).click()
    expect(page.get_by_role("heading", name="Ohje: Palveluvaraukset")).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Sanasto").click()
    expect(page.get_by_role("cell", name="köpkraft / servicesedel")).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
    page.get_by_role("link", name="Asiakas", exact=True).first.click()
    expect(page.get_by_role("heading", name="Ohje: Asiakas")).to_be_visible()
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()
