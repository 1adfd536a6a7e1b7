"""event_record: prices, shares, balances and every refusal (which writes nothing)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from audit.models import AuditEntry
from core.dates import today
from core.errors import DomainError
from events.models import Event, EventChange, EventStatus
from events.services import event_record
from tests.events.scenarios import balance_reservation, days_ago, priced_reservation
from tests.factories import EventFactory, PriceListFactory, organiser_user, provider_user
from vouchers.models import VoucherContent, VoucherKind

pytestmark = pytest.mark.django_db


def record(reservation, *, user=None, day=None, quantity="1", **kwargs):
    return event_record(
        user=user or reservation.created_by,
        reservation_id=reservation.pk,
        date=day or days_ago(1),
        quantity=D(quantity),
        content_id=kwargs.pop("content_id", reservation.voucher_content_id),
        **kwargs,
    )


def assert_refused(code, reservation, **kwargs):
    events, changes, audits = Event.objects.count(), EventChange.objects.count(), AuditEntry.objects.count()
    with pytest.raises(DomainError) as error:
        record(reservation, **kwargs)
    assert error.value.code == code
    assert error.value.message
    assert (Event.objects.count(), EventChange.objects.count(), AuditEntry.objects.count()) == (events, changes, audits)
    return error.value


def test_event_record__price_25_voucher_value_15__voucher_15_customer_10():
    reservation = priced_reservation(unit_price=D("25.00"), unit_value=D("15.00"))
    event = record(reservation, quantity="1")
    assert (event.unit_price, event.total, event.voucher_share, event.customer_share) == (
        D("25.00"), D("25.00"), D("15.00"), D("10.00"),
    )
    assert event.status == EventStatus.APPROVED


def test_event_record__one_and_a_half_hours_at_33_33__rounds_half_up_to_cents():
    reservation = priced_reservation(unit_price=D("33.33"), unit_value=D("20.00"))
    event = record(reservation, quantity="1.5")
    event.refresh_from_db()
    assert (event.total, event.voucher_share, event.customer_share) == (D("50.00"), D("30.00"), D("20.00"))


def test_event_record__purchased_service__organiser_pays_in_full():
    reservation = priced_reservation(kind=VoucherKind.PURCHASED_SERVICE, unit_price=D("42.50"), unit_value=D("15.00"))
    event = record(reservation, quantity="2")
    assert (event.total, event.voucher_share, event.customer_share) == (D("85.00"), D("85.00"), D("0.00"))


def test_event_record__price_from_the_price_list_valid_on_the_events_date():
    reservation = priced_reservation(unit_price=D("25.00"), unit_value=D("15.00"))
    old_list = reservation.provider.agreements.get().price_lists.get()
    old_list.valid_to = days_ago(11)
    old_list.save()
    new_list = PriceListFactory(agreement=old_list.agreement, valid_from=days_ago(10))
    new_list.items.create(content=reservation.voucher_content.content, unit_price=D("30.00"))
    assert record(reservation, day=days_ago(20)).unit_price == D("25.00")
    assert record(reservation, day=days_ago(5)).unit_price == D("30.00")


def test_event_record__balance_voucher__draws_the_balance_down():
    reservation = balance_reservation(amount=D("500.00"))
    event = record(reservation, quantity="120.00")
    assert (event.total, event.voucher_share, event.customer_share) == (D("120.00"), D("120.00"), D("0.00"))
    event = record(reservation, quantity="380.00")
    assert event.status == EventStatus.APPROVED


def test_event_record__balance_would_go_negative__refused():
    reservation = balance_reservation(amount=D("500.00"))
    record(reservation, quantity="450.00")
    error = assert_refused("balance_exceeded", reservation, quantity="50.01")
    assert "jäljellä 50,00\u00a0€, kirjaus 50,01\u00a0€" in error.message


def test_event_record__rejected_events_do_not_use_the_balance():
    reservation = balance_reservation(amount=D("100.00"))
    EventFactory(reservation=reservation, quantity=D("100"), unit_price=D("1.00"), total=D("100.00"),
                 voucher_share=D("100.00"), customer_share=D("0.00"), status=EventStatus.REJECTED)
    assert record(reservation, quantity="100.00").status == EventStatus.APPROVED


def test_event_record__within_what_was_granted__approved_automatically():
    reservation = priced_reservation(quantity=D("2"))
    assert record(reservation, quantity="2").status == EventStatus.APPROVED
    assert EventChange.objects.filter(event__reservation=reservation, action="record").count() == 1
    assert AuditEntry.objects.filter(action="change", customer_id=reservation.voucher.customer_id).exists()


def test_event_record__past_what_was_granted__waits_for_review():
    reservation = priced_reservation(quantity=D("2"))
    record(reservation, quantity="1.5")
    assert record(reservation, quantity="1").status == EventStatus.UNDER_REVIEW


def test_event_record__monthly_grant__last_months_events_do_not_count():
    reservation = priced_reservation(quantity=D("2"), period=VoucherContent.Period.MONTH, valid_from=today() - dt.timedelta(days=90))
    last_month = today().replace(day=1) - dt.timedelta(days=1)
    EventFactory(reservation=reservation, date=last_month, quantity=D("2"), total=D("50.00"),
                 voucher_share=D("30.00"), customer_share=D("20.00"), status=EventStatus.APPROVED)
    assert record(reservation, day=today(), quantity="2").status == EventStatus.APPROVED
    assert record(reservation, day=today(), quantity="1").status == EventStatus.UNDER_REVIEW


def test_event_record__date_in_the_future__refused():
    assert_refused("date_in_future", priced_reservation(), day=today() + dt.timedelta(days=1))


def test_event_record__date_before_validity__refused():
    reservation = priced_reservation(valid_from=days_ago(10))
    error = assert_refused("date_outside_validity", reservation, day=days_ago(11))
    assert "voimassaoloaikana" in error.message


def test_event_record__date_after_voucher_closed__refused():
    reservation = priced_reservation(valid_from=days_ago(30), closed_on=days_ago(5))
    assert_refused("date_outside_validity", reservation, day=days_ago(4))


def test_event_record__no_valid_price_on_that_date__refused():
    reservation = priced_reservation()
    price_list = reservation.provider.agreements.get().price_lists.get()
    price_list.valid_from = days_ago(3)
    price_list.save()
    assert_refused("no_price", reservation, day=days_ago(4))


@pytest.mark.parametrize("quantity", ["0", "-1"])
def test_event_record__zero_or_negative_quantity__refused(quantity):
    assert_refused("quantity_not_positive", priced_reservation(), quantity=quantity)


def test_event_record__content_not_the_reserved_one__refused():
    reservation = priced_reservation()
    other = type(reservation.voucher_content).objects.create(
        voucher=reservation.voucher, content=reservation.voucher_content.content.__class__.objects.create(
            service=reservation.voucher.service, name="Toinen sisältö", unit="visit"), quantity=D("5"))
    assert_refused("content_not_reserved", reservation, content_id=other.pk)


def test_event_record__other_providers_reservation__refused():
    reservation = priced_reservation()
    assert_refused("reservation_not_found", reservation, user=provider_user())


def test_event_record__other_organisers_user__refused():
    reservation = priced_reservation()
    assert_refused("reservation_not_found", reservation, user=organiser_user())


def test_event_record__own_organisers_staff__records_on_the_providers_behalf():
    reservation = priced_reservation()
    user = organiser_user(reservation.voucher.organiser)
    assert record(reservation, user=user).created_by == user


def test_a_broken_check_constraint_is_refused_in_finnish_and_writes_nothing(monkeypatch):
    """A recording leaves the check constraints to the database (no query per constraint): a row that
    breaks one (here shares that do not add up, as a pricing bug would make) is still refused as
    a DomainError in Finnish, not a 500, and nothing of the recording is left."""
    import events.recording as recording

    reservation = priced_reservation()
    priced = recording.priced

    def wrong(**kwargs):
        prices = priced(**kwargs)
        return {**prices, "total": prices["total"] + D("1.00")}

    monkeypatch.setattr(recording, "priced", wrong)
    error = assert_refused("invalid", reservation)
    assert "Tarkista" in error.message


def test_recording_does_not_validate_constraints_with_queries(django_assert_max_num_queries):
    """The constraints are checked by the INSERT, not by a SELECT and a savepoint each."""
    reservation = priced_reservation()
    user = reservation.created_by
    record(reservation, user=user)  # warm: content types, the user's membership
    with django_assert_max_num_queries(14) as captured:
        record(reservation, user=user)
    assert not [q for q in captured.captured_queries if '"_check"' in q["sql"]]
