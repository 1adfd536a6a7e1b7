"""The seed's capitation section, clicked through in Chromium on the training data."""

import datetime as dt

import pytest
from django.core.management import call_command

from core.dates import today
from customers.models import Customership

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "demo-salasana"


def fmt(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def look_up(page, number):
    page.goto("/asiakas/")
    page.get_by_label("Ostovoiman numero").fill(number)
    page.get_by_role("button", name="Hae").click()
    page.locator("#lookup-result").get_by_text(f"Ostovoima {number}").first.wait_for()


def fill_customership(page, office="Keskusta"):
    page.get_by_role("link", name="Luo asiakkuus").click()
    page.get_by_label("Toimipaikka").select_option(label=office)
    page.get_by_label("Hyväksyn palvelun sopimusehdot.").check()
    page.get_by_label("Hyväksyn sopimussuhteen muodostumisen asiakkaan kanssa.").check()
    page.get_by_role("button", name="Luo asiakkuus").click()


def test_capitation_flow__create_refused_in_lock_in_take_over_and_organiser_transfer(page, browser_login):
    call_command("load_demo")
    locked_2002 = Customership.objects.get(voucher__number="2002").locked_until
    old_2003 = Customership.objects.get(voucher__number="2003")

    browser_login("tuottaja", password=PASSWORD)

    # 2001: no customership yet → "Luo asiakkuus" with today and a year's lock-in.
    look_up(page, "2001")
    fill_customership(page)
    result = page.locator("#lookup-result")
    result.get_by_text("Asiakkuus luotu").wait_for()
    assert "toistaiseksi voimassa" in result.inner_text()
    created = Customership.objects.get(voucher__number="2001")
    assert (created.office.name, created.start_date) == ("Keskusta", today())
    assert page.url.endswith("numero=2001")

    # 2002: Kilpailija Oy's lock-in runs → "Luo asiakkuus" is not offered; the card says until when
    # (issue 13, item 14; the service's own refusal is tested in test_services/test_views).
    look_up(page, "2002")
    assert fmt(locked_2002) in page.locator("#lookup-result").inner_text()
    assert "Kilpailija Oy" not in page.locator("#lookup-result").inner_text()
    assert page.locator("#lookup-result").get_by_role("link", name="Luo asiakkuus").count() == 0
    assert Customership.objects.filter(voucher__number="2002").count() == 1

    # 2003: the lock-in has passed → the switch ends Kilpailija Oy's customership yesterday.
    look_up(page, "2003")
    fill_customership(page)
    page.locator("#lookup-result").get_by_text("Asiakkuus luotu").wait_for()
    old_2003.refresh_from_db()
    assert old_2003.end_date == today() - dt.timedelta(days=1)
    assert Customership.objects.in_force_on(today()).get(voucher__number="2003").provider.name == "Hoiva Esimerkki Oy"

    # The organiser moves 2002 to Hoiva Esimerkki Oy inside the lock-in.
    page.get_by_role("button", name="Kirjaudu ulos").click()
    browser_login("jarjestaja", password=PASSWORD)
    look_up(page, "2002")
    page.get_by_role("link", name="Siirrä asiakkuus").click()
    page.get_by_label("Uusi palveluntuottaja ja toimipaikka").select_option(label="Hoiva Esimerkki Oy – Keskusta")
    page.get_by_label("Siirron peruste").fill("Asiakas muutti palvelunjärjestäjän päätöksellä")
    page.get_by_role("button", name="Siirrä asiakkuus").click()
    result = page.locator("#lookup-result")
    result.get_by_text("Asiakkuus siirretty").wait_for()
    assert "Hoiva Esimerkki Oy" in result.inner_text()
    moved = Customership.objects.in_force_on(today()).get(voucher__number="2002")
    assert (moved.provider.name, moved.reason) == ("Hoiva Esimerkki Oy", "Asiakas muutti palvelunjärjestäjän päätöksellä")
    assert moved.transferred_from.end_date == today() - dt.timedelta(days=1)
