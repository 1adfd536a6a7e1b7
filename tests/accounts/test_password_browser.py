"""Issue 14, item 7, as a person clicks it: a new user's first login ends on the change page, and
after choosing their own password the product opens."""

import pytest
from playwright.sync_api import expect

from organisations import services
from organisations.models import Membership
from tests.factories import ProviderFactory, provider_user

TYPED = "Ylläpitäjän-antama-2026"
OWN = "Oma-uusi-salasana-2026"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_browser__first_login_with_an_admin_typed_password__change_it_then_work(page, axe):
    admin = provider_user(ProviderFactory(), username="p-admin")
    services.org_user_create(user=admin, username="uusi", first_name="Uuno", last_name="Uusi", email="",
                             role=Membership.Role.RECORDER, password=TYPED)
    page.goto("/kirjaudu/")
    expect(page.get_by_role("link", name="Unohtuiko salasana?")).to_be_visible()
    page.get_by_label("Käyttäjätunnus").fill("uusi")
    page.get_by_label("Salasana").fill(TYPED)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.wait_for_url("**/salasana/vaihda/")
    expect(page.get_by_text("Ylläpitäjä on asettanut salasanasi")).to_be_visible()
    axe_results = axe.run(page)
    assert axe_results.violations_count == 0, axe_results.generate_report()

    page.goto("/palveluvaraukset/")
    page.wait_for_url("**/salasana/vaihda/")

    page.get_by_label("Vanha salasana").fill(TYPED)
    page.get_by_label("Uusi salasana", exact=True).fill(OWN)
    page.get_by_label("Uusi salasana uudelleen").fill(OWN)
    page.get_by_role("button", name="Vaihda salasana").click()
    page.wait_for_url("**/salasana/vaihda/valmis/")
    page.get_by_role("link", name="Jatka PSOP:iin").click()
    page.wait_for_url("**/asiakas/")
