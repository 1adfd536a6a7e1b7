"""At 375 px (a phone) no page of the product scrolls sideways, list rows are cards with the main
action in view, the header is compact, and axe finds nothing (issue 13, item 10; static/psop.css).
In print, a voucher, a reservation and a payment run fit an A4 page without the page's controls
(item 20)."""

import datetime as dt

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from core.dates import today
from payments.models import PaymentRun
from reservations.models import Reservation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-salasana"
PHONE = {"width": 375, "height": 667}
# The width an A4 page leaves inside the print margins (210 mm - 2 × 12 mm) at 96 px/inch.
A4_INNER = {"width": 703, "height": 1000}

PROVIDER_PAGES = [
    "/asiakas/",
    "/asiakas/haku/?numero=1001",
    "/ostovoimat/1001/palveluvaraus/",
    "/asiakas/haku/?numero=2001",
    "/ostovoimat/2001/asiakkuus/",
    "/palveluvaraukset/",
    "/ostovoimat/",
    "/saldo-ostovoimat/",
    "/maksut/",
    "/organisaatio/kayttajat/",
    "/organisaatio/kayttajat/uusi/",
    "/organisaatio/osat/",
    "/organisaatio/toimipaikat/",
]
ORGANISER_PAGES = [
    "/asiakas/haku/?numero=1003",
    "/ostovoimat/1003/palveluvaraus/",
    "/palveluvaraukset/",
    "/ostovoimat/",
    "/saldo-ostovoimat/",
    "/tapahtumat/tarkastettavat/",
    "/maksatus/",
    "/loki/",
    "/organisaatio/kayttajat/",
]

OVERFLOW = "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"


@pytest.fixture
def phone(browser, live_server):
    call_command("load_demo")
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, username):
    page.goto("/kirjaudu/")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_url("**/asiakas/")


def assert_no_sideways_scroll(page, path):
    scroll_width, client_width = page.evaluate(OVERFLOW)
    assert scroll_width <= client_width, f"{path}: {scroll_width} px wide in a {client_width} px window"


def assert_axe_passes(axe, page, path):
    results = axe.run(page)
    assert results.violations_count == 0, f"{path}\n{results.generate_report()}"


def extra_pages():
    """Pages of rows the training data makes only now: a reservation's and an event form's."""
    reservation = Reservation.objects.get(voucher__number="1005")
    return [f"/palveluvaraukset/{reservation.pk}/", f"/palveluvaraukset/{reservation.pk}/tapahtuma/"]


@pytest.mark.parametrize(("username", "paths"), [("tuottaja", PROVIDER_PAGES), ("jarjestaja-paakayttaja", ORGANISER_PAGES)])
def test_phone_375px__no_page_scrolls_sideways_and_axe_passes(phone, axe, username, paths):
    log_in(phone, username)
    for path in [*paths, *extra_pages()]:
        response = phone.goto(path)
        assert response.status == 200, path
        assert_no_sideways_scroll(phone, path)
        assert_axe_passes(axe, phone, path)


def test_phone_375px__voucher_rows_are_cards_with_record_event_in_view_and_the_header_is_compact(phone):
    log_in(phone, "tuottaja")
    phone.goto("/ostovoimat/?haku=1005")
    row = phone.locator("#voucher-1005")
    record = row.get_by_role("link", name="Kirjaa tapahtuma 1005")
    box = record.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # A card: each figure labelled with its column's header.
    assert row.locator('[data-figure="left"]').get_attribute("data-label") == "Jäljellä"
    label = row.locator('[data-figure="left"]').evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Jäljellä"'
    header = phone.locator("header.site-header").bounding_box()
    assert header["height"] <= 0.16 * PHONE["height"]
    # The tabs a click away, opened by htmx: the new rows are cards too.
    phone.get_by_role("link", name="Palveluvaraukset", exact=True).click()
    phone.wait_for_url("**/palveluvaraukset/")
    expect(phone.locator("#reservation-results td[data-label='Asiakas']").first).to_be_visible()
    assert_no_sideways_scroll(phone, "/palveluvaraukset/ (htmx)")


def test_wide_screen__tables_stay_tables(page, browser_login):
    call_command("load_demo")
    browser_login("tuottaja", password=PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/ostovoimat/")
    assert page.locator("#voucher-1005").evaluate("row => getComputedStyle(row).display") == "table-row"


def computed_run_of_last_month(page, run_jobs) -> PaymentRun:
    """Last month's payment run, started on its page and computed as the worker would."""
    month = (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    page.goto("/maksatus/")
    page.get_by_label("Kuukausi", exact=True).fill(f"{month:%Y-%m}")
    page.get_by_role("button", name="Käynnistä maksatus").click()
    page.get_by_text(f"Maksatus {month.month}/{month.year} käynnistetty").wait_for()
    assert run_jobs() == 1
    return PaymentRun.objects.get(month=month, organiser__name="Esimerkin hyvinvointialue")


def print_view(page, path):
    page.set_viewport_size(A4_INNER)
    page.emulate_media(media="print")
    response = page.goto(path)
    assert response.status == 200, path
    assert_no_sideways_scroll(page, f"{path} (print)")
    for hidden in ("nav.tabs", ".user-box", ".language-form", "form", ".actions", "p.hint"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    # Issue 23: the day it was printed, above the content.
    printed = page.evaluate("() => getComputedStyle(document.getElementById('main'), '::before').content")
    day = today()
    assert printed.startswith(f'"Tulostettu {day.day}.{day.month}.{day.year} '), printed


def test_print__voucher_card_reservation_and_payment_run_fit_a4_without_controls(page, browser_login, run_jobs):
    call_command("load_demo")
    browser_login("jarjestaja", password=PASSWORD)

    print_view(page, "/asiakas/haku/?numero=1005")
    expect(page.get_by_role("heading", name="Ostovoima 1005")).to_be_visible()

    reservation = Reservation.objects.get(voucher__number="1005")
    print_view(page, f"/palveluvaraukset/{reservation.pk}/")
    expect(page.get_by_text("Palveluvaraus 1005").first).to_be_visible()

    page.emulate_media(media="screen")
    run = computed_run_of_last_month(page, run_jobs)
    print_view(page, f"/maksatus/{run.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{run.month.month}/{run.month.year}")
    assert page.locator("table.data").count() >= 1
