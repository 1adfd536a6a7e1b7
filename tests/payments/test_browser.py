"""Maksatus clicked through in Chromium: header link, start a month, approve, with htmx and axe."""

import datetime as dt
from decimal import Decimal as D

import pytest

from payments.models import PaymentRun
from tests.factories import OrganiserFactory, organiser_user
from tests.payments.scenarios import event, reservation_of

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

    page.get_by_role("button", name="Hyväksy maksatus").click()
    page.get_by_text("Maksatus hyväksytty").wait_for()
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.APPROVED
