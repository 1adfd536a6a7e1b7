"""List filters (issue 13, item 9): Palveluvaraukset, the Ostovoimat tabs, the organiser's review
queue and Lokitiedot narrow by provider, service, state and month; bad input is a Finnish message,
never a 500; the sort and pagination links keep the filters."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from audit.services import audit_log
from core.dates import today
from events.models import EventStatus
from organisations.models import Membership
from tests.events.scenarios import priced_reservation
from tests.factories import (
    EventFactory,
    OrganiserFactory,
    ProviderFactory,
    ReservationFactory,
    ServiceAgreementFactory,
    ServiceFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)

pytestmark = pytest.mark.django_db


def numbers_in(html: str) -> set[str]:
    return set(re.findall(r"<td>(\d{5,7})</td>", html))


@pytest.fixture
def organiser_lists():
    """One organiser; two providers with agreements; reservations of two services, one of them
    ended, one made last year."""
    organiser = OrganiserFactory()
    home_care, cleaning = ServiceFactory(name="Kotihoito T"), ServiceFactory(name="Siivous T")
    first, second = ProviderFactory(name="Ensimmäinen Oy"), ProviderFactory(name="Toinen Oy")
    for provider in (first, second):
        ServiceAgreementFactory(organiser=organiser, provider=provider, service=home_care)
    rows = {
        "11111": ReservationFactory(provider=first, voucher=VoucherFactory(organiser=organiser, service=home_care, number="11111")),
        "22222": ReservationFactory(provider=second, voucher=VoucherFactory(organiser=organiser, service=cleaning, number="22222")),
        "33333": ReservationFactory(provider=first, voucher=VoucherFactory(organiser=organiser, service=cleaning, number="33333"),
                                    ended_on=today() - dt.timedelta(days=3)),
    }
    return organiser, home_care, cleaning, first, second, rows


# --- Palveluvaraukset ----------------------------------------------------------------------------------


def test_reservation_list__filter_by_service_and_by_provider(client, organiser_lists):
    organiser, home_care, cleaning, first, second, _ = organiser_lists
    client.force_login(organiser_user(organiser))
    url = reverse("reservations:list")
    assert numbers_in(client.get(url).content.decode()) == {"11111", "22222"}  # in force today, by default
    assert numbers_in(client.get(url, {"palvelu": cleaning.pk}).content.decode()) == {"22222"}
    assert numbers_in(client.get(url, {"palveluntuottaja": first.pk}).content.decode()) == {"11111"}
    html = client.get(url, {"palveluntuottaja": second.pk, "palvelu": home_care.pk}).content.decode()
    assert numbers_in(html) == set() and "Näillä ehdoilla ei löytynyt palveluvarauksia." in html


def test_reservation_list__state_ended_and_all(client, organiser_lists):
    organiser, *_ = organiser_lists
    client.force_login(organiser_user(organiser))
    url = reverse("reservations:list")
    assert numbers_in(client.get(url, {"tila": "paattyneet"}).content.decode()) == {"33333"}
    assert numbers_in(client.get(url, {"tila": "kaikki"}).content.decode()) == {"11111", "22222", "33333"}


def test_reservation_list__month__in_force_on_some_day_of_it(client, organiser_lists):
    organiser, *_, rows = organiser_lists
    client.force_login(organiser_user(organiser))
    url = reverse("reservations:list")
    this_month = today().strftime("%Y-%m")
    assert numbers_in(client.get(url, {"tila": "kaikki", "kuukausi": this_month}).content.decode()) == {"11111", "22222", "33333"}
    long_ago = today().replace(day=1) - dt.timedelta(days=400)
    typed = f"{long_ago.month}/{long_ago.year}"  # made this year: not in force then
    assert numbers_in(client.get(url, {"tila": "kaikki", "kuukausi": typed}).content.decode()) == set()


def test_reservation_list__provider_user__no_provider_filter_and_a_provider_id_changes_nothing(client, organiser_lists):
    *_, first, second, rows = organiser_lists
    client.force_login(provider_user(first))
    html = client.get(reverse("reservations:list"), {"palveluntuottaja": second.pk}).content.decode()
    assert 'name="palveluntuottaja"' not in html
    assert numbers_in(html) == {"11111"}


def test_reservation_list__organiser__provider_choices_are_its_agreement_partners_only(client, organiser_lists):
    organiser, *_ = organiser_lists
    stranger = ProviderFactory(name="Vieras Oy")
    client.force_login(organiser_user(organiser))
    html = client.get(reverse("reservations:list")).content.decode()
    assert "Ensimmäinen Oy</option>" in html and "Toinen Oy</option>" in html and "Vieras Oy" not in html
    response = client.get(reverse("reservations:list"), {"palveluntuottaja": stranger.pk})
    assert response.status_code == 200 and "Valitse vaihtoehto luettelosta." in response.content.decode()


@pytest.mark.parametrize("params", [
    {"palvelu": "abc"}, {"palvelu": "99999999999999999999"}, {"tila": "kaikkea"}, {"kuukausi": "13/2026"},
    {"kuukausi": "2026-1x"}, {"kuukausi": "1/9999"}, {"palvelu": "1\x00"},
])
def test_reservation_list__bad_filter_input__finnish_message_no_rows_not_500(client, organiser_lists, params):
    organiser, *_ = organiser_lists
    client.force_login(organiser_user(organiser))
    response = client.get(reverse("reservations:list"), params)
    html = response.content.decode()
    assert response.status_code == 200
    messages = ("Valitse vaihtoehto luettelosta.", "Anna kuukausi muodossa kk/vvvv", "Tyhjiä merkkejä (null) ei sallita.")
    assert any(message in html for message in messages)
    assert 'role="alert"' in html and numbers_in(html) == set()


def test_reservation_list__sort_and_next_page_links_keep_the_filters(client):
    provider = ProviderFactory()
    service = ServiceFactory(name="Kotihoito S")
    for number in range(30):
        ReservationFactory(provider=provider, voucher=VoucherFactory(service=service, number=str(50000 + number)))
    ReservationFactory(provider=provider, voucher=VoucherFactory(number="49999"))  # another service
    client.force_login(provider_user(provider))
    html = client.get(reverse("reservations:list"), {"palvelu": service.pk, "jarjestys": "numero"}).content.decode()
    next_link = re.search(r'href="\?([^"]+)"[^>]*rel="next"', html)[1].replace("&amp;", "&")
    assert f"palvelu={service.pk}" in next_link and "jarjestys=numero" in next_link
    sort_link = re.search(r'class="sort-link" href="\?([^"]+)"', html)[1].replace("&amp;", "&")
    assert f"palvelu={service.pk}" in sort_link and "jalkeen" not in sort_link
    second = client.get(f"{reverse('reservations:list')}?{next_link}").content.decode()
    assert numbers_in(second) == {str(50000 + n) for n in range(25, 30)}
    assert "49999" not in second


# --- Ostovoimat --------------------------------------------------------------------------------------


def test_vouchers_tab__only_those_waiting_for_review(client):
    provider = ProviderFactory()
    waiting = priced_reservation(provider=provider, number="700001")
    calm = priced_reservation(provider=provider, number="700002")
    EventFactory(reservation=waiting, status=EventStatus.UNDER_REVIEW)
    EventFactory(reservation=calm, status=EventStatus.APPROVED)
    client.force_login(provider_user(provider))
    url = reverse("events:vouchers")
    assert {"700001", "700002"} <= numbers_in(client.get(url).content.decode())
    html = client.get(url, {"tarkastettavat": "on"}).content.decode()
    assert "700001" in html and "700002" not in html


def test_vouchers_tab__state_service_and_month(client):
    provider = ProviderFactory()
    open_one = priced_reservation(provider=provider, number="710001")
    closed = priced_reservation(provider=provider, number="710002", closed_on=today() - dt.timedelta(days=1))
    client.force_login(provider_user(provider))
    url = reverse("events:vouchers")
    assert numbers_in(client.get(url, {"tila": "suljettu"}).content.decode()) == {"710002"}
    assert numbers_in(client.get(url, {"tila": "avoin"}).content.decode()) == {"710001"}
    assert numbers_in(client.get(url, {"palvelu": closed.voucher.service_id}).content.decode()) == {"710002"}
    next_year = today().replace(day=1) + dt.timedelta(days=200)
    # The closed voucher is not valid after its closing; the open one runs for a year.
    assert numbers_in(client.get(url, {"kuukausi": next_year.strftime("%Y-%m")}).content.decode()) == {"710001"}
    assert open_one.voucher.number == "710001"


def test_vouchers_tab__a_service_of_another_kind_is_no_choice(client):
    provider = ProviderFactory()
    balance = priced_reservation(provider=provider, kind="balance", quantity=None, amount=500, unit_value=None, unit="euro")
    client.force_login(provider_user(provider))
    response = client.get(reverse("events:vouchers"), {"palvelu": balance.voucher.service_id})
    assert "Valitse vaihtoehto luettelosta." in response.content.decode()


def test_vouchers_tab__bad_month__finnish_message(client):
    provider = ProviderFactory()
    priced_reservation(provider=provider, number="720001")
    client.force_login(provider_user(provider))
    response = client.get(reverse("events:vouchers"), {"kuukausi": "ensi kuussa"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna kuukausi muodossa kk/vvvv, esimerkiksi 11/2026." in html and "720001" not in html


# --- the organiser's review queue --------------------------------------------------------------------


def test_review_list__by_provider_and_by_event_month(client):
    organiser = OrganiserFactory()
    first, second = ProviderFactory(), ProviderFactory()
    for provider in (first, second):
        ServiceAgreementFactory(organiser=organiser, provider=provider, service=ServiceFactory())
    this_month = today().replace(day=1)
    last_month = this_month - dt.timedelta(days=1)
    a = EventFactory(reservation=ReservationFactory(provider=first, voucher=VoucherFactory(organiser=organiser, number="730001")),
                     status=EventStatus.UNDER_REVIEW, date=this_month)
    b = EventFactory(reservation=ReservationFactory(provider=second, voucher=VoucherFactory(organiser=organiser, number="730002")),
                     status=EventStatus.UNDER_REVIEW, date=last_month)
    client.force_login(organiser_user(organiser))
    url = reverse("events:review_list")
    assert {f"review-{a.pk}", f"review-{b.pk}"} <= set(re.findall(r'id="(review-\d+)"', client.get(url).content.decode()))
    html = client.get(url, {"palveluntuottaja": first.pk}).content.decode()
    assert f'id="review-{a.pk}"' in html and f'id="review-{b.pk}"' not in html
    html = client.get(url, {"kuukausi": f"{last_month.month}/{last_month.year}"}).content.decode()
    assert f'id="review-{b.pk}"' in html and f'id="review-{a.pk}"' not in html
    html = client.get(url, {"jarjestys": "-paiva"}).content.decode()
    assert html.index(f'id="review-{a.pk}"') < html.index(f'id="review-{b.pk}"')


# --- Lokitiedot ---------------------------------------------------------------------------------------


def test_audit_log__filter_by_action(client):
    voucher = VoucherFactory()
    audit_log(user=None, action="read", what="luettu", customer_id=voucher.customer_id, organiser_id=voucher.organiser_id)
    audit_log(user=None, action="change", what="muutettu", customer_id=voucher.customer_id, organiser_id=voucher.organiser_id)
    client.force_login(organiser_user(voucher.organiser, role=Membership.Role.ORGANISER_ADMIN))
    html = client.post(reverse("vouchers:audit_log"), {"toimenpide": "change"}, follow=True).content.decode()
    assert ">muutettu<" in html and ">luettu<" not in html
    html = client.post(reverse("vouchers:audit_log"), {"toimenpide": "poisto"}, follow=True).content.decode()
    assert "Valitse vaihtoehto luettelosta." in html and ">muutettu<" not in html
