"""Issue 22, "Done when" #1, clicked through in Chromium on the training data: `jarjestaja` grants a
Kotihoito voucher to a new customer and opens the decision letter's print view; `tuottaja` finds the
number in Asiakas and reserves it; `jarjestaja` raises the hours and the provider's Ostovoimat shows
the new figure; lowering below what was used (an event recorded) is refused with the message."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.dates import today
from events.models import EventStatus
from reservations.models import Reservation
from tests.factories import EventFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "demo-salasana"
NEW_HETU = "150345-123N"


def no_axe_violations(axe, page, label):
    found = axe.run(page).response["violations"]
    assert not found, f"{label}: " + ", ".join(f"{v['id']} ({len(v['nodes'])})" for v in found)


def look_up(page, number):
    page.goto("/asiakas/")
    page.get_by_label("Ostovoiman numero").fill(number)
    page.get_by_role("button", name="Hae").click()
    result = page.locator("#lookup-result")
    result.get_by_text(f"Ostovoima {number}").first.wait_for()
    return result


def change_hours(page, number, hours, reason):
    result = look_up(page, number)
    result.get_by_role("link", name="Muuta myöntöä").click()
    page.get_by_role("heading", name=f"Muuta myöntöä: ostovoima {number}").wait_for()
    row = page.locator("fieldset.content-row", has_text="Kotihoidon tunti")
    row.get_by_label("Määrä (tunti)").fill(hours)
    page.get_by_label("Perustelu").fill(reason)
    page.get_by_role("button", name="Tallenna muutos").click()


def test_organiser_grants_prints_provider_reserves_organiser_raises_and_cannot_lower_below_used(page, browser_login, axe):
    call_command("load_demo")

    # --- jarjestaja grants a Kotihoito voucher to a new customer ---
    browser_login("jarjestaja", password=PASSWORD)
    page.get_by_role("link", name="Myöntäminen").click()
    page.get_by_role("heading", name="Myönnä ostovoima").wait_for()
    page.get_by_label("Henkilötunnus").fill(NEW_HETU)
    page.get_by_role("button", name="Hae asiakas").click()
    page.get_by_text("ei löytynyt asiakasta").wait_for()
    new = page.locator("#new-customer-form")
    assert new.get_by_label("Henkilötunnus").input_value() == NEW_HETU
    new.get_by_label("Etunimi").fill("Selma")
    new.get_by_label("Sukunimi").fill("Selaintesti")
    new.get_by_label("Kotikunta").fill("Tampere")
    new.get_by_label("Lähiosoite").fill("Hämeenkatu 1 A 2")
    new.get_by_label("Postinumero").fill("33100")
    new.get_by_label("Postitoimipaikka").fill("Tampere")
    new.get_by_role("button", name="Lisää asiakas").click()
    page.get_by_text("Asiakas lisätty: Selaintesti Selma.").wait_for()

    page.get_by_label("Palvelu", exact=True).select_option(label="Kotihoito (Palveluseteli)")
    row = page.locator("fieldset.content-row", has_text="Kotihoidon tunti")  # htmx brings the service's contents
    row.get_by_label("Määrä (tunti)").fill("10")
    row.get_by_label("Jakso").select_option(label="kuukausi")
    row.get_by_label("Setelin arvo / yksikkö (€)").fill("38,00")
    page.get_by_label("Päätöksen numero").fill("KH-2026-101")
    no_axe_violations(axe, page, "the decision form")
    page.get_by_role("button", name="Myönnä ostovoima").click()
    number_box = page.locator('[data-figure="number"]')
    number_box.wait_for()
    number = number_box.inner_text().strip()
    assert number.isdigit()
    expect(page.get_by_text(f"Ostovoima {number} myönnetty.")).to_be_visible()
    no_axe_violations(axe, page, "the granted voucher's page")

    page.get_by_role("link", name="Tulosta päätös").first.click()
    letter = page.locator("article.decision-letter")
    letter.get_by_role("heading", name="Palvelusetelipäätös").wait_for()
    text = letter.inner_text()
    for expected in ("Esimerkin hyvinvointialue", "Selma Selaintesti", "Hämeenkatu 1 A 2", "33100 Tampere", number,
                     "KH-2026-101", "Hoiva Esimerkki Oy", "Kotihoidon tunti"):
        assert expected in text, expected
    no_axe_violations(axe, page, "the decision letter")
    page.emulate_media(media="print")  # the print view: the letter, without tabs and buttons
    expect(page.locator("nav.tabs")).to_be_hidden()
    expect(page.get_by_role("button", name="Tulosta")).to_be_hidden()
    expect(letter.get_by_role("heading", name="Palvelusetelipäätös")).to_be_visible()
    page.emulate_media(media="screen")

    # --- tuottaja finds the number in Asiakas and reserves it ---
    page.context.clear_cookies()
    browser_login("tuottaja", password=PASSWORD)
    result = look_up(page, number)
    assert "Muuta myöntöä" not in result.inner_text() and "Muutoshistoria" not in result.inner_text()
    result.get_by_role("link", name="Tee palveluvaraus").click()
    page.get_by_role("button", name="Lähetä palveluvaraus").wait_for()
    page.get_by_label("Kotihoidon tunti").check()
    page.get_by_label("Tapahtumavaraus").fill("Kaksi tuntia tiistaisin.")
    page.get_by_label("Hyväksyn sopimusehdot ja sopimussuhteen muodostumisen.").check()
    page.get_by_role("button", name="Lähetä palveluvaraus").click()
    page.locator("#lookup-result").get_by_role("heading", name="Palveluvaraus on tehty").wait_for()
    reservation = Reservation.objects.get(voucher__number=number)
    assert reservation.provider.name == "Hoiva Esimerkki Oy"

    # --- jarjestaja raises the hours ---
    page.context.clear_cookies()
    browser_login("jarjestaja", password=PASSWORD)
    change_hours(page, number, "15", "Tarve kasvoi arvioinnissa")
    page.get_by_text("Myöntöä muutettu.").wait_for()
    expect(page.get_by_text("Kotihoidon tunti: määrä 10 → 15")).to_be_visible()
    expect(page.get_by_text("Tarve kasvoi arvioinnissa")).to_be_visible()

    # --- the provider's Ostovoimat shows the new figure ---
    page.context.clear_cookies()
    browser_login("tuottaja", password=PASSWORD)
    page.get_by_role("link", name="Ostovoimat", exact=True).click()
    page.get_by_label("Hae ostovoiman numerolla tai asiakkaan nimellä").fill(number)
    page.get_by_role("button", name="Hae").click()
    expect(page.locator(f"#voucher-{number} [data-figure='granted']")).to_contain_text("15")

    # --- 12 hours recorded this month: lowering to 5 is refused, with what was typed kept ---
    EventFactory(reservation=reservation, date=today(), quantity=Decimal("12"), unit_price=Decimal("48.50"),
                 total=Decimal("582.00"), voucher_share=Decimal("456.00"), customer_share=Decimal("126.00"),
                 status=EventStatus.APPROVED)
    page.context.clear_cookies()
    browser_login("jarjestaja", password=PASSWORD)
    change_hours(page, number, "5", "Tarve väheni")
    expect(page.get_by_text("Kotihoidon tunti: määrä ei voi olla pienempi kuin jo käytetty 12.")).to_be_visible()
    row = page.locator("fieldset.content-row", has_text="Kotihoidon tunti")
    assert row.get_by_label("Määrä (tunti)").input_value() == "5"
    assert page.get_by_label("Perustelu").input_value() == "Tarve väheni"
    no_axe_violations(axe, page, "the change refused")
    assert reservation.voucher.contents.get().quantity == Decimal("15")
