"""Issue 21's walk in a browser, through the real local identity provider (psop.idp): an organiser's
admin invites a new person, the person opens the link and binds their identity by signing in at the
provider, sees the organiser's pages, and the audit row of their customer read names the method
"OpenID Connect". And a newcomer clicks "Kirjaudu Suomi.fi-tunnistuksella" and is in."""

import io
import re
import shutil

import pytest
from allauth.socialaccount.models import SocialAccount

from audit.models import AuditEntry
from identity.models import Invitation
from organisations.models import Membership
from psop.idp import TRAINING_PEOPLE, LocalIdP, dev_clients, dev_environment, ensure_installed
from tests.factories import VoucherFactory, organiser_user, provider_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def idp(live_server):
    if shutil.which("node") is None:
        pytest.skip("the local IdP needs Node.js: 'node' is not on the PATH")
    ensure_installed()
    with LocalIdP(clients=dev_clients(live_server.url), people=TRAINING_PEOPLE, output=io.StringIO()) as running:
        yield running


@pytest.fixture
def providers(idp, live_server, settings, monkeypatch):
    """PSOP's two development providers (suomifi, organisaatio) at the local IdP, as `make run` has them."""
    for name, value in dev_environment(idp, live_server.url).items():
        monkeypatch.setenv(name, value)
    from psop import settings as psop_settings

    providers = {**settings.SOCIALACCOUNT_PROVIDERS}
    providers["openid_connect"] = {**providers["openid_connect"],
                                   "APPS": [psop_settings._oidc_app(pid) for pid in ("suomifi", "organisaatio")]}
    settings.SOCIALACCOUNT_PROVIDERS = providers
    # The sign-in's and sign-out's redirects to the provider are form actions (psop/settings.py).
    settings.SECURE_CSP = {**settings.SECURE_CSP,
                           "form-action": [*settings.SECURE_CSP["form-action"], *psop_settings.oidc_origins(
                               providers["openid_connect"]["APPS"])]}


def _sign_in_at_the_idp(page, person_name):
    page.get_by_role("button", name=person_name).click()


def test_admin_invites__person_binds_identity__signs_in__customer_read_logged_as_openid_connect(
    page, browser_login, providers, live_server,
):
    admin = organiser_user(role=Membership.Role.ORGANISER_ADMIN, username="paakayttaja")
    organiser = admin.membership.organiser
    voucher = VoucherFactory(organiser=organiser)

    # The organiser's admin invites Uuno on the Organisaatio page.
    browser_login("paakayttaja")
    page.goto("/organisaatio/kayttajat/")
    page.get_by_role("link", name="Kutsu käyttäjä").click()
    page.get_by_label("Käyttäjätunnus").fill("uuno")
    page.get_by_label("Etunimi").fill("Uuno")
    page.get_by_label("Sukunimi").fill("Uusi")
    page.get_by_label("Rooli").select_option(label="Palvelunjärjestäjän käsittelijä")
    page.get_by_role("button", name="Luo kutsu").click()
    link = page.locator("#invitation-link").input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/kutsu/[\w-]+/", link)
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.wait_for_url("**/kirjaudu/")

    # Uuno opens the link and signs in at the provider: his identity is bound to the invited user.
    page.goto(link)
    assert page.get_by_role("heading", name="Kutsu PSOPiin").is_visible()
    page.get_by_role("button", name="Kirjaudu Suomi.fi-tunnistuksella").click()
    _sign_in_at_the_idp(page, "Uuno Uusi")
    page.wait_for_url("**/asiakas/")
    page.locator(".account-menu summary").click()  # the account menu: who, and how they signed in
    header = page.locator(".user-box").inner_text()
    assert "Uuno Uusi" in header and "Kirjautunut: OpenID Connect" in header and "korotettu taso" in header
    uuno = SocialAccount.objects.get(provider="suomifi", uid="uuno-uusi").user
    assert uuno.username == "uuno" and uuno.membership.organiser == organiser
    assert Invitation.objects.get(user=uuno).used_at is not None
    assert "urn:oid:1.2.246.21" not in str(SocialAccount.objects.get(user=uuno).extra_data)

    # He sees the organiser's pages, and his read of a customer is logged with how he signed in.
    assert page.get_by_role("link", name="Maksatus").is_visible()
    page.goto(f"/asiakkaat/{voucher.customer_id}/")
    assert voucher.customer.last_name in page.locator("main").inner_text()
    read = AuditEntry.objects.filter(user=uuno, action=AuditEntry.Action.READ).latest("id")
    assert read.auth_method.startswith("OpenID Connect (suomifi; acr http://ftn.ficora.fi/2017/loa2")

    # The link worked once.
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.goto(link)
    assert "Kutsulinkki ei kelpaa" in page.locator("main").inner_text()


def test_newcomer__clicks_suomifi__is_in(page, providers):
    """The training data's binding (load_demo: tuottaja = Tiina Tuottaja), one click at the provider."""
    tuottaja = provider_user(username="tuottaja")
    SocialAccount.objects.create(provider="suomifi", uid="tiina-tuottaja", user=tuottaja)
    page.goto("/kirjaudu/")
    page.get_by_role("button", name="Kirjaudu Suomi.fi-tunnistuksella").click()
    _sign_in_at_the_idp(page, "Tiina Tuottaja")
    page.wait_for_url("**/asiakas/")
    assert page.get_by_role("button", name="Tee uusi palveluvaraus").is_visible() or "Tee uusi palveluvaraus" in page.content()

    # Signing out ends the provider's session too (RP-initiated logout), back on PSOP's login page.
    page.get_by_role("button", name="Kirjaudu ulos").click()
    page.wait_for_url("**/kirjaudu/**")
    page.get_by_role("button", name="Kirjaudu Suomi.fi-tunnistuksella").click()
    assert page.get_by_role("button", name="Tiina Tuottaja").is_visible()  # asked again: not still signed in
