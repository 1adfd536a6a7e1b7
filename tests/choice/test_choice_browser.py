"""Issue 25's walk in a browser, through the real local identity provider: the training customer of
voucher 1001 (Aino Virtanen) identifies, sees voucher 1001 and its figures, compares with it and
chooses Hoiva Esimerkki Oy; `tuottaja` sees the choice under Palveluvaraukset and reserves; the
customer sees the reservation."""

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from reservations.models import Reservation
from tests.identity.test_identity_browser import idp, providers  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_customer_of_1001__identifies_compares_chooses__provider_reserves__customer_sees_it(
    page, browser_login, providers,  # noqa: F811
):
    call_command("load_demo")
    # Aino identifies through the identity provider (Suomi.fi in `make run`).
    page.goto("/omat-palvelusetelit/")
    page.get_by_role("button", name="Tunnistaudu: Kirjaudu Suomi.fi-tunnistuksella").click()
    page.get_by_role("button", name="Aino Virtanen").click()
    page.wait_for_url("**/omat-palvelusetelit/")
    main = page.locator("main").inner_text()
    assert "1001" in main and "Kotihoito" in main and "ei vielä valittu" in main
    assert AuditEntry.objects.filter(organisation="asiakas itse", action="read").exists()

    # She compares with her own voucher's value and chooses Hoiva Esimerkki Oy.
    page.locator("#voucher-1001").locator("..").get_by_role("link", name="Vertaile tällä setelillä").first.click()
    page.wait_for_url("**/vertaile/**seteli=1001**")
    offer = page.locator("li.offer", has=page.get_by_role("heading", name="Hoiva Esimerkki Oy"))
    offer.get_by_role("button", name="Valitse tämä palveluntuottaja").click()
    page.wait_for_url("**/omat-palvelusetelit/")
    assert "Valinta odottaa palveluntuottajan vahvistusta" in page.locator("main").inner_text()
    page.get_by_role("button", name="Kirjaudu ulos").click()

    # tuottaja sees the choice on Palveluvaraukset and makes the reservation with the existing flow.
    browser_login("tuottaja", "demo-salasana")
    page.goto("/palveluvaraukset/")
    page.get_by_role("link", name="Asiakkaan valinnat").click()
    page.wait_for_url("**/palveluvaraukset/valinnat/")
    assert "1001" in page.locator("main").inner_text()
    page.get_by_role("link", name="Tee palveluvaraus").click()
    page.wait_for_url("**/ostovoimat/1001/palveluvaraus/")
    page.locator("input[name=palvelusisalto]").first.check()
    page.locator("input[name=hyvaksyn]").check()
    page.get_by_role("button", name="Lähetä palveluvaraus").click()
    page.get_by_text("Ostovoima 1001 on nyt varattu.").wait_for()
    assert Reservation.objects.filter(voucher__number="1001", provider__name="Hoiva Esimerkki Oy").exists()
    page.goto("/palveluvaraukset/valinnat/")
    assert "Ei odottavia valintoja." in page.locator("main").inner_text()
    page.get_by_role("button", name="Kirjaudu ulos").first.click()

    # Aino identifies again (the identity provider remembers her: no button to press) and sees her
    # provider.
    page.goto("/omat-palvelusetelit/")
    page.get_by_role("button", name="Tunnistaudu: Kirjaudu Suomi.fi-tunnistuksella").click()
    page.wait_for_load_state("networkidle")
    if "/omat-palvelusetelit/" not in page.url:
        page.get_by_role("button", name="Aino Virtanen").click()
        page.wait_for_url("**/omat-palvelusetelit/")
    main = page.locator("main").inner_text()
    assert "Hoiva Esimerkki Oy" in main and "odottaa" not in main
