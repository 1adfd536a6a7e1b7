"""A customer identifies through an identity provider for real (the local IdP, psop.idp): the
henkilötunnus claim finds the customer, no identity or user is stored, nobody signs in, and the
session keeps the customer's id, never the henkilötunnus (issue 25, item 2)."""

import datetime as dt

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session

from demo.identifiers import make_henkilotunnus
from psop.idp import TRAINING_PEOPLE
from tests.factories import CustomerFactory, VoucherContentFactory, VoucherFactory
from tests.identity.conftest import PROVIDER_ID, UUNOS_HETU, at_idp, idp, signed_in_user_id, with_idp  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
CUSTOMER_LOGIN = f"/asiakas/tunnistaudu/{PROVIDER_ID}/"


def _identify(client, sub: str):
    response = client.post(CUSTOMER_LOGIN)
    assert response.status_code == 302, response.content[:300]
    return client.get(at_idp(response["Location"], sub))


def test_customer_identifies__sees_own_voucher__nothing_stored_and_nobody_signed_in(client, with_idp):
    customer = CustomerFactory(henkilotunnus=UUNOS_HETU, last_name="Uusi")
    voucher = VoucherFactory(customer=customer)
    VoucherContentFactory(voucher=voucher)
    users_before = get_user_model().objects.count()

    response = _identify(client, "uuno-uusi")

    assert response.status_code == 302 and response["Location"] == "/omat-palvelusetelit/"
    assert voucher.number in client.get("/omat-palvelusetelit/").content.decode()
    assert signed_in_user_id(client) is None
    assert SocialAccount.objects.count() == 0 and get_user_model().objects.count() == users_before
    stored = " ".join(session.session_data + str(session.get_decoded()) for session in Session.objects.all())
    assert UUNOS_HETU not in stored and UUNOS_HETU[:6] not in stored


def test_person_in_no_register__sinulla_ei_ole_palveluseteleita(client, with_idp):
    response = _identify(client, "uuno-uusi")  # no customer carries Uuno's henkilötunnus
    assert response["Location"] == "/omat-palvelusetelit/"
    assert "Sinulla ei ole palveluseteleitä PSOPissa" in client.get("/omat-palvelusetelit/").content.decode()


def test_staff_sign_in_after_an_abandoned_customer_identification__is_a_staff_sign_in(client, with_idp):
    """The customer's mark is taken off when a user's sign-in begins."""
    client.post(CUSTOMER_LOGIN)
    response = client.post(f"/tili/oidc/{PROVIDER_ID}/login/", {"process": "login"})
    assert "psop_customer_sign_in" not in client.session
    assert response.status_code == 302


def test_training_customer__carries_the_henkilotunnus_of_voucher_1001s_customer():
    """load_demo's customer 1 (Aino Virtanen, voucher 1001) is the local IdP's aino-virtanen."""
    aino = next(person for person in TRAINING_PEOPLE if person.sub == "aino-virtanen")
    birth = dt.date(1928, 1, 1) + dt.timedelta(days=379 % 26000)
    assert aino.hetu == make_henkilotunnus(birth, 901) and aino.username is None
