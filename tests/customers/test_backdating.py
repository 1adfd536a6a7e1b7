"""How far back a customership's start or end may be set: a provider 14 days, the voucher's organiser
back to the first day of the same month a year ago; a change to a month already paid is a correction
line in the next payment run, never a change of what was paid."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

import customers.services
from core.dates import today
from core.errors import DomainError
from customers.models import Customership
from customers.services import (
    ORGANISER_BACKDATE_MONTHS,
    PROVIDER_BACKDATE_DAYS,
    customership_create,
    customership_end,
    customership_transfer,
    earliest_change_day,
)
from payments.computation import CORRECTION_MONTHS
from payments.models import PaymentLine, PaymentRun
from payments.services import payment_run_approve
from tests.api.conftest import Api, make_key
from tests.customers.scenarios import DAY, capitation_voucher, customership_at, serving_office, snapshot
from tests.factories import OrganiserFactory, organiser_user, provider_user
from tests.payments import scenarios as pay
from tests.payments.scenarios import frozen_today  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def fmt(day: dt.date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


@pytest.fixture
def voucher():
    return capitation_voucher(valid_from=today() - 800 * DAY)


@pytest.fixture
def office(voucher):
    return serving_office(voucher, name="Keskusta")


@pytest.fixture
def provider(office):
    return provider_user(office.provider)


@pytest.fixture
def staff(voucher):
    return organiser_user(voucher.organiser)


def organiser_earliest() -> dt.date:
    """The first day of the same month a year ago."""
    first = today().replace(day=1)
    return first.replace(year=first.year - 1)


def create(user, voucher, office, **kwargs):
    return customership_create(user=user, voucher=voucher, office=office, approvals_accepted=True, **kwargs)


def test_earliest_change_day__provider_14_days__organiser_first_of_the_month_a_year_ago(voucher, provider, staff):
    day = dt.date(2026, 3, 5)

    assert earliest_change_day(user=provider, voucher=voucher, day=day) == dt.date(2026, 2, 19)
    assert earliest_change_day(user=staff, voucher=voucher, day=day) == dt.date(2025, 3, 1)
    assert earliest_change_day(user=staff, voucher=voucher, day=dt.date(2026, 1, 31)) == dt.date(2025, 1, 1)


def test_organiser_bound__is_the_payment_runs_correction_window():
    assert ORGANISER_BACKDATE_MONTHS == CORRECTION_MONTHS
    assert PROVIDER_BACKDATE_DAYS == 14


# --- "Luo asiakkuus" ----------------------------------------------------------------------------------


def test_customership_create__provider_starts_it_14_days_back__allowed(provider, voucher, office):
    customership = create(provider, voucher, office, start_date=today() - 14 * DAY)

    assert customership.start_date == today() - 14 * DAY


def test_customership_create__provider_starts_it_15_days_back__refused_naming_the_earliest_day(
    provider, voucher, office
):
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(provider, voucher, office, start_date=today() - 15 * DAY)

    assert refused.value.code == "too_far_back"
    assert refused.value.params["earliest"] == today() - 14 * DAY
    assert f"Asiakkuuden alkupäivä voi olla aikaisintaan {fmt(today() - 14 * DAY)}." in refused.value.message
    assert "palvelunjärjestäjä" in refused.value.message
    assert snapshot() == before


def test_customership_create__organiser_on_behalf_starts_it_months_back__allowed_to_its_bound(staff, voucher, office):
    customership = create(staff, voucher, office, start_date=organiser_earliest())

    assert customership.start_date == organiser_earliest()


def test_customership_create__organiser_starts_it_before_its_bound__refused_nothing_written(staff, voucher, office):
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        create(staff, voucher, office, start_date=organiser_earliest() - DAY)

    assert refused.value.code == "too_far_back"
    assert fmt(organiser_earliest()) in refused.value.message
    assert snapshot() == before


# --- ending, again and again -----------------------------------------------------------------------------


def test_customership_end__provider_ends_it_earlier_again_and_again__stops_14_days_back(provider, voucher, office):
    """The reported case: ended five times, each earlier, down to its start day, inside its lock-in."""
    customership = customership_at(office, voucher, start=today() - 60 * DAY, locked_until=today() + 300 * DAY)

    for day in (today() + 30 * DAY, today(), today() - 7 * DAY, today() - 14 * DAY):
        customership_end(user=provider, customership=customership, end_date=day)
    before = snapshot()

    for day in (today() - 15 * DAY, customership.start_date):
        with pytest.raises(DomainError) as refused:
            customership_end(user=provider, customership=customership, end_date=day)
        assert refused.value.code == "too_far_back"
        assert f"Asiakkuuden loppupäivä voi olla aikaisintaan {fmt(today() - 14 * DAY)}." in refused.value.message

    assert snapshot() == before
    assert Customership.objects.get(pk=customership.pk).end_date == today() - 14 * DAY


def test_customership_end__organiser_ends_it_months_back__allowed_but_not_before_its_bound(staff, voucher, office):
    customership = customership_at(office, voucher, start=organiser_earliest() - 100 * DAY)

    customership_end(user=staff, customership=customership, end_date=today() - 200 * DAY)
    before = snapshot()
    with pytest.raises(DomainError) as refused:
        customership_end(user=staff, customership=customership, end_date=organiser_earliest() - DAY)

    assert refused.value.code == "too_far_back"
    assert "Maksatus korjaa" in refused.value.message
    assert snapshot() == before
    customership_end(user=staff, customership=customership, end_date=organiser_earliest())
    assert Customership.objects.get(pk=customership.pk).end_date == organiser_earliest()


# --- moving it to another provider ---------------------------------------------------------------------


def test_customership_transfer__from_a_day_before_the_organisers_bound__refused_nothing_written(staff, voucher, office):
    customership = customership_at(office, voucher, start=organiser_earliest() - 100 * DAY)
    other = serving_office(voucher, name="Toinen")
    before = snapshot()

    with pytest.raises(DomainError) as refused:
        customership_transfer(user=staff, customership=customership, office=other,
                              start_date=organiser_earliest() - DAY, reason="Korjaus")

    assert refused.value.code == "too_far_back"
    assert snapshot() == before
    moved = customership_transfer(user=staff, customership=customership, office=other,
                                  start_date=organiser_earliest(), reason="Korjaus")
    assert moved.start_date == organiser_earliest()


# --- a month already paid: a correction line in the next run ----------------------------------------------


def test_customership_end__backdated_into_an_approved_month__next_run_deducts_it_and_the_paid_run_is_unchanged(
    monkeypatch, frozen_today
):
    day = dt.date(2025, 3, 10)
    frozen_today(day)
    monkeypatch.setattr(customers.services, "today", lambda: day)
    organiser = OrganiserFactory()
    staff = organiser_user(organiser)
    voucher = pay.capitation_voucher(organiser)
    provider = pay.priced_provider(voucher, fee=D("31.00"))
    customership = pay.customership(voucher, provider, start=dt.date(2025, 1, 1))
    january = pay.start_and_compute(user=staff, month=dt.date(2025, 1, 1))
    payment_run_approve(user=staff, run=january)
    paid_in_january = list(PaymentLine.objects.filter(payment__run=january).values_list("for_month", "amount"))
    assert paid_in_january == [(dt.date(2025, 1, 1), D("31.00"))]

    with pytest.raises(DomainError) as refused:  # its provider may not reach back into January
        customership_end(user=provider_user(provider), customership=customership, end_date=dt.date(2025, 1, 20))
    assert refused.value.code == "too_far_back"
    customership_end(user=staff, customership=customership, end_date=dt.date(2025, 1, 20))

    february = pay.start_and_compute(user=staff, month=dt.date(2025, 2, 1))
    assert list(PaymentLine.objects.filter(payment__run=february).values_list("for_month", "days", "amount")) == [
        (dt.date(2025, 1, 1), 20, D("-11.00")),  # 31 days paid, 20 due
    ]
    january.refresh_from_db()
    assert january.status == PaymentRun.Status.APPROVED
    assert list(PaymentLine.objects.filter(payment__run=january).values_list("for_month", "amount")) == paid_in_january


# --- the page and the API ask the same rule --------------------------------------------------------------


def test_customership_end_view__provider_15_days_back__the_form_says_the_earliest_day_nothing_written(
    client, provider, voucher, office
):
    customership = customership_at(office, voucher, start=today() - 60 * DAY)
    client.force_login(provider)
    before = snapshot()

    response = client.post(reverse("customers:end", args=[customership.pk]),
                           {"paattyy": (today() - 15 * DAY).isoformat()})

    assert response.status_code == 200
    assert f"Asiakkuuden loppupäivä voi olla aikaisintaan {fmt(today() - 14 * DAY)}." in response.content.decode()
    assert snapshot() == before


def test_api_customership_end__provider_key_15_days_back__422_too_far_back_nothing_written(
    client, provider, voucher, office
):
    customership = customership_at(office, voucher, start=today() - 60 * DAY)
    api = Api(client, make_key(provider))
    before = snapshot()

    response = api.post(
        f"/api/v1/customerships/{customership.pk}/end", {"end_date": str(today() - 15 * DAY)})

    assert response.status_code == 422, response.content
    assert response.json()["code"] == "too_far_back"
    assert snapshot() == before
