"""Issue 13, items 12 and 14 in Chromium on the training data: a closed voucher's card shows its
effective end and no transfer/end/create; the card offers only what the user may do and says why
not, with the date."""

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.dates import today
from customers.models import Customership
from vouchers.models import Voucher

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PASSWORD = "demo-salasana"


def fmt(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def look_up(page, number):
    page.goto("/asiakas/")
    page.get_by_label("Ostovoiman numero").fill(number)
    page.get_by_role("button", name="Hae").click()
    result = page.locator("#lookup-result")
    result.get_by_text(f"Ostovoima {number}").first.wait_for()
    return result


def log_out(page):
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.wait_for_load_state()


def test_organiser_closes_a_capitation_voucher__card_shows_the_closing_day_and_no_customership_actions(page, browser_login):
    call_command("load_demo")
    voucher = Voucher.objects.get(number="2002")
    browser_login("jarjestaja", password=PASSWORD)

    result = look_up(page, "2002")
    expect(result.get_by_role("link", name="Siirrä asiakkuus")).to_be_visible()
    expect(result.get_by_role("link", name="Päätä asiakkuus")).to_be_visible()
    assert f"– {fmt(voucher.valid_to)}" in result.inner_text()

    result.get_by_role("link", name="Sulje ostovoima").click()
    page.get_by_label("Sulkemispäivä").fill(today().isoformat())
    page.get_by_label("Sulkemisen syy").select_option(label="Palvelun tarve on päättynyt")
    page.get_by_role("button", name="Sulje ostovoima").click()
    result.get_by_text("Ostovoima suljettu").first.wait_for()

    text = result.inner_text()
    assert f"{fmt(voucher.valid_from)} – {fmt(today())}" in text
    assert f"myönnetty {fmt(voucher.valid_to)} asti" in text
    for action in ("Siirrä asiakkuus", "Päätä asiakkuus", "Luo asiakkuus", "Sulje ostovoima"):
        expect(result.get_by_role("link", name=action)).to_have_count(0)
    assert f"Ostovoima on suljettu {fmt(today())}." in text


def test_provider_sees_why_it_cannot_create_and_the_recorder_cannot_end(page, browser_login):
    call_command("load_demo")
    locked_2002 = Customership.objects.get(voucher__number="2002").locked_until
    browser_login("tuottaja", password=PASSWORD)

    # 2002: Kilpailija Oy's lock-in runs → no "Luo asiakkuus", the lock-in's end said instead.
    result = look_up(page, "2002")
    expect(result.get_by_role("link", name="Luo asiakkuus")).to_have_count(0)
    assert fmt(locked_2002) in result.inner_text()

    # 2001: create it; then the card offers ending it, and no second "Luo asiakkuus".
    result = look_up(page, "2001")
    result.get_by_role("link", name="Luo asiakkuus").click()
    page.get_by_label("Toimipaikka").select_option(label="Keskusta")
    page.get_by_label("Hyväksyn palvelun sopimusehdot.").check()
    page.get_by_label("Hyväksyn sopimussuhteen muodostumisen asiakkaan kanssa.").check()
    page.get_by_role("button", name="Luo asiakkuus").click()
    result.get_by_text("Asiakkuus luotu").wait_for()
    expect(result.get_by_role("link", name="Päätä asiakkuus")).to_be_visible()
    expect(result.get_by_role("link", name="Luo asiakkuus")).to_have_count(0)
    expect(result.get_by_text("Asiakkaalla on jo voimassa oleva asiakkuus tällä palveluntuottajalla")).to_be_visible()
    assert fmt(today()) in result.inner_text()

    # The recorder sees the customership but is offered neither ending nor creating.
    log_out(page)
    browser_login("kirjaaja", password=PASSWORD)
    result = look_up(page, "2001")
    expect(result.get_by_text("Keskusta")).to_be_visible()
    expect(result.get_by_role("link", name="Päätä asiakkuus")).to_have_count(0)
    expect(result.get_by_role("link", name="Luo asiakkuus")).to_have_count(0)
