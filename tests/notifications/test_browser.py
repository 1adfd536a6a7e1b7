"""Issue 13, item 21 in Chromium: the organiser rejects a provider's event; the provider sees the
badge, reads "Ilmoitukset" (axe: no violations) and marks them read."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from events.models import Event, EventStatus
from events.services import event_review
from organisations.models import Membership

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_provider_sees_the_badge_reads_the_list_and_marks_it_read(page, browser_login, axe):
    call_command("load_demo")
    event = Event.objects.filter(reservation__voucher__number="1005").order_by("id").first()
    Event.objects.filter(pk=event.pk).update(status=EventStatus.UNDER_REVIEW)
    staff = Membership.objects.get(user__username="jarjestaja").user
    event_review(user=staff, event_id=event.pk, approve=False, reason="Käynti on kirjattu kahdesti")

    browser_login("tuottaja", "demo-salasana")
    link = page.get_by_role("link", name="Ilmoitukset")
    expect(link).to_contain_text("1")
    link.click()
    expect(page.get_by_role("heading", name="Ilmoitukset", exact=True)).to_be_visible()
    expect(page.locator(".notification-list")).to_contain_text("Käynti on kirjattu kahdesti")
    expect(page.locator(".notification-list")).to_contain_text("1005")
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()

    page.get_by_role("button", name="Merkitse luetuiksi").click()
    expect(page.get_by_role("status").filter(has_text="Ilmoitukset merkitty luetuiksi.")).to_be_visible()
    expect(page.locator("header").get_by_role("link", name="Ilmoitukset")).not_to_contain_text("1")
    page.reload()
    expect(page.locator("header .badge")).to_have_count(0)
