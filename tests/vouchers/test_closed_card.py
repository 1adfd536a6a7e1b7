"""Issue 13, items 12 and 14: the voucher card of a closed voucher (its effective end, no
current-period figures, no transfer/end/create), and only the actions the user may take."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from core.dates import today
from customers.models import Customership
from organisations.models import Membership
from tests.customers.scenarios import capitation_voucher, customership_at, serving_office
from tests.events.scenarios import priced_reservation
from tests.factories import organiser_user, provider_user
from vouchers.models import VoucherContent

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
LOOKUP = reverse("vouchers:lookup")
FRAGMENT = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "lookup-result"}


def fmt(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def card(client, voucher) -> str:
    response = client.get(LOOKUP, {"numero": voucher.number}, **FRAGMENT)
    assert response.status_code == 200
    return response.content.decode()


def close(voucher, days_ago=0):
    voucher.closed_on = today() - days_ago * DAY
    voucher.save(update_fields=["closed_on"])
    return voucher


# --- item 12: the closed voucher --------------------------------------------------------------


def test_closed_voucher_card__validity_ends_on_the_closing_day_not_the_original_end(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    close(voucher, days_ago=3)
    html = card(login(organiser_user(voucher.organiser)), voucher)
    assert f"{fmt(voucher.valid_from)} – {fmt(voucher.closed_on)}" in html
    assert f"– {fmt(voucher.valid_to)}" not in html
    assert f"myönnetty {fmt(voucher.valid_to)} asti" in html
    assert office  # the provider may serve it


def test_open_voucher_card__validity_as_granted(login):
    voucher = capitation_voucher()
    html = card(login(organiser_user(voucher.organiser)), voucher)
    assert f"{fmt(voucher.valid_from)} – {fmt(voucher.valid_to)}" in html
    assert "asti)" not in html


def test_closed_voucher_card__organiser__no_transfer_end_or_create(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    customership_at(office, voucher)
    staff = organiser_user(voucher.organiser)
    before = card(login(staff), voucher)
    assert "Siirrä asiakkuus" in before and "Päätä asiakkuus" in before
    close(voucher)
    html = card(login(staff), voucher)
    assert "Siirrä asiakkuus" not in html and "Päätä asiakkuus" not in html
    assert "Luo asiakkuus" not in html and "Sulje ostovoima" not in html
    assert f"Ostovoima on suljettu {fmt(today())}." in html


def test_closed_voucher_card__own_provider__no_end_or_create(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    customership_at(office, voucher)
    close(voucher, days_ago=1)
    html = card(login(provider_user(office.provider)), voucher)
    assert "Päätä asiakkuus" not in html and "Luo asiakkuus" not in html


def test_closed_monthly_voucher__event_page_shows_no_current_month_figures(login):
    reservation = priced_reservation(quantity=Decimal("8"), period=VoucherContent.Period.MONTH)
    client = login(reservation.created_by)
    url = reverse("events:create", args=[reservation.pk])
    assert "Käytetty kuluvalla jaksolla" in client.get(url).content.decode()
    close(reservation.voucher, days_ago=2)
    html = client.get(url).content.decode()
    assert "Käytetty kuluvalla jaksolla" not in html and 'data-figure="left"' not in html
    assert f"Suljettu {fmt(reservation.voucher.closed_on)}" in html
    assert f"– {fmt(reservation.voucher.closed_on)}" in html


def test_closed_monthly_voucher__vouchers_tab_shows_no_current_month_figures(login):
    reservation = priced_reservation(quantity=Decimal("8"), period=VoucherContent.Period.MONTH)
    client = login(reservation.created_by)
    month = f"kuukausi {today().month}/{today().year}"
    assert month in client.get(reverse("events:vouchers")).content.decode()
    close(reservation.voucher, days_ago=2)
    html = client.get(reverse("events:vouchers")).content.decode()
    assert month not in html
    assert '<td class="num" data-figure="left">–</td>' in html


# --- item 14: only what the user may do -------------------------------------------------------


def test_recorder__sees_the_customership_but_no_end_or_create(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    customership_at(office, voucher)
    html = card(login(provider_user(office.provider, role=Membership.Role.RECORDER)), voucher)
    assert office.name in html
    assert "Päätä asiakkuus" not in html and "Luo asiakkuus" not in html


def test_provider_admin__own_customership__may_end_it(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    customership_at(office, voucher)
    assert "Päätä asiakkuus" in card(login(provider_user(office.provider)), voucher)


def test_own_customership__no_create_and_says_since_when(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    mine = customership_at(office, voucher, start=today() - 20 * DAY)
    html = card(login(provider_user(office.provider)), voucher)
    assert "Luo asiakkuus" not in html
    assert "Asiakkaalla on jo voimassa oleva asiakkuus tällä palveluntuottajalla" in html
    assert fmt(mine.start_date) in html


def test_another_providers_lock_in_running__no_create_and_the_date_said(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    theirs = customership_at(serving_office(voucher), voucher, locked_until=today() + 40 * DAY)
    html = card(login(provider_user(office.provider)), voucher)
    assert "Luo asiakkuus" not in html
    assert fmt(theirs.locked_until) in html


def test_another_providers_lock_in_passed__create_offered(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    customership_at(serving_office(voucher), voucher, start=today() - 400 * DAY, locked_until=today() - DAY)
    assert "Luo asiakkuus" in card(login(provider_user(office.provider)), voucher)


def test_no_customership__create_offered(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    assert "Luo asiakkuus" in card(login(provider_user(office.provider)), voucher)


def test_organiser__lock_in_running__no_create_but_transfer_and_why(login):
    voucher = capitation_voucher()
    office = serving_office(voucher)
    current = customership_at(office, voucher, locked_until=today() + 10 * DAY)
    html = card(login(organiser_user(voucher.organiser)), voucher)
    assert "Luo asiakkuus" not in html and "Siirrä asiakkuus" in html
    assert f"Asiakkuuden aikarajaus päättyy {fmt(current.locked_until)}" in html
    assert Customership.objects.count() == 1
