"""Issue 14, items 3 (no henkilötunnus in logs), 4 (no-store on signed-in answers) and 10 (the
client's address behind trusted proxies only)."""

import logging

import pytest
from django.test import RequestFactory, override_settings
from django.urls import reverse

from audit.models import AuditEntry
from core.network import client_address
from psop.privacy import MaskHenkilotunnusFilter, clean_log_line
from tests.factories import VoucherFactory, organiser_user, provider_user

pytestmark = pytest.mark.django_db


# Item 4 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["vouchers:customer_tab", "reservations:list", "events:vouchers"])
def test_signed_in_pages_and_fragments__no_store(client, name):
    client.force_login(provider_user())
    for headers in ({}, {"HX-Request": "true", "HX-Target": "panel"}):
        response = client.get(reverse(name), headers=headers)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_lookup_with_a_customer__no_store(client):
    voucher = VoucherFactory()
    client.force_login(organiser_user(voucher.organiser))
    response = client.get(reverse("vouchers:lookup"), {"numero": voucher.number})
    assert voucher.customer.last_name in response.content.decode()
    assert "no-store" in response["Cache-Control"]


# Item 3: logs ------------------------------------------------------------------------------------

def test_log_line__henkilotunnus_masked_and_query_string_dropped():
    line = '"GET /palveluvaraukset/?q=Virtanen&hetu=140129-901C HTTP/1.1" 200 512'
    assert clean_log_line(line) == '"GET /palveluvaraukset/ HTTP/1.1" 200 512'
    assert clean_log_line("haku 010101A123B, 311299+1234 ja 12.3.2024") == "haku ******-****, ******-**** ja 12.3.2024"


def test_logging_filter__applies_to_records_with_arguments():
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "virhe asiakkaalla %s", ("140129-901C",), None)
    MaskHenkilotunnusFilter().filter(record)
    assert record.getMessage() == "virhe asiakkaalla ******-****"


def test_settings_logging__every_handler_masks(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("mask_henkilotunnus" in handler.get("filters", []) for handler in handlers.values())


def test_audit_rows__store_the_path_without_query_string(client):
    voucher = VoucherFactory()
    client.force_login(organiser_user(voucher.organiser))
    client.get(reverse("vouchers:lookup"), {"numero": voucher.number, "muuta": "140129-901C"})
    assert AuditEntry.objects.get().path == reverse("vouchers:lookup")


# Item 10 -----------------------------------------------------------------------------------------

def _request(peer, forwarded=None):
    headers = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


@override_settings(TRUSTED_PROXIES=["10.0.0.5", "192.168.0.0/24"])
@pytest.mark.parametrize(
    "peer, forwarded, expected",
    [
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),  # through the trusted proxy
        ("10.0.0.5", "1.2.3.4, 203.0.113.7", "203.0.113.7"),  # a client-written hop left of it is not believed
        ("10.0.0.5", "203.0.113.7, 192.168.0.9", "203.0.113.7"),  # two trusted proxies
        ("198.51.100.1", "203.0.113.7", "198.51.100.1"),  # an untrusted peer cannot name a client
        ("10.0.0.5", "not-an-address", "10.0.0.5"),
        ("10.0.0.5", None, "10.0.0.5"),
    ],
)
def test_client_address__forwarded_for_believed_from_trusted_proxies_only(peer, forwarded, expected):
    assert client_address(_request(peer, forwarded)) == expected


def test_client_address__no_trusted_proxies__the_socket(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request("10.0.0.5", "203.0.113.7")) == "10.0.0.5"


def test_audit_row__behind_the_proxy__the_clients_address(client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    voucher = VoucherFactory()
    client.force_login(organiser_user(voucher.organiser))
    client.get(reverse("vouchers:lookup"), {"numero": voucher.number}, REMOTE_ADDR="10.0.0.5",
               HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AuditEntry.objects.get().ip_address == "203.0.113.7"


@pytest.mark.parametrize("peer, expected", [("10.0.0.5", "203.0.113.7"), ("198.51.100.1", "198.51.100.1")])
def test_failed_login__axes_records_the_address_the_audit_log_would(client, settings, peer, expected):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXIES = ["10.0.0.5"]
    client.post(reverse("login"), {"login": "ei-ole", "password": "väärä"}, REMOTE_ADDR=peer,
                HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert AccessAttempt.objects.get().ip_address == expected
