"""A provider records events on the training data and sees the used/left figures change."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser]


def figure(locator) -> Decimal:
    """'8,50 €' or '12' as a Decimal."""
    text = locator.inner_text().replace("\xa0", " ").replace("€", "").strip()
    return Decimal(text.split(" ")[0].replace(",", "."))


def figures(page, number):
    row = page.locator(f"#voucher-{number}")
    return figure(row.locator('[data-figure="used"]')), figure(row.locator('[data-figure="left"]'))


def finnish(value: Decimal, places: int = 2) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def open_tab(page, name, path):
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(f"**{path}")
    expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible()


def find(page, number):
    page.get_by_label("Hae ostovoiman numerolla tai asiakkaan nimellä").fill(number)
    page.get_by_role("button", name="Hae").click()
    page.wait_for_url(f"**?haku={number}")
    expect(page.locator(f"#voucher-{number}")).to_be_visible()


def record_from_tab(page, number, amount):
    page.locator(f"#voucher-{number}").get_by_role("link", name=re.compile("Kirjaa tapahtuma")).click()
    expect(page.get_by_role("heading", name="Kirjaa tapahtuma")).to_be_visible()
    page.locator("#id_maara").fill(amount)
    page.get_by_label("Lisätieto").fill("Selaintesti")
    page.get_by_role("button", name="Kirjaa tapahtuma").click()
    expect(page.get_by_role("status").filter(has_text="Tapahtuma kirjattu.")).to_be_visible()


def test_provider_records_on_1005_and_3001__used_and_left_change(transactional_db, page, browser_login):
    call_command("load_demo")
    browser_login("tuottaja", password="demo-salasana")

    open_tab(page, "Ostovoimat", "/ostovoimat/")
    find(page, "1005")
    used, left = figures(page, "1005")
    record_from_tab(page, "1005", "2")
    expect(page.locator('dd[data-figure="used"]')).to_have_text(finnish(used + 2).replace(",00", ""))
    open_tab(page, "Ostovoimat", "/ostovoimat/")
    find(page, "1005")
    expect(page.locator("#voucher-1005 [data-figure='used']")).to_have_text(finnish(used + 2).replace(",00", ""))
    expect(page.locator("#voucher-1005 [data-figure='left']")).to_have_text(finnish(left - 2).replace(",00", ""))

    open_tab(page, "Saldo-ostovoimat", "/saldo-ostovoimat/")
    find(page, "3001")
    used, left = figures(page, "3001")
    record_from_tab(page, "3001", "50,25")
    expect(page.locator('dd[data-figure="left"]')).to_have_text(f"{finnish(left - Decimal('50.25'))} €")
    open_tab(page, "Saldo-ostovoimat", "/saldo-ostovoimat/")
    find(page, "3001")
    expect(page.locator("#voucher-3001 [data-figure='used']")).to_have_text(f"{finnish(used + Decimal('50.25'))} €")
    expect(page.locator("#voucher-3001 [data-figure='left']")).to_have_text(f"{finnish(left - Decimal('50.25'))} €")
