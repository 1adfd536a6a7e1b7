"""A list read is one audit row naming the customers it showed, however many: a read key at the rate
limit adds one row a request, not one per voucher. Every read stays findable per customer."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from tests.api.conftest import Api, make_key
from tests.factories import (
    CustomerFactory,
    OrganiserFactory,
    ProviderFactory,
    ReservationFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from organisations.models import Membership

pytestmark = pytest.mark.django_db

LIST = reverse("reservations:list")


def reservations(provider, organiser, count):
    return [ReservationFactory(provider=provider, voucher=VoucherFactory(organiser=organiser)) for _ in range(count)]


def reads():
    return AuditEntry.objects.filter(action="read")


def test_reservation_list__of_12_vouchers__writes_one_row_naming_every_customer(client):
    organiser, provider = OrganiserFactory(), ProviderFactory()
    shown = reservations(provider, organiser, 12)
    client.force_login(provider_user(provider))

    client.get(LIST)

    row = reads().get()
    assert row.customer_id is None and row.code == "reservation_list" and row.organiser_id == organiser.pk
    assert sorted(row.customer_ids) == sorted(r.voucher.customer_id for r in shown)


def test_reservation_list__vouchers_of_two_organisers__one_row_for_each_naming_only_its_customers(client):
    ours, theirs, provider = OrganiserFactory(), OrganiserFactory(), ProviderFactory()
    our_rows, their_rows = reservations(provider, ours, 3), reservations(provider, theirs, 2)
    client.force_login(provider_user(provider))

    client.get(LIST)

    assert {row.organiser_id: sorted(row.customer_ids) for row in reads()} == {
        ours.pk: sorted(r.voucher.customer_id for r in our_rows),
        theirs.pk: sorted(r.voucher.customer_id for r in their_rows),
    }


def test_reservation_list__of_one_voucher__the_row_names_its_customer_as_before(client):
    organiser, provider = OrganiserFactory(), ProviderFactory()
    (shown,) = reservations(provider, organiser, 1)
    client.force_login(provider_user(provider))

    client.get(LIST)

    row = reads().get()
    assert (row.customer_id, row.customer_ids) == (shown.voucher.customer_id, None)


def test_api_reservation_list__of_8_vouchers__writes_one_row(client):
    organiser, provider = OrganiserFactory(), ProviderFactory()
    shown = reservations(provider, organiser, 8)
    secret = make_key(provider_user(provider))

    response = Api(client, secret).get("/api/v1/reservations")

    assert response.status_code == 200 and len(response.json()["items"]) == 8
    row = reads().get()
    assert sorted(row.customer_ids) == sorted(r.voucher.customer_id for r in shown)


def test_customer_page__a_list_read_that_showed_the_customer__listed_as_a_read(client):
    organiser, provider = OrganiserFactory(), ProviderFactory()
    customer = CustomerFactory(first_name="Liisa", last_name="Listalla")
    mine = ReservationFactory(provider=provider, voucher=VoucherFactory(organiser=organiser, customer=customer))
    reservations(provider, organiser, 4)
    client.force_login(provider_user(provider, username="listaaja"))
    client.get(LIST)
    other_customer = reservations(provider, OrganiserFactory(), 1)[0].voucher.customer

    client.force_login(organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN))
    page = client.get(reverse("vouchers:customer_detail", args=[mine.voucher.customer_id])).content.decode()

    assert "listaaja" in page and "Palveluvaraukset: lista" in page
    assert reads().filter(customer_ids__contains=[customer.pk]).count() == 1
    assert not AuditEntry.objects.about(other_customer.pk).filter(organiser_id=organiser.pk).exists()


def test_audit_log_search__by_a_customer_shown_in_a_list__finds_the_list_read(client):
    organiser, provider = OrganiserFactory(), ProviderFactory()
    customer = CustomerFactory(first_name="Liisa", last_name="Listalla")
    ReservationFactory(provider=provider, voucher=VoucherFactory(organiser=organiser, customer=customer))
    reservations(provider, organiser, 2)
    client.force_login(provider_user(provider, username="listaaja"))
    client.get(LIST)

    client.force_login(organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN))
    page = client.post(reverse("vouchers:audit_log"), {"asiakas": "Listalla"}, follow=True).content.decode()

    assert "listaaja" in page and "Palveluvaraukset: lista" in page and "3 asiakasta" in page


def test_audit_growth__prints_the_last_hours_rows_and_the_busiest_user__exits_1_past_the_alert(client):
    from io import StringIO

    from django.core.management import CommandError, call_command

    provider = ProviderFactory()
    reservations(provider, OrganiserFactory(), 30)
    client.force_login(provider_user(provider, username="lukija"))
    for _ in range(3):
        client.get(LIST)
    out = StringIO()

    call_command("audit_growth", "--alert-above", "3", stdout=out)

    assert "rows in the last hour: 3" in out.getvalue() and "lukija: 3 rows" in out.getvalue()
    client.get(LIST)
    with pytest.raises(CommandError, match="grew by 4 rows"):
        call_command("audit_growth", "--alert-above", "3", stdout=StringIO())
