"""The audit log: one row per read of personal data, append-only in the database,
searchable by the organiser's admins, and listed on the customer's page."""

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import audit_log
from organisations.models import Membership
from tests.factories import CustomerFactory, VoucherFactory, organiser_user, provider_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def voucher():
    return VoucherFactory(customer=CustomerFactory(first_name="Sanni", last_name="Salassapidettävä"))


def test_audit_entry__update_refused_by_database():
    entry = audit_log(user=None, action="read", what="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(what="muutettu")
    entry.refresh_from_db()
    assert entry.what == "x"


def test_audit_entry__delete_refused_by_database():
    entry = audit_log(user=None, action="read", what="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_lookup__voucher_shown__one_read_row_with_who_what_where(client, voucher):
    user = organiser_user(voucher.organiser)
    client.force_login(user)
    client.get(reverse("vouchers:lookup"), {"numero": voucher.number}, REMOTE_ADDR="10.1.2.3")
    row = AuditEntry.objects.get()
    assert (row.user_id, row.customer_id, row.action, row.ip_address) == (user.pk, voucher.customer_id, "read", "10.1.2.3")
    assert voucher.number in row.what and row.path.startswith("/asiakas/haku/")
    assert row.organisation == voucher.organiser.name


def test_lookup__not_found__writes_no_read_row(client, voucher):
    client.force_login(provider_user())
    client.get(reverse("vouchers:lookup"), {"numero": voucher.number})
    assert not AuditEntry.objects.exists()


def test_customer_page__organiser_staff__sees_full_henkilotunnus_and_read_is_logged(client, voucher):
    client.force_login(organiser_user(voucher.organiser))
    response = client.get(reverse("vouchers:customer_detail", args=[voucher.customer_id]))
    body = response.content.decode()
    assert response.status_code == 200
    assert voucher.customer.henkilotunnus in body and voucher.number in body
    assert "Tietojen käsittely" not in body  # only admins see who read
    assert AuditEntry.objects.filter(customer_id=voucher.customer_id, action="read").count() == 1


@pytest.mark.parametrize("who", ["provider", "other_organiser"])
def test_customer_page__not_entitled__404_without_personal_data(client, voucher, who):
    user = provider_user() if who == "provider" else organiser_user()
    client.force_login(user)
    response = client.get(reverse("vouchers:customer_detail", args=[voucher.customer_id]))
    assert response.status_code == 404
    assert "Salassapidettävä" not in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_customer_page__organiser_admin__lists_who_has_read_the_data(client, voucher):
    reader = organiser_user(voucher.organiser, username="lukija")
    client.force_login(reader)
    client.get(reverse("vouchers:lookup"), {"numero": voucher.number})
    admin = organiser_user(voucher.organiser, role=Membership.Role.ORGANISER_ADMIN)
    client.force_login(admin)
    body = client.get(reverse("vouchers:customer_detail", args=[voucher.customer_id])).content.decode()
    assert "Tietojen käsittely" in body and "lukija" in body


def test_audit_log__organiser_admin__sees_own_customers_only(client, voucher):
    other = VoucherFactory(customer=CustomerFactory(last_name="Naapurinasiakas"))
    audit_log(user=None, action="read", what="oma", customer_id=voucher.customer_id, organiser_id=voucher.organiser_id)
    audit_log(user=None, action="read", what="vieras", customer_id=other.customer_id, organiser_id=other.organiser_id)
    client.force_login(organiser_user(voucher.organiser, role=Membership.Role.ORGANISER_ADMIN))
    body = client.get(reverse("vouchers:audit_log")).content.decode()
    assert "Salassapidettävä" in body and ">oma<" in body
    assert "Naapurinasiakas" not in body and ">vieras<" not in body


def _search(client, **fields):
    return client.post(reverse("vouchers:audit_log"), fields, follow=True)


def test_audit_log__search_by_henkilotunnus_and_by_user(client, voucher):
    second = VoucherFactory(organiser=voucher.organiser, customer=CustomerFactory(last_name="Toinenasiakas"))
    audit_log(user=None, action="read", what="eka", customer_id=voucher.customer_id, organiser_id=voucher.organiser_id)
    audit_log(user=organiser_user(voucher.organiser, username="kalle"), action="read", what="toka", customer_id=second.customer_id)
    client.force_login(organiser_user(voucher.organiser, role=Membership.Role.ORGANISER_ADMIN))
    by_hetu = _search(client, asiakas=voucher.customer.henkilotunnus).content.decode()
    assert ">eka<" in by_hetu and ">toka<" not in by_hetu
    by_user = _search(client, kayttaja="kalle").content.decode()
    assert ">toka<" in by_user and ">eka<" not in by_user


def test_audit_log__bad_date__finnish_message_not_500(client, voucher):
    client.force_login(organiser_user(voucher.organiser, role=Membership.Role.ORGANISER_ADMIN))
    response = _search(client, alkaen="32.13.2026", asiakas="\x00")
    assert response.status_code == 200
    assert "Anna päivämäärä muodossa pp.kk.vvvv." in response.content.decode()


@pytest.mark.parametrize("role", [Membership.Role.ORGANISER_STAFF, Membership.Role.PROVIDER_ADMIN])
def test_audit_log__not_organiser_admin__404(client, role):
    user = provider_user() if role == Membership.Role.PROVIDER_ADMIN else organiser_user(role=role)
    client.force_login(user)
    assert client.get(reverse("vouchers:audit_log")).status_code == 404


def test_audit_log__htmx_search__answers_panel_fragment(client, voucher):
    client.force_login(organiser_user(voucher.organiser, role=Membership.Role.ORGANISER_ADMIN))
    response = client.get(reverse("vouchers:audit_log"), headers={"HX-Request": "true", "HX-Target": "panel"})
    assert response.content.decode().lstrip().startswith('<div id="panel">')
