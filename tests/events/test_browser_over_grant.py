"""Issue 13, item 13 in Chromium: recording past the grant warns before saving ("Kirjaa silti")
and says after saving that the event goes to the organiser's review."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from events.models import Event, EventStatus

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

WARNING = "ylittää myönnetyn määrän: menee palvelunjärjestäjän tarkastettavaksi"


def test_recording_past_the_grant__warned_first_then_saved_for_review(page, browser_login):
    call_command("load_demo")
    before = Event.objects.filter(reservation__voucher__number="1005").count()
    browser_login("tuottaja", password="demo-salasana")

    page.get_by_role("link", name="Ostovoimat", exact=True).click()
    page.get_by_label("Hae ostovoiman numerolla tai asiakkaan nimellä").fill("1005")
    page.get_by_role("button", name="Hae").click()
    page.wait_for_url(re.compile(r"haku=1005"))
    page.locator("#voucher-1005").get_by_role("link", name=re.compile("Kirjaa tapahtuma")).click()
    expect(page.get_by_role("heading", name="Kirjaa tapahtuma")).to_be_visible()

    page.locator("#id_maara").fill("500")
    page.get_by_role("button", name="Kirjaa tapahtuma").click()

    warning = page.locator("#over-grant-warning")
    expect(warning).to_contain_text(WARNING)
    assert Event.objects.filter(reservation__voucher__number="1005").count() == before  # nothing saved yet
    expect(page.locator("#id_maara")).to_have_value("500")

    page.get_by_role("button", name="Kirjaa silti").click()
    expect(page.get_by_role("status").filter(has_text="Tapahtuma kirjattu.")).to_contain_text(WARNING)
    newest = Event.objects.filter(reservation__voucher__number="1005").latest("id")
    assert newest.quantity == 500 and newest.status == EventStatus.UNDER_REVIEW
