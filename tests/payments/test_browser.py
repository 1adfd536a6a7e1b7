"""Maksatus clicked through in Chromium: header link, start a month, approve, with htmx and axe."""

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal as D

import pytest

from events.models import EventStatus
from payments.models import PaymentLine, PaymentRun
from tests.factories import PASSWORD, OrganiserFactory, organiser_user
from tests.payments.scenarios import event, reservation_of, start_and_compute

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_payment_run_flow__start_a_month_watch_it_computed_and_approve(page, browser_login, axe, run_jobs):
    organiser = OrganiserFactory()
    user = organiser_user(organiser, username="maksaja")
    reservation = reservation_of(organiser)
    event(reservation, day=dt.date(2025, 6, 3), share=D("15.00"))
    event(reservation, day=dt.date(2025, 6, 4), share=D("22.50"))

    browser_login(user.username)
    page.get_by_role("link", name="Maksatus").click()
    page.get_by_role("heading", name="Maksatus").wait_for()
    page.get_by_label("Kuukausi", exact=True).fill("2025-06")
    page.get_by_role("button", name="Käynnistä maksatus").click()

    page.get_by_text("Maksatus 6/2025 käynnistetty; se lasketaan taustalla.").wait_for()
    run = PaymentRun.objects.get(organiser=organiser)
    assert page.url.endswith(f"/maksatus/{run.pk}/")
    assert "Odottaa taustatyötä" in page.locator("#panel").inner_text()

    assert run_jobs() == 1  # the background worker computes it; the page, polling, shows the result
    page.get_by_role("button", name="Hyväksy maksatus").wait_for()
    assert "Valmis tarkastettavaksi" in page.locator("#panel").inner_text()
    assert "37,50\xa0€" in page.locator("#panel").inner_text()
    violations = axe.run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")], violations

    # Issue 23, item 4: approving asks first, naming the month and the sum; Peruuta changes nothing.
    page.get_by_role("button", name="Hyväksy maksatus").click()
    question = page.get_by_role("heading", name="Hyväksy maksatus 6/2025: 37,50\xa0€?")
    question.wait_for()
    assert page.evaluate("() => document.activeElement.closest('[role=alert]') !== null")
    violations = axe.run(page).response["violations"]
    assert not violations, violations
    page.get_by_role("link", name="Peruuta").click()
    page.get_by_role("button", name="Hyväksy maksatus").wait_for()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.READY

    page.get_by_role("button", name="Hyväksy maksatus").click()
    page.get_by_role("button", name="Vahvista").click()
    page.get_by_text("Maksatus hyväksytty").wait_for()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.APPROVED

    page.get_by_role("button", name="Merkitse maksetuksi").click()
    page.get_by_role("heading", name="Merkitse maksatus 6/2025 maksetuksi: 37,50\xa0€?").wait_for()
    assert not run_events_paid(run)
    page.get_by_role("button", name="Vahvista").click()
    page.get_by_text("2 tapahtumaa merkitty maksetuiksi.").wait_for()
    assert run_events_paid(run) == 2


def test_payment_run__approve_without_javascript__asks_on_a_page_of_its_own(browser, live_server, run_jobs):
    organiser = OrganiserFactory()
    user = organiser_user(organiser, username="ilman-js")
    event(reservation_of(organiser), day=dt.date(2025, 6, 3), share=D("15.00"))
    # Playwright's event loop runs in this thread; procrastinate's sync defer needs a thread without one.
    with ThreadPoolExecutor(1) as pool:
        run = pool.submit(start_and_compute, user=user, month=dt.date(2025, 6, 1)).result()
    context = browser.new_context(base_url=live_server.url, locale="fi-FI", java_script_enabled=False)
    page = context.new_page()
    page.goto("/kirjaudu/")
    page.get_by_label("Käyttäjätunnus").fill(user.username)
    page.get_by_label("Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.goto(f"/maksatus/{run.pk}/")
    page.get_by_role("button", name="Hyväksy maksatus").click()
    page.get_by_role("heading", name="Hyväksy maksatus 6/2025: 15,00\xa0€?").wait_for()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.READY
    page.get_by_role("button", name="Vahvista").click()
    page.get_by_text("Maksatus hyväksytty").wait_for()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.APPROVED
    context.close()


def run_events_paid(run) -> int:
    return PaymentLine.objects.filter(payment__run=run, event__status=EventStatus.PAID).count()
