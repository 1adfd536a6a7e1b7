import datetime as dt

import pytest

from core.dates import today
from customers.selectors import customership_days_in_month, customerships_for_user, voucher_customerships
from tests.customers.scenarios import DAY, capitation_voucher, customership_at, serving_office
from tests.factories import OfficeFactory, OrganiserFactory, organiser_user, provider_user

pytestmark = pytest.mark.django_db


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.fixture
def organiser():
    return OrganiserFactory()


def long_voucher(organiser, **kwargs):
    kwargs.setdefault("valid_from", d("2026-01-01"))
    kwargs.setdefault("valid_to", d("2030-12-31"))
    return capitation_voucher(organiser=organiser, **kwargs)


def days_of(organiser, month):
    return {(row.customership.pk): row.days for row in customership_days_in_month(organiser=organiser, month=month)}


def customership(voucher, *, start, end=None):
    return customership_at(OfficeFactory(), voucher, start=d(start), end=d(end) if end else None,
                           locked_until=d(start))


# --- valid days in a month (payments) --------------------------------------------------------


@pytest.mark.parametrize("month, days", [
    ("2028-01-01", 31), ("2028-02-01", 29), ("2027-02-01", 28), ("2029-02-01", 28), ("2028-04-01", 30),
    ("2028-12-01", 31),
])
def test_customership_days_in_month__whole_month__every_day_of_it_leap_years_included(organiser, month, days):
    row = customership(long_voucher(organiser), start="2026-06-01")

    assert days_of(organiser, d(month)) == {row.pk: days}


def test_customership_days_in_month__century_year_2100__february_has_28_days(organiser):
    voucher = long_voucher(organiser, valid_to=d("2100-12-31"))
    row = customership(voucher, start="2026-06-01")

    assert days_of(organiser, d("2100-02-01")) == {row.pk: 28}


def test_customership_days_in_month__any_day_of_the_month_names_the_month(organiser):
    row = customership(long_voucher(organiser), start="2026-06-01")

    assert days_of(organiser, d("2028-02-17")) == {row.pk: 29}


def test_customership_days_in_month__starts_on_leap_day__one_day_in_february(organiser):
    row = customership(long_voucher(organiser), start="2028-02-29")

    assert days_of(organiser, d("2028-02-01")) == {row.pk: 1}
    assert days_of(organiser, d("2028-01-01")) == {}


def test_customership_days_in_month__switch_at_month_edge__each_paid_its_own_month(organiser):
    voucher = long_voucher(organiser)
    old = customership(voucher, start="2027-06-01", end="2028-01-31")
    new = customership(voucher, start="2028-02-01")

    assert days_of(organiser, d("2028-01-01")) == {old.pk: 31}
    assert days_of(organiser, d("2028-02-01")) == {new.pk: 29}


def test_customership_days_in_month__switch_mid_month__days_split_without_double_counting(organiser):
    voucher = long_voucher(organiser)
    old = customership(voucher, start="2027-06-01", end="2028-02-14")
    new = customership(voucher, start="2028-02-15")

    assert days_of(organiser, d("2028-02-01")) == {old.pk: 14, new.pk: 15}


def test_customership_days_in_month__voucher_closed_mid_month__counts_up_to_the_closing_day(organiser):
    voucher = long_voucher(organiser, closed_on=d("2028-02-10"))
    row = customership(voucher, start="2027-06-01")

    assert days_of(organiser, d("2028-02-01")) == {row.pk: 10}
    assert days_of(organiser, d("2028-03-01")) == {}


def test_customership_days_in_month__voucher_closed_on_the_last_day_of_the_month__whole_month(organiser):
    row = customership(long_voucher(organiser, closed_on=d("2028-02-29")), start="2027-06-01")

    assert days_of(organiser, d("2028-02-01")) == {row.pk: 29}
    assert days_of(organiser, d("2028-03-01")) == {}


def test_customership_days_in_month__voucher_closed_before_the_customership_began__no_days(organiser):
    customership(long_voucher(organiser, closed_on=d("2028-02-10")), start="2028-02-20")

    assert days_of(organiser, d("2028-02-01")) == {}


def test_customership_days_in_month__never_before_validity_starts_or_after_it_ends(organiser):
    starts_late = customership(long_voucher(organiser, valid_from=d("2028-02-20")), start="2028-01-01")
    ends_early = customership(long_voucher(organiser, valid_to=d("2028-02-05")), start="2027-01-01")

    assert days_of(organiser, d("2028-02-01")) == {starts_late.pk: 10, ends_early.pk: 5}
    assert days_of(organiser, d("2028-03-01")) == {starts_late.pk: 31}


def test_customership_days_in_month__first_and_last_day_given(organiser):
    customership(long_voucher(organiser), start="2028-02-03", end="2028-02-27")

    [row] = customership_days_in_month(organiser=organiser, month=d("2028-02-01"))

    assert (row.first_day, row.last_day, row.days) == (d("2028-02-03"), d("2028-02-27"), 25)


def test_customership_days_in_month__other_organisers_customerships__left_out(organiser):
    customership(long_voucher(OrganiserFactory()), start="2027-01-01")
    mine = customership(long_voucher(organiser), start="2027-01-01")

    assert days_of(organiser.pk, d("2028-02-01")) == {mine.pk: 29}


def test_customership_days_in_month__many_customerships__one_query(organiser, django_assert_num_queries):
    for _ in range(5):
        customership(long_voucher(organiser), start="2027-01-01")

    with django_assert_num_queries(1):
        rows = customership_days_in_month(organiser=organiser, month=d("2028-02-01"))
        assert [row.customership.provider.name for row in rows] and [row.customership.voucher.number for row in rows]

    assert len(rows) == 5


# --- who sees which customerships ------------------------------------------------------------


def test_customerships_for_user__provider_own_and_organiser_its_organisers():
    voucher = capitation_voucher()
    mine = customership_at(serving_office(voucher), voucher, end=today() - 10 * DAY)
    theirs = customership_at(serving_office(voucher), voucher, start=today() - 9 * DAY)
    elsewhere = customership_at(OfficeFactory(provider=mine.provider), capitation_voucher())

    assert set(customerships_for_user(provider_user(mine.provider))) == {mine, elsewhere}
    assert set(customerships_for_user(organiser_user(voucher.organiser))) == {mine, theirs}
    assert set(customerships_for_user(organiser_user())) == set()


def test_voucher_customerships__competitor__sees_only_that_a_lock_in_runs_and_its_end():
    voucher = capitation_voucher()
    theirs = customership_at(serving_office(voucher), voucher, locked_until=today() + 20 * DAY)
    me = provider_user(serving_office(voucher).provider)

    info = voucher_customerships(user=me, voucher=voucher)

    assert info.active == [] and info.history == []
    assert info.other_provider.locked_until == theirs.locked_until
    assert info.other_provider.lock_in_running is True
    assert info.other_provider.earliest_switch == theirs.locked_until + DAY
    assert info.can_manage is False


def test_voucher_customerships__organiser__sees_current_and_history():
    voucher = capitation_voucher()
    old = customership_at(serving_office(voucher), voucher, start=today() - 50 * DAY, end=today() - 11 * DAY)
    current = customership_at(serving_office(voucher), voucher, start=today() - 10 * DAY)

    info = voucher_customerships(user=organiser_user(voucher.organiser), voucher=voucher)

    assert info.active == [current] and info.history == [old]
    assert info.other_provider is None and info.can_manage is True


def test_voucher_customerships__voucher_closed__its_customership_moves_to_history():
    voucher = capitation_voucher(closed_on=today() - DAY)
    row = customership_at(serving_office(voucher), voucher)

    info = voucher_customerships(user=provider_user(row.provider), voucher=voucher)

    assert info.active == [] and info.history == [row]
    assert info.history[0].effective_end == today() - DAY


@pytest.mark.parametrize("ends_in_days, offered", [(0, False), (1, True), (None, True)])
def test_voucher_customerships__end_offered_only_while_something_is_left_to_end(ends_in_days, offered):
    """Issue 23, item 5: a customership ending today (just ended by "Päätä asiakkuus") is not
    offered "Päätä asiakkuus" again; one ending later, or until further notice, is."""
    voucher = capitation_voucher()
    end = None if ends_in_days is None else today() + ends_in_days * DAY
    row = customership_at(serving_office(voucher), voucher, end=end)

    info = voucher_customerships(user=organiser_user(voucher.organiser), voucher=voucher)

    assert info.active == [row] and info.active[0].can_end is offered
