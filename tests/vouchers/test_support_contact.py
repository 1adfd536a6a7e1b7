"""Issue 13, item 15: "Ostovoiman tietoja ei löydy" names the user's own organisers' PSOP support
contacts (the seed's "Ota ongelmatilanteissa yhteyttä … PSOP-tukeen"), never the looked-up
voucher's, so that the answer stays identical for a missing number and someone else's voucher."""


import pytest
from django.urls import reverse

from tests.factories import (
    OrganiserFactory,
    ProviderFactory,
    ServiceAgreementFactory,
    VoucherContentFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from tests.reservations.test_lookup import without_per_request_tokens

pytestmark = pytest.mark.django_db

LOOKUP = reverse("vouchers:lookup")
FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lookup-result"}
SEED_LINE = "Ota ongelmatilanteissa yhteyttä ostovoiman myöntäjään tai oman palvelunjärjestäjäsi PSOP-tukeen."


def lookup(client, number, **headers):
    return client.get(LOOKUP, {"numero": number}, **headers).content.decode()


def test_not_found__provider__its_agreement_organisers_contacts_not_the_vouchers(login):
    own = OrganiserFactory(name="Oma hyvinvointialue", support_contact="PSOP-tuki: tuki@oma.example")
    foreign = OrganiserFactory(name="Vieras hyvinvointialue", support_contact="PSOP-tuki: tuki@vieras.example")
    provider = ProviderFactory()
    client = login(provider_user(provider))
    service_voucher = VoucherFactory.build(organiser=foreign)  # only for its service
    service_voucher.service.save()
    ServiceAgreementFactory(organiser=own, provider=provider, service=service_voucher.service)

    missing, missing_page = lookup(client, "5151", **FRAGMENT), lookup(client, "5151")
    voucher = VoucherFactory(organiser=foreign, number="5151", service=service_voucher.service)
    VoucherContentFactory(voucher=voucher)
    someone_elses, someone_elses_page = lookup(client, "5151", **FRAGMENT), lookup(client, "5151")

    assert someone_elses == missing
    assert without_per_request_tokens(someone_elses_page) == without_per_request_tokens(missing_page)
    assert SEED_LINE in missing
    assert "Oma hyvinvointialue" in missing and "tuki@oma.example" in missing
    assert "tuki@vieras.example" not in missing and "Vieras hyvinvointialue" not in missing


def test_not_found__organiser__its_own_contact(login):
    own = OrganiserFactory(support_contact="PSOP-tuki: 010 000 0000")
    OrganiserFactory(support_contact="PSOP-tuki: 020 000 0000")
    html = lookup(login(organiser_user(own)), "999999", **FRAGMENT)
    assert "010 000 0000" in html and "020 000 0000" not in html


def test_not_found__no_contact_recorded__only_the_seed_line(login):
    provider = ProviderFactory()
    html = lookup(login(provider_user(provider)), "999999", **FRAGMENT)
    assert SEED_LINE in html and "Palvelunjärjestäjien yhteystiedot" not in html


def test_admin__support_contact_editable(admin_client):
    organiser = OrganiserFactory()
    html = admin_client.get(reverse("admin:organisations_organiser_change", args=[organiser.pk])).content.decode()
    assert 'name="support_contact"' in html


def test_demo__training_organisers_have_support_contacts():
    from django.core.management import call_command

    from organisations.models import Organiser

    call_command("load_demo", verbosity=0)
    assert not Organiser.objects.filter(support_contact="").exists()
