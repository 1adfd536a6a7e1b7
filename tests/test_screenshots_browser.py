"""The README's screenshots, taken from the training data so that they stay current (issue 13, item 22).

The test walks the four tabs and a payment run and checks what each shows; with PSOP_SCREENSHOTS=1
it also writes docs/screenshots/*.png (1280 × 800), so that ``make test`` leaves the tree as it was:

    PSOP_SCREENSHOTS=1 .venv/bin/python -m psop.devdb exec -- .venv/bin/python -m pytest tests/test_screenshots_browser.py
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from core.dates import today
from payments.models import PaymentRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-salasana"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
VIEWPORT = {"width": 1280, "height": 800}


@pytest.fixture
def shoot(browser, live_server):
    """A page in a desktop window, and ``snap(name)`` that writes it when PSOP_SCREENSHOTS=1."""
    call_command("load_demo")
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=VIEWPORT)
    page = context.new_page()
    page.set_default_timeout(10_000)
    write = os.environ.get("PSOP_SCREENSHOTS") == "1"

    def snap(name):
        page.mouse.move(0, 0)  # no hover on what the screenshot shows
        if write:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}.png", animations="disabled", caret="hide")

    yield page, snap
    context.close()


def log_in(page, username):
    page.goto("/kirjaudu/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_url("**/asiakas/")


def open_tab(page, name):
    page.get_by_role("link", name=name, exact=True).click()
    expect(page.locator("nav.tabs a[aria-current=page]")).to_have_text(name)


def test_screenshots__four_tabs_and_a_payment_run_from_the_training_data(shoot, run_jobs):
    page, snap = shoot
    log_in(page, "tuottaja")

    page.get_by_label("Ostovoiman numero").fill("1001")
    page.get_by_role("button", name="Hae").click()
    expect(page.get_by_role("heading", name="Ostovoima 1001")).to_be_visible()
    expect(page.locator("#lookup-result")).to_contain_text("Virtanen Aino")
    expect(page.get_by_role("link", name="Tee palveluvaraus")).to_be_visible()
    snap("asiakas")

    open_tab(page, "Palveluvaraukset")
    expect(page.get_by_role("heading", name="Palveluvaraukset", level=1)).to_be_visible()
    expect(page.locator("#reservation-results a.toggle").first).to_be_visible()
    assert page.locator("#reservation-results tbody").count() >= 10
    snap("palveluvaraukset")

    open_tab(page, "Ostovoimat")
    expect(page.get_by_role("heading", name="Ostovoimat", level=1)).to_be_visible()
    expect(page.locator("#voucher-1005")).to_contain_text("Kirjaa tapahtuma")
    snap("ostovoimat")

    open_tab(page, "Saldo-ostovoimat")
    expect(page.get_by_role("heading", name="Saldo-ostovoimat", level=1)).to_be_visible()
    expect(page.locator("#voucher-3001")).to_contain_text("€")
    snap("saldo-ostovoimat")

    # The organiser's payment run of the month that ended, computed by the (in-test) worker.
    page.context.clear_cookies()
    log_in(page, "jarjestaja")
    month = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page.get_by_role("link", name="Maksatus", exact=True).click()
    page.get_by_label("Kuukausi", exact=True).fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="Käynnistä maksatus").click()
    page.get_by_text(f"Maksatus {month.month}/{month.year} käynnistetty").wait_for()
    assert run_jobs() == 1
    page.get_by_role("button", name="Hyväksy maksatus").wait_for()
    run = PaymentRun.objects.get(organiser__name="Esimerkin hyvinvointialue", month=month)
    assert run.status == PaymentRun.Status.READY
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{month.month}/{month.year}")
    expect(page.locator("#panel")).to_contain_text("Hoiva Esimerkki Oy")
    snap("maksatus")
