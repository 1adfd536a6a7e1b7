"""The seed's reservation section, clicked through in Chromium on the training data."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from reservations.models import Reservation

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "demo-salasana"


def look_up(page, number):
    page.goto("/asiakas/")
    page.get_by_label("Ostovoiman numero").fill(number)
    page.get_by_role("button", name="Hae").click()


def test_reservation_flow__provider_reserves_1001_and_organiser_reserves_1003_on_behalf(page, browser_login):
    call_command("load_demo")

    # --- tuottaja (Hoiva Esimerkki Oy) ---
    browser_login("tuottaja", password=PASSWORD)

    look_up(page, "1002")  # Siivous: no agreement → the one not-found answer
    result = page.locator("#lookup-result")
    result.get_by_role("heading", name="Ostovoiman tietoja ei löydy").wait_for()
    assert "tarkista syöttämäsi numero" in result.inner_text()

    look_up(page, " 1001 ")
    result.get_by_text("Ostovoima 1001").first.wait_for()
    assert "Ostovoimaa ei ole vielä varattu." in result.inner_text()
    result.get_by_role("link", name="Tee palveluvaraus").click()
    page.get_by_role("button", name="Lähetä palveluvaraus").wait_for()
    assert page.url.endswith("/ostovoimat/1001/palveluvaraus/")
    unit = page.get_by_label("Palveluntuottajaosa, joka varauksen tekee")
    assert unit.evaluate("select => select.options[select.selectedIndex].text") == "Hoiva Esimerkki Oy"
    page.get_by_label("Kotihoidon tunti").check()
    page.get_by_label("Tapahtumavaraus").fill("Iltakäynti tiistaisin ja torstaisin.")

    # Sent without accepting the terms → the server refuses it (see test_views), nothing saved.
    terms = page.get_by_label("Hyväksyn sopimusehdot ja sopimussuhteen muodostumisen.")
    page.get_by_role("button", name="Lähetä palveluvaraus").click()
    # The server's own Finnish error (novalidate: no browser bubble); the form comes back, as typed.
    result.get_by_role("alert").first.wait_for()
    assert terms.evaluate("box => box.validity.valueMissing") is True
    assert page.get_by_label("Tapahtumavaraus").input_value() == "Iltakäynti tiistaisin ja torstaisin."
    assert not Reservation.objects.filter(voucher__number="1001").exists()

    terms.check()
    page.get_by_role("button", name="Lähetä palveluvaraus").click()
    result.get_by_role("heading", name="Palveluvaraus on tehty").wait_for()
    reservation = Reservation.objects.get(voucher__number="1001")
    assert (reservation.provider.name, reservation.unit.name, reservation.voucher_content.content.name) == (
        "Hoiva Esimerkki Oy", "Hoiva Esimerkki Oy", "Kotihoidon tunti",
    )
    assert reservation.on_behalf is False

    page.get_by_role("link", name="Näytä palveluvaraukset").click()  # issue 23: the notice links to the list
    page.get_by_role("heading", name="Palveluvaraukset").wait_for()
    # Newest first: the reservation just made heads the list.
    first_row = page.locator("#reservation-results tbody").first
    assert first_row.get_by_role("link", name="Avaa palveluvarauksen lisätiedot 1001").count() == 1
    page.get_by_label("Hae ostovoiman numerolla tai asiakkaan nimellä").fill("1001 Virtanen")
    expect(page).to_have_url(re.compile(r"haku=1001"))
    expect(page.locator("#reservation-results tbody")).to_have_count(1)
    plus = page.get_by_role("link", name="Avaa palveluvarauksen lisätiedot 1001")
    plus.click()
    row = page.locator(f"#reservation-{reservation.pk}")
    row.get_by_role("link", name="Kirjaa tapahtuma").wait_for()
    assert "Iltakäynti tiistaisin ja torstaisin." in row.inner_text()
    assert row.get_by_role("link", name="Sulje palveluvarauksen lisätiedot 1001").get_attribute("aria-expanded") == "true"

    # --- jarjestaja (Esimerkin hyvinvointialue) ---
    page.context.clear_cookies()
    browser_login("jarjestaja", password=PASSWORD)

    look_up(page, "1004")  # closed 90 days ago: too late even for the organiser
    result.get_by_text("Ostovoima 1004").first.wait_for()
    assert "enintään 60 päivää sulkemisen jälkeen" in result.inner_text()
    assert result.get_by_role("link", name="Tee palveluvaraus").count() == 0
    page.goto("/ostovoimat/1004/palveluvaraus/")
    assert "Palveluvarausta ei voi tehdä" in page.locator("#lookup-result").inner_text()
    assert not Reservation.objects.filter(voucher__number="1004").exists()

    look_up(page, "1003")  # closed 30 days ago: the organiser may still reserve on a provider's behalf
    result.get_by_role("link", name="Tee palveluvaraus").click()
    provider = page.get_by_label("Palveluntuottaja, jonka puolesta varaus tehdään")
    provider.wait_for()
    # The form is in; wait until htmx has settled it (wired its hx-get) before changing the provider.
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling, .htmx-added')")
    provider.select_option(label="Hoiva Esimerkki Oy")
    unit = page.get_by_label("Palveluntuottajaosa, joka varauksen tekee")
    # htmx narrows the units to the chosen provider's.
    expect(unit.locator("option:text-is('Kotihoito Itä')")).to_have_count(1)
    unit.select_option(label="Kotihoito Itä")
    page.get_by_label("Kotihoidon käynti").check()
    page.get_by_label("Tapahtumavaraus").fill("Jälkikäteen kirjattava käynti ennen sulkemista.")
    page.get_by_label("Hyväksyn sopimusehdot ja sopimussuhteen muodostumisen.").check()
    page.get_by_role("button", name="Lähetä palveluvaraus").click()
    result.get_by_role("heading", name="Palveluvaraus on tehty").wait_for()
    assert "Palvelunjärjestäjä palveluntuottajan Hoiva Esimerkki Oy puolesta" in result.inner_text()

    reservation = Reservation.objects.select_related("provider", "unit", "created_by").get(voucher__number="1003")
    assert reservation.provider.name == "Hoiva Esimerkki Oy"
    assert reservation.unit.name == "Kotihoito Itä"
    assert reservation.on_behalf is True
    assert reservation.created_by.username == "jarjestaja"


def test_search_1005__the_exact_voucher_number_is_the_first_row(page, browser_login):
    """Issue 13, item 7, as a provider types it: the voucher 1005 comes before 10050, 10054 and 10058,
    though they were reserved later (the list is newest first)."""
    from tests.factories import ReservationFactory, VoucherFactory, provider_user

    user = provider_user(username="hakija")
    provider = user.membership.provider
    exact = ReservationFactory(provider=provider, voucher=VoucherFactory(number="1005"))
    for number in ("10050", "10054", "10058"):
        ReservationFactory(provider=provider, voucher=VoucherFactory(number=number))
    browser_login("hakija", password="testi-salasana-123")
    page.goto("/palveluvaraukset/")
    page.get_by_label("Hae ostovoiman numerolla tai asiakkaan nimellä").fill("1005")
    page.wait_for_url(re.compile(r"haku=1005"))
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    ids = page.eval_on_selector_all("[id^='reservation-']", "elements => elements.map(e => e.id)")
    rows = [i for i in ids if re.fullmatch(r"reservation-\d+", i)]
    assert len(rows) == 4 and rows[0] == f"reservation-{exact.pk}", rows
