"""Omat palvelusetelini (issue 25, item 2): after strong identification the customer sees their own
vouchers across organisers, and each read is audited as the customer's own."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.contrib.auth.models import AnonymousUser

from audit.models import AuditEntry
from core.dates import today
from identity import customers
from tests.customers.scenarios import capitation_voucher, customership_at, serving_office
from tests.events.scenarios import priced_reservation
from tests.factories import CustomerFactory, EventFactory, VoucherContentFactory, VoucherFactory, provider_user
from tests.security.urlmap import CustomerSession

pytestmark = pytest.mark.django_db
URL = "/omat-palvelusetelit/"
NO_VOUCHERS = "Sinulla ei ole palveluseteleitä PSOPissa"


def _identified(client, customer_id):
    CustomerSession(customer_id).enter(client)
    return client


def _customer_with_vouchers():
    reservation = priced_reservation(unit_price=Decimal("25.00"), unit_value=Decimal("15.00"))
    customer = reservation.voucher.customer
    EventFactory(reservation=reservation, date=today() - dt.timedelta(days=2), quantity=Decimal("2"),
                 unit_price=Decimal("25.00"), total=Decimal("50.00"), voucher_share=Decimal("30.00"),
                 customer_share=Decimal("20.00"))
    capitation = capitation_voucher(customer=customer)
    customership_at(serving_office(capitation), capitation)
    return customer, reservation, capitation


def test_own__not_identified__the_buttons_to_identify_and_no_audit(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert "Tunnistaudu" in response.content.decode()
    assert AuditEntry.objects.count() == 0


def test_own__identified_customer__sees_vouchers_usage_provider_events_and_lock_in(client):
    customer, reservation, capitation = _customer_with_vouchers()
    page = _identified(client, customer.pk).get(URL).content.decode()
    voucher = reservation.voucher
    assert voucher.number in page and capitation.number in page
    assert reservation.provider.name in page
    assert "20,00" in page  # the customer's share of the event
    assert "Aikarajaus" in page
    assert "Vertaile tällä setelillä" in page
    own = {row.voucher.number: row for row in client.get(URL).context["vouchers"]}
    usage = own[voucher.number].contents[0].usage
    assert (usage.granted, usage.used, usage.left) == (Decimal("10"), Decimal("2"), Decimal("8"))


def test_own__every_read_audited_as_the_customer_self_one_row_per_organiser(client):
    customer, reservation, capitation = _customer_with_vouchers()
    _identified(client, customer.pk).get(URL)
    rows = list(AuditEntry.objects.filter(customer_id=customer.pk, action=AuditEntry.Action.READ))
    assert {row.organiser_id for row in rows} == {reservation.voucher.organiser_id, capitation.organiser_id}
    assert all(row.organisation == "asiakas itse" and row.user_id is None for row in rows)
    assert reservation.voucher.number in " ".join(row.what for row in rows)


def test_own__another_persons_vouchers__never_shown(client):
    customer, reservation, _capitation = _customer_with_vouchers()
    other = VoucherFactory()
    VoucherContentFactory(voucher=other)
    page = _identified(client, customer.pk).get(URL).content.decode()
    assert other.number not in page and other.customer.last_name not in page


def test_own__person_with_no_vouchers__told_so(client):
    customer = CustomerFactory()
    assert NO_VOUCHERS in _identified(client, customer.pk).get(URL).content.decode()


def test_own__henkilotunnus_of_nobody_in_the_register__the_same_words(client):
    assert NO_VOUCHERS in _identified(client, None).get(URL).content.decode()


def test_own__staff_user_signed_in__no_customer_data_only_the_identification(client):
    customer, _reservation, _capitation = _customer_with_vouchers()
    client.force_login(provider_user())
    page = client.get(URL).content.decode()
    assert customer.last_name not in page and "Tunnistaudu" in page


def test_own__identification_older_than_the_absolute_limit__asked_again(client, settings):
    customer, _reservation, _capitation = _customer_with_vouchers()
    _identified(client, customer.pk)
    session = client.session
    session[customers.SESSION_CUSTOMER] = {"id": customer.pk, "at": 0}
    session.save()
    page = client.get(URL).content.decode()
    assert customer.last_name not in page and "Tunnistaudu" in page


def test_own__signing_out__the_identification_is_gone(client):
    customer, reservation, _capitation = _customer_with_vouchers()
    _identified(client, customer.pk)
    assert client.post("/asiakas/kirjaudu-ulos/").status_code == 302
    assert reservation.voucher.number not in client.get(URL).content.decode()


def test_own__post__refused(client):
    assert client.post(URL).status_code == 405


def test_own__queries_do_not_grow_with_vouchers(client, django_assert_max_num_queries):
    customer, reservation, _capitation = _customer_with_vouchers()
    _identified(client, customer.pk)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(3):
        more = priced_reservation(customer=customer)
        EventFactory(reservation=more, date=today() - dt.timedelta(days=1))
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    # one audit row more per new organiser (each priced_reservation is another organiser's)
    assert len(many) - len(few) <= 3


# --- identification: the henkilötunnus finds the customer and is dropped ------------------------------


def _request_with_session(client):
    request = RequestFactory().get("/tili/oidc/suomifi/login/callback/")
    request.session = client.session
    request.user = AnonymousUser()
    return request


def test_customer_identified__henkilotunnus_matches_exactly__only_the_id_is_kept(client):
    customer = CustomerFactory()
    request = _request_with_session(client)
    assert customers.customer_identified(request, hetu=customers.hetu_of(
        {customers.HETU_CLAIM: customer.henkilotunnus.lower()})) == customer.pk
    assert customers.customer_in_session(request) == customer.pk
    stored = json.dumps(dict(request.session.items()))
    assert customer.henkilotunnus not in stored and customer.henkilotunnus[:6] not in stored


def test_customer_identified__unknown_henkilotunnus__identified_with_no_vouchers(client):
    request = _request_with_session(client)
    assert customers.customer_identified(request, hetu="010101-999X") is None
    assert customers.customer_in_session(request) is None
    assert customers.customer_in_session(request) is not customers.NOT_IDENTIFIED


def test_customer_identified__no_henkilotunnus_claim__no_customer(client):
    request = _request_with_session(client)
    assert customers.hetu_of({"sub": "x"}) == ""
    assert customers.customer_identified(request, hetu="") is None


def test_customer_sign_in_mark__asked_once(client):
    request = _request_with_session(client)
    customers.customer_sign_in_begin(request)
    assert customers.is_customer_sign_in(request) is True
    assert customers.is_customer_sign_in(request) is False

