"""The voucher lookup in "Asiakas": one and the same answer for every reason a voucher is not shown."""

import re

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.dates import today
from organisations.models import Membership
from tests.factories import (
    OrganiserFactory,
    PriceListFactory,
    ProviderFactory,
    ReservationFactory,
    ServiceAgreementFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from tests.reservations.scenarios import reservable_voucher, rival_provider
from vouchers.models import VoucherKind

pytestmark = pytest.mark.django_db

LOOKUP = reverse("vouchers:lookup")
FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lookup-result"}
NOT_FOUND = "Ostovoiman tietoja ei löydy"


def lookup(client, number, **headers):
    return client.get(LOOKUP, {"numero": number}, **headers)


def without_per_request_tokens(html: str) -> str:
    """The CSRF token, the CSP nonce and the session's seconds left (psop.sessions) differ on every
    response, whatever the answer."""
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce="|data-idle-left="|data-absolute-left=")[^"]+',
                  r"\1", html)


def test_voucher_lookup__provider_with_agreement_and_price_list__sees_voucher_customer_and_contents(login):
    scene = reservable_voucher()
    response = lookup(login(scene.provider_user), scene.voucher.number)
    html = response.content.decode()
    assert response.status_code == 200
    assert scene.voucher.customer.full_name in html
    assert scene.voucher.customer.masked_henkilotunnus in html
    assert scene.voucher.customer.henkilotunnus not in html
    assert scene.voucher.customer.municipality in html
    for row in scene.contents:
        assert row.content.name in html
    assert "Tee palveluvaraus" in html
    assert NOT_FOUND not in html


def test_voucher_lookup__found__customer_read_written_to_audit_log(login):
    scene = reservable_voucher()
    lookup(login(scene.provider_user), scene.voucher.number)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.READ)
    assert entry.customer_id == scene.voucher.customer_id
    assert entry.user == scene.provider_user


def test_voucher_lookup__missing_other_organisers_and_unpriced__identical_answers(login):
    """The same number in three worlds: it does not exist, it is another organiser's, no agreement."""
    provider = ProviderFactory()
    user = provider_user(provider)
    client = login(user)
    number = "4242424242"
    answers = {}

    answers["missing"] = lookup(client, number)
    answers["missing_fragment"] = lookup(client, number, **FRAGMENT)

    voucher = VoucherFactory(number=number)  # another organiser's: the provider has no agreement with it
    VoucherContentFactory(voucher=voucher)
    other_organiser = OrganiserFactory()
    ServiceAgreementFactory(organiser=other_organiser, provider=provider, service=voucher.service)
    answers["other_organiser"] = lookup(client, number)
    answers["other_organiser_fragment"] = lookup(client, number, **FRAGMENT)

    # An agreement with the voucher's own organiser, but no price list.
    ServiceAgreementFactory(organiser=voucher.organiser, provider=provider, service=voucher.service)
    answers["no_price_list"] = lookup(client, number)
    answers["no_price_list_fragment"] = lookup(client, number, **FRAGMENT)

    full = {key: value for key, value in answers.items() if not key.endswith("fragment")}
    fragments = {key: value for key, value in answers.items() if key.endswith("fragment")}
    assert {r.status_code for r in answers.values()} == {200}
    assert len({without_per_request_tokens(r.content.decode()) for r in full.values()}) == 1
    assert len({r.content for r in fragments.values()}) == 1
    body = answers["missing_fragment"].content.decode()
    assert NOT_FOUND in body
    assert "tarkista syöttämäsi numero" in body
    assert "palvelusopimusta tai hinnastoa" in body
    assert "yhteyttä" in body
    assert AuditEntry.objects.count() == 0


def test_voucher_lookup__expired_price_list__same_not_found_answer(login):
    scene = reservable_voucher(priced=False)
    agreement = ServiceAgreementFactory(organiser=scene.organiser, provider=scene.provider, service=scene.voucher.service)
    PriceListFactory(agreement=agreement, valid_from=agreement.valid_from, valid_to=today().replace(year=today().year - 1))
    response = lookup(login(scene.provider_user), scene.voucher.number, **FRAGMENT)
    assert NOT_FOUND in response.content.decode()


def test_voucher_lookup__number_with_spaces_around_and_inside__found(login):
    scene = reservable_voucher(number="12345678")
    response = lookup(login(scene.provider_user), "  1234 5678 \t", **FRAGMENT)
    assert scene.voucher.customer.full_name in response.content.decode()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Syötä ostovoiman numero."),
        ("    ", "Syötä ostovoiman numero."),
        ("abc", "Ostovoiman numerossa voi olla vain numeroita."),
        ("10O1", "Ostovoiman numerossa voi olla vain numeroita."),
        ("1" * 10_000, "Ostovoiman numero on enintään 20 numeroa pitkä."),
        ("a" * 10_000, "Ostovoiman numero on enintään 20 numeroa pitkä."),
        ("1001'; DROP TABLE x;--", "Ostovoiman numerossa voi olla vain numeroita."),
    ],
)
def test_voucher_lookup__empty_or_absurd_input__clear_finnish_message_not_500(login, typed, message):
    client = login(provider_user())
    for headers in ({}, FRAGMENT):
        response = lookup(client, typed, **headers)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert NOT_FOUND not in response.content.decode()


def test_voucher_lookup__null_character__refused_with_a_message_not_500(login):
    client = login(provider_user())
    response = lookup(client, "10\x0001", **FRAGMENT)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert NOT_FOUND not in response.content.decode()


def test_voucher_lookup__no_number_parameter__asks_for_the_number(login):
    response = login(provider_user()).get(LOOKUP)
    assert response.status_code == 200
    assert "Syötä ostovoiman numero." in response.content.decode()


def test_voucher_lookup__organiser_staff__sees_any_voucher_of_own_organiser(login):
    scene = reservable_voucher(priced=False)
    response = lookup(login(scene.organiser_user), scene.voucher.number, **FRAGMENT)
    assert scene.voucher.customer.full_name in response.content.decode()


def test_voucher_lookup__organiser_staff__another_organisers_voucher_not_found(login):
    scene = reservable_voucher()
    response = lookup(login(organiser_user()), scene.voucher.number, **FRAGMENT)
    assert NOT_FOUND in response.content.decode()
    assert scene.voucher.customer.full_name not in response.content.decode()


def test_voucher_lookup__htmx_aimed_at_result__fragment_only(login):
    scene = reservable_voucher()
    response = lookup(login(scene.provider_user), scene.voucher.number, **FRAGMENT)
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="lookup-result"')
    assert "HX-Request" in response["Vary"]


def test_voucher_lookup__plain_get_or_boosted__full_page(login):
    scene = reservable_voucher()
    client = login(scene.provider_user)
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true", "HTTP_HX_TARGET": "lookup-result"}):
        html = lookup(client, scene.voucher.number, **headers).content.decode()
        assert "<html" in html
        assert 'id="lookup-result"' in html


def test_voucher_lookup__login_required(client):
    response = client.get(LOOKUP, {"numero": "1001"})
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_voucher_lookup__post__method_not_allowed(login):
    assert login(provider_user()).post(LOOKUP, {"numero": "1001"}).status_code == 405


# --- What the card says about the reservation ---


def test_voucher_card__reserved_by_another_provider__says_reserved_without_naming_holder(login):
    scene = reservable_voucher()
    ReservationFactory(voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider)
    _, rival_user = rival_provider(scene)
    html = lookup(login(rival_user), scene.voucher.number, **FRAGMENT).content.decode()
    assert "Ostovoima on jo varattu." in html
    assert scene.provider.name not in html
    assert "Tee palveluvaraus" not in html


def test_voucher_card__reserved__organiser_sees_who_holds_it(login):
    scene = reservable_voucher()
    ReservationFactory(voucher=scene.voucher, voucher_content=scene.content, provider=scene.provider)
    html = lookup(login(scene.organiser_user), scene.voucher.number, **FRAGMENT).content.decode()
    assert f"Ostovoima on varattu: {scene.provider.name}" in html
    assert "Tee palveluvaraus" not in html


def test_voucher_card__closed_voucher__provider_told_it_cannot_reserve(login):
    scene = reservable_voucher(closed_days_ago=3)
    html = lookup(login(scene.provider_user), scene.voucher.number, **FRAGMENT).content.decode()
    assert "eikä palveluntuottaja voi enää varata sitä" in html
    assert "Tee palveluvaraus" not in html


def test_voucher_card__closed_30_days__organiser_offered_the_reservation(login):
    scene = reservable_voucher(closed_days_ago=30)
    html = lookup(login(scene.organiser_user), scene.voucher.number, **FRAGMENT).content.decode()
    assert "Tee palveluvaraus" in html


def test_voucher_card__recorder__not_offered_the_reservation(login):
    scene = reservable_voucher()
    recorder = provider_user(scene.provider, role=Membership.Role.RECORDER)
    html = lookup(login(recorder), scene.voucher.number, **FRAGMENT).content.decode()
    assert scene.voucher.customer.full_name in html
    assert "Tee palveluvaraus" not in html


def test_voucher_card__capitation_voucher__offers_luo_asiakkuus_not_reservation(login):
    scene = reservable_voucher(kind=VoucherKind.CAPITATION)
    html = lookup(login(scene.provider_user), scene.voucher.number, **FRAGMENT).content.decode()
    assert "Luo asiakkuus" in html
    assert "Tee palveluvaraus" not in html
