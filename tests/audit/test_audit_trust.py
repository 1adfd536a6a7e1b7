"""Issue 14 (items 1, 3) and issue 13 (item 17): whose audit rows an organiser sees, no
henkilötunnus or name in addresses, action codes shown in the reader's language."""

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from organisations.models import Membership
from tests.factories import CustomerFactory, VoucherFactory, organiser_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties():
    """One person holding a voucher of each of two organisers."""
    person = CustomerFactory(first_name="Kaisa", last_name="Kahdenkunnan", henkilotunnus="140129-901C")
    ours = VoucherFactory(customer=person)
    theirs = VoucherFactory(customer=person)
    assert ours.organiser_id != theirs.organiser_id
    return ours, theirs


def test_other_county_reads_of_a_shared_customer__not_in_our_log_nor_customer_page(client, two_counties):
    ours, theirs = two_counties
    neighbour = organiser_user(theirs.organiser, username="naapurin-kasittelija")
    client.force_login(neighbour)
    client.get(reverse("vouchers:lookup"), {"numero": theirs.number}, REMOTE_ADDR="10.9.9.9")
    assert AuditEntry.objects.filter(username="naapurin-kasittelija", customer_id=ours.customer_id).exists()

    client.force_login(organiser_user(ours.organiser, role=Membership.Role.ORGANISER_ADMIN))
    log = client.get(reverse("vouchers:audit_log")).content.decode()
    page = client.get(reverse("vouchers:customer_detail", args=[ours.customer_id])).content.decode()
    for body in (log, page):
        assert "naapurin-kasittelija" not in body
        assert theirs.number not in body
        assert "10.9.9.9" not in body


def test_our_reads_of_a_shared_customer__in_our_log(client, two_counties):
    ours, _theirs = two_counties
    client.force_login(organiser_user(ours.organiser, username="oma-kasittelija"))
    client.get(reverse("vouchers:lookup"), {"numero": ours.number})
    client.force_login(organiser_user(ours.organiser, role=Membership.Role.ORGANISER_ADMIN))
    assert "oma-kasittelija" in client.get(reverse("vouchers:audit_log")).content.decode()


def test_audit_search__henkilotunnus_never_in_address_or_stored_path(client, two_counties):
    ours, _theirs = two_counties
    client.force_login(organiser_user(ours.organiser, role=Membership.Role.ORGANISER_ADMIN))
    response = client.post(
        reverse("vouchers:audit_log"), {"asiakas": "140129-901C"}, headers={"HX-Request": "true", "HX-Target": "panel"}
    )
    assert response.status_code == 200
    pushed = response["HX-Push-Url"]
    assert "haku=" in pushed and "140129" not in pushed
    # The pushed address shows the same search again (paging, back button), without the number in it.
    again = client.get(pushed).content.decode()
    assert 'value="140129-901C"' in again
    assert not AuditEntry.objects.filter(path__contains="?").exists()
    assert not AuditEntry.objects.filter(path__contains="140129").exists()


def test_audit_search__plain_post_redirects_to_token_address(client, two_counties):
    ours, _theirs = two_counties
    client.force_login(organiser_user(ours.organiser, role=Membership.Role.ORGANISER_ADMIN))
    response = client.post(reverse("vouchers:audit_log"), {"asiakas": "Kahdenkunnan"})
    assert response.status_code == 302
    assert "Kahdenkunnan" not in response["Location"] and "haku=" in response["Location"]


def test_audit_search__query_string_is_not_a_search(client, two_counties):
    """The old GET search is gone: a henkilötunnus in an address does nothing."""
    ours, _theirs = two_counties
    client.force_login(organiser_user(ours.organiser, role=Membership.Role.ORGANISER_ADMIN))
    body = client.get(reverse("vouchers:audit_log"), {"asiakas": "140129-901C"}).content.decode()
    assert 'value="140129-901C"' not in body


def test_reading_the_log__one_log_read_row_not_customer_reads(client, two_counties):
    ours, _theirs = two_counties
    client.force_login(organiser_user(ours.organiser))
    client.get(reverse("vouchers:lookup"), {"numero": ours.number})
    before = AuditEntry.objects.count()
    client.force_login(organiser_user(ours.organiser, role=Membership.Role.ORGANISER_ADMIN))
    client.get(reverse("vouchers:audit_log"))
    new = AuditEntry.objects.order_by("-id")[: AuditEntry.objects.count() - before]
    assert [(row.code, row.customer_id) for row in new] == [("audit_search", None)]


def test_row_text__stored_as_code__shown_in_readers_language(client, two_counties):
    ours, _theirs = two_counties
    client.cookies["django_language"] = "sv"
    client.force_login(organiser_user(ours.organiser))
    client.get(reverse("vouchers:lookup"), {"numero": ours.number})
    row = AuditEntry.objects.get(code="voucher_lookup")
    assert row.params == {"number": ours.number}
    assert row.what == f"Ostovoima {ours.number}: haku"  # Finnish, though the reader used Swedish
    with translation.override("fi"):
        assert row.text == f"Ostovoima {ours.number}: haku"
    with translation.override("en"):
        assert row.text != row.what and ours.number in row.text


def test_row_without_code__shows_its_stored_text():
    row = AuditEntry(what="vanha rivi", code="", params={})
    assert row.text == "vanha rivi"
