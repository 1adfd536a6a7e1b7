"""Maksut in Chromium on a phone: the header link, the expected amount, the chart drawn within the
screen under the Content-Security-Policy, a run's own lines; axe finds nothing serious."""

import datetime as dt
from decimal import Decimal as D

import pytest

from events.models import EventStatus
from payments.models import Payment, PaymentLine, PaymentRun
from tests.factories import OrganiserFactory, ProviderFactory, organiser_user, provider_user
from tests.payments.scenarios import event, reservation_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_maksut__a_provider_admin_on_a_375_px_phone(page, browser_login, axe):
    organiser, provider = OrganiserFactory(), ProviderFactory(name="Puhelin Hoiva Oy")
    staff = organiser_user(organiser)
    provider_user(provider, username="tuottaja-puhelin")
    reservation = reservation_of(organiser, provider=provider)
    last_month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    paid = event(reservation, day=last_month, share=D("1234.50"), status=EventStatus.SETTLED)
    # Written as a computed run is (the job's engine cannot run beside Playwright's event loop).
    run = PaymentRun.objects.create(organiser=organiser, month=last_month, status=PaymentRun.Status.READY,
                                    progress=100, created_by=staff)
    payment = Payment.objects.create(run=run, provider=provider, amount=paid.voucher_share)
    PaymentLine.objects.create(payment=payment, event=paid, amount=paid.voucher_share, for_month=last_month)
    problems = []
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.set_viewport_size({"width": 375, "height": 812})

    browser_login("tuottaja-puhelin")
    page.get_by_role("link", name="Maksut", exact=True).click()
    page.get_by_role("heading", name="Maksut", exact=True).wait_for()

    chart = page.get_by_role("img", name="Maksut kuukausittain, viimeiset 12 kuukautta")
    box = chart.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375 and box["height"] > 100
    assert page.locator("svg.bar-chart rect.chart-bar").count() == 12
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    violations = axe.run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")], violations

    page.get_by_role("link", name=f"{last_month.month}/{last_month.year}").click()
    page.get_by_role("heading", name=f"Maksut {last_month.month}/{last_month.year}").wait_for()
    assert page.url.endswith(f"/maksut/{run.pk}/")
    assert "1\xa0234,50\xa0€" in page.locator("#panel").inner_text()
    assert not problems, problems  # e.g. a Content-Security-Policy refusal
