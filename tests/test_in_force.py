"""One meaning of "in force" (issue 20): the edge cases of a customership's and a reservation's
days, asked of every place that answers them — the model (one row in hand), the query (lists,
filters), the voucher card, the API and a payment run — which must agree on each.

The decision for a voucher past its ``valid_to`` that was never closed: it ended on ``valid_to``
(DESIGN), so what hangs on it ended then too, its state is "päättynyt", and nothing is paid after.
"""

import datetime as dt
from decimal import Decimal

import pytest

import events.filters
import reservations.filters
from api.routers.customerships import customership_body
from api.routers.reservations import reservation_body
from core.dates import month_bounds
from customers.models import Customership
from customers.selectors import customerships_valid_in_month, voucher_customerships
from events.filters import VoucherTabFilter
from payments.models import PaymentLine
from reservations.filters import ReservationFilter
from reservations.models import Reservation
from tests.factories import OrganiserFactory, organiser_user
from tests.payments.scenarios import (
    LONG_AGO,
    capitation_voucher,
    customership,
    priced_provider,
    reservation_of,
    start_and_compute,
)
from vouchers.models import (
    Voucher,
    VoucherState,
    end_with_voucher_expression,
    voucher_effective_end,
    voucher_in_force_q,
    voucher_state_q,
)

pytestmark = pytest.mark.django_db

OCTOBER = dt.date(2026, 10, 1)  # an ended month: a payment run may run it


def october(day: int) -> dt.date:
    return OCTOBER.replace(day=day)


def every_day(month: dt.date):
    first, last = month_bounds(month)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


# Each case: the voucher's validity and closing, the customership's start, end and lock-in, and
# what every place must answer: the effective end and the days in force in October.
CASES = {
    "valid_to passed, never closed": dict(
        voucher=dict(valid_to=october(20)), start=dt.date(2026, 9, 1), end=None,
        effective_end=october(20), in_force=(1, 20),
    ),
    "closed on the day asked (the closing day still counts)": dict(
        voucher=dict(closed_on=october(15)), start=dt.date(2026, 9, 1), end=None,
        effective_end=october(15), in_force=(1, 15),
    ),
    "closed before the customership began": dict(
        voucher=dict(closed_on=october(5)), start=october(10), end=None,
        effective_end=october(5), in_force=None,
    ),
    "own end date = valid_to": dict(
        voucher=dict(valid_to=october(31)), start=dt.date(2026, 9, 1), end=october(31),
        effective_end=october(31), in_force=(1, 31),
    ),
    "own end before the voucher's end": dict(
        voucher=dict(), start=october(3), end=october(12),
        effective_end=october(12), in_force=(3, 12),
    ),
    "voucher begins after the customership's start day": dict(
        voucher=dict(valid_from=october(8)), start=october(8), end=None,
        effective_end=dt.date(2030, 12, 31), in_force=(8, 31),
    ),
}


@pytest.fixture
def frozen(monkeypatch):
    """Today, as the lists' filters see it."""

    def _freeze(day: dt.date):
        monkeypatch.setattr(reservations.filters, "today", lambda: day)
        monkeypatch.setattr(events.filters, "today", lambda: day)

    return _freeze


def make_customership(case):
    organiser_voucher = dict(case["voucher"])
    organiser_voucher.setdefault("valid_from", LONG_AGO)
    voucher = capitation_voucher(OrganiserFactory(), **organiser_voucher)
    provider = priced_provider(voucher, fee=Decimal("31.00"))
    row = customership(voucher, provider, start=case["start"], end=case["end"])
    return Customership.objects.select_related("voucher", "provider", "office").get(pk=row.pk)


def expected_days(case) -> set[dt.date]:
    if case["in_force"] is None:
        return set()
    first, last = case["in_force"]
    return {october(day) for day in range(first, last + 1)}


@pytest.mark.parametrize("name", CASES)
def test_customership__model_query_card_api_and_payment_run_agree(name):
    case = CASES[name]
    row = make_customership(case)
    voucher = row.voucher
    staff = organiser_user(voucher.organiser)

    # The effective end: the model, the query expression and the API.
    assert row.effective_end == case["effective_end"]
    annotated = Customership.objects.annotate(effective_end_on=end_with_voucher_expression("end_date"))
    assert annotated.get(pk=row.pk).effective_end_on == case["effective_end"]
    assert customership_body(row)["end_date"] == case["effective_end"]

    # Each day of October: the model, the query and the voucher card say the same.
    days = set()
    for day in every_day(OCTOBER):
        in_force = row.in_force_on(day)
        assert Customership.objects.in_force_on(day).filter(pk=row.pk).exists() == in_force, day
        card = voucher_customerships(user=staff, voucher=voucher, day=day)
        status = {shown.pk: shown.status for shown in card.active + card.history}[row.pk]
        assert (status == "current") == in_force, (day, status)
        if in_force:
            days.add(day)
    assert days == expected_days(case)

    # The provider's month so far and the payment run pay exactly those days.
    valid = {found.pk: found.days for found in customerships_valid_in_month(organiser_id=voucher.organiser_id, month=OCTOBER)}
    assert valid.get(row.pk, 0) == len(days)
    start_and_compute(user=staff, month=OCTOBER)
    paid = PaymentLine.objects.filter(customership=row, for_month=OCTOBER).values_list("days", "amount")
    if days:
        assert list(paid) == [(len(days), Decimal("1.00") * len(days))]  # 31 € a month of 31 days
    else:
        assert not paid.exists()


def test_customership__past_valid_to__ended_on_the_card_after_it_and_the_end_is_that_day():
    row = make_customership(CASES["valid_to passed, never closed"])
    staff = organiser_user(row.voucher.organiser)

    card = voucher_customerships(user=staff, voucher=row.voucher, day=october(21))

    assert [shown.pk for shown in card.history] == [row.pk] and card.active == []
    assert card.history[0].end_cause == "voucher" and card.history[0].effective_end == october(20)


def test_customership__lock_in_day__still_locked_then_free_the_next_day_and_in_force_throughout():
    case = CASES["own end date = valid_to"]
    row = make_customership(case)
    Customership.objects.filter(pk=row.pk).update(locked_until=october(12))
    row.refresh_from_db()

    assert row.lock_in_running(october(12)) and not row.lock_in_running(october(13))
    assert row.in_force_on(october(12)) and row.in_force_on(october(13))


# --- the voucher's own state and the reservation that hangs on it -----------------------------------

VOUCHER_CASES = {
    # name: (voucher fields, day asked, state, in force, reservation in force)
    "open, in force": (dict(), october(10), VoucherState.OPEN, True, True),
    "valid_to passed, never closed": (dict(valid_to=october(20)), october(21), VoucherState.ENDED, False, False),
    "the valid_to day itself": (dict(valid_to=october(20)), october(20), VoucherState.OPEN, True, True),
    "closed on the day asked": (dict(closed_on=october(15)), october(15), VoucherState.CLOSED, True, True),
    "closed the day before": (dict(closed_on=october(15)), october(16), VoucherState.CLOSED, False, False),
    "not begun yet": (dict(valid_from=october(25)), october(10), VoucherState.OPEN, False, True),
}


@pytest.mark.parametrize("name", VOUCHER_CASES)
def test_voucher_and_reservation__model_query_filters_and_api_agree(name, frozen):
    fields, day, state, in_force, reservation_in_force = VOUCHER_CASES[name]
    reservation = reservation_of(OrganiserFactory())
    Voucher.objects.filter(pk=reservation.voucher_id).update(**fields)
    reservation = Reservation.objects.select_related("voucher").get(pk=reservation.pk)
    voucher = reservation.voucher
    staff = organiser_user(voucher.organiser)
    frozen(day)

    # The voucher: its state and its days in force, one row in hand and as a query.
    assert voucher.state_on(day) == state
    assert Voucher.objects.filter(voucher_state_q(state, day, voucher="")).filter(pk=voucher.pk).exists()
    for other in set(VoucherState) - {state}:
        assert not Voucher.objects.in_state(other, day).filter(pk=voucher.pk).exists()
    assert voucher.in_force_on(day) == in_force
    assert Voucher.objects.filter(voucher_in_force_q(day, voucher=""), pk=voucher.pk).exists() == in_force
    end = Voucher.objects.annotate(end=voucher_effective_end(voucher="")).get(pk=voucher.pk).end
    assert end == voucher.effective_end

    # The Ostovoimat tab's state filter says the same state.
    tab = VoucherTabFilter({"tila": state}, queryset=Reservation.objects.all(), user=staff)
    assert list(tab.qs) == [reservation]

    # The reservation: its effective end (model, expression, API) and the Palveluvaraukset filter.
    annotated = Reservation.objects.annotate(effective_end_on=end_with_voucher_expression("ended_on"))
    ends = annotated.get(pk=reservation.pk).effective_end_on
    assert reservation.effective_end == ends == reservation_body(reservation)["ends_on"]
    assert (reservation.effective_end >= day) == reservation_in_force
    assert Reservation.objects.in_force_on(day).filter(pk=reservation.pk).exists() == reservation_in_force
    shown = {
        value: list(ReservationFilter({"tila": value}, queryset=Reservation.objects.all(), user=staff).qs)
        for value in ("voimassa", "paattyneet")
    }
    assert shown == ({"voimassa": [reservation], "paattyneet": []} if reservation_in_force
                     else {"voimassa": [], "paattyneet": [reservation]})


@pytest.mark.parametrize("fields", [dict(), dict(valid_to=october(20)), dict(closed_on=october(15))])
def test_expression__end_with_voucher__the_least_of_own_end_and_the_voucher_end(fields):
    case = dict(CASES["own end before the voucher's end"], voucher=fields, end=None)
    row = make_customership(case)
    for own_end in (None, october(10), october(18), dt.date(2031, 1, 1)):
        Customership.objects.filter(pk=row.pk).update(end_date=own_end)
        row.refresh_from_db()
        annotated = Customership.objects.annotate(end=end_with_voucher_expression("end_date")).get(pk=row.pk).end
        assert annotated == row.effective_end, own_end
