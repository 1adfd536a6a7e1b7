"""Money in the browser (issue 13, item 11): a provider sees 53 577,57 € on the Saldo-ostovoimat tab,
records euros typed with a space between thousands and a decimal comma, switches to English and
sees €53,577.57, records with a decimal comma there too, and sees Swedish amounts grouped as in
Finnish."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.events.scenarios import balance_reservation

pytestmark = [pytest.mark.browser]

NBSP = "\u00a0"


def figure(page, number, name) -> str:
    return page.locator(f"#voucher-{number} [data-figure='{name}']").inner_text()


def record(page, reservation, typed):
    page.goto(reverse("events:create", args=[reservation.pk]))
    page.locator("#id_maara").fill(typed)
    page.locator("#id_maara").press("Enter")


def switch_language(page, name):
    page.locator(".language-form").get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_balance_amounts__finnish_english_swedish_and_a_decimal_comma_everywhere(transactional_db, page, browser_login):
    reservation = balance_reservation(amount=D("53577.57"), number="880001")
    browser_login(reservation.created_by.username)

    page.goto(reverse("events:balance_vouchers"))
    assert figure(page, "880001", "granted") == f"53{NBSP}577,57{NBSP}€"
    assert figure(page, "880001", "left") == f"53{NBSP}577,57{NBSP}€"

    record(page, reservation, "1 234,50")
    expect(page.locator('dd[data-figure="left"]')).to_have_text(re.compile("52.343,07"))
    assert page.locator('dd[data-figure="left"]').inner_text() == f"52{NBSP}343,07{NBSP}€"

    switch_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(reverse("events:balance_vouchers"))
    assert figure(page, "880001", "granted") == "€53,577.57"
    assert figure(page, "880001", "left") == "€52,343.07"

    record(page, reservation, "10,25")  # a decimal comma in English too
    expect(page.locator('dd[data-figure="left"]')).to_have_text("€52,332.82")
    assert page.locator('dd[data-figure="used"]').inner_text() == "€1,244.75"

    switch_language(page, "svenska")
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.goto(reverse("events:balance_vouchers"))
    assert figure(page, "880001", "left") == f"52{NBSP}332,82{NBSP}€"
