"""The organiser closes a service voucher and a purchased-service voucher from the card, in Chromium."""

import pytest
from django.core.management import call_command

from core.dates import today
from vouchers.models import Voucher

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def close_from_the_card(page, number):
    page.goto("/asiakas/")
    page.get_by_label("Ostovoiman numero").fill(number)
    page.get_by_role("button", name="Hae").click()
    result = page.locator("#lookup-result")
    result.get_by_text(f"Ostovoima {number}").first.wait_for()
    result.get_by_role("link", name="Sulje ostovoima").click()
    page.get_by_label("Sulkemispäivä").fill(today().isoformat())
    page.get_by_label("Sulkemisen syy").select_option(label="Palvelun tarve on päättynyt")
    page.get_by_role("button", name="Sulje ostovoima").click()
    result.get_by_text("Ostovoima suljettu").wait_for()
    return result


@pytest.mark.parametrize("number", ["1005", "4001"])  # a reserved service voucher; a purchased service
def test_organiser_closes_a_voucher_from_the_card(page, browser_login, number):
    call_command("load_demo")
    browser_login("jarjestaja", password="demo-salasana")

    result = close_from_the_card(page, number)

    assert Voucher.objects.get(number=number).closed_on == today()
    assert "Suljettu" in result.inner_text()
    assert result.get_by_role("link", name="Sulje ostovoima").count() == 0
