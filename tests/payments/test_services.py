"""The payment run's services: what a month pays, once; approval; marking paid."""

import datetime as dt
from decimal import Decimal as D

import pytest

from audit.models import AuditEntry
from core.dates import today
from core.errors import DomainError
from events.models import EventChange, EventStatus
from events.services import event_delete, event_update
from organisations.models import Membership
from payments.models import Payment, PaymentLine, PaymentRun
from payments.services import payment_run_approve, payment_run_mark_paid, payment_run_start
from tests.events.scenarios import days_ago, priced_reservation
from tests.factories import (
    EventFactory,
    OrganiserFactory,
    PriceListFactory,
    PriceListItemFactory,
    ServiceFactory,
    VoucherFactory,
    organiser_user,
    provider_user,
)
from tests.payments.scenarios import (
    capitation_voucher,
    credit,
    customership,
    event,
    priced_provider,
    reservation_of,
    start_and_compute,
)
from vouchers.models import PriceList, VoucherKind

pytestmark = pytest.mark.django_db

JUNE_2025 = dt.date(2025, 6, 1)  # 30 days
MAY_2025 = dt.date(2025, 5, 1)


def amounts_by_provider(run) -> dict:
    return {p.provider_id: p.amount for p in Payment.objects.filter(run=run)}


def written() -> tuple:
    return (
        PaymentRun.objects.count(), Payment.objects.count(), PaymentLine.objects.count(),
        list(EventChange.objects.values_list("pk", flat=True)),
    )


# --- capitation: the monthly fee pro rata by days ----------------------------------------------------


def test_payment_run_start__fee_65_eur_15_of_30_days_valid__pays_32_50(organiser, staff):
    voucher = capitation_voucher(organiser)
    provider = priced_provider(voucher, fee=D("65.00"))
    row = customership(voucher, provider, start=dt.date(2025, 6, 16))

    run = start_and_compute(user=staff, month=JUNE_2025)

    line = PaymentLine.objects.get(payment__run=run)
    assert (line.customership_id, line.days, line.amount) == (row.pk, 15, D("32.50"))
    assert amounts_by_provider(run) == {provider.pk: D("32.50")}
    assert (run.status, run.progress, run.just_started) == (PaymentRun.Status.READY, 100, True)


def test_payment_run_start__february_2028_leap_year__29_days(organiser, staff, frozen_today):
    frozen_today(dt.date(2028, 3, 10))
    whole, half = capitation_voucher(organiser), capitation_voucher(organiser)
    provider = priced_provider(whole, fee=D("65.00"))
    priced_provider(half, fee=D("65.00"), provider=provider)
    customership(whole, provider, start=dt.date(2028, 1, 1))
    customership(half, provider, start=dt.date(2028, 2, 15))  # 15.–29.2.: 15 of 29 days

    run = start_and_compute(user=staff, month=dt.date(2028, 2, 1))

    lines = {line.customership.voucher_id: (line.days, line.amount) for line in PaymentLine.objects.filter(payment__run=run)}
    assert lines == {whole.pk: (29, D("65.00")), half.pk: (15, D("33.62"))}  # 65 × 15 / 29 = 33,6206… → 33,62
    assert amounts_by_provider(run) == {provider.pk: D("98.62")}


def test_payment_run_start__customership_switch_mid_month__days_split_between_providers(organiser, staff):
    voucher = capitation_voucher(organiser)
    first, second = priced_provider(voucher, fee=D("65.00")), priced_provider(voucher, fee=D("65.00"))
    customership(voucher, first, start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 10))
    customership(voucher, second, start=dt.date(2025, 6, 11))

    run = start_and_compute(user=staff, month=JUNE_2025)

    days = {line.payment.provider_id: line.days for line in PaymentLine.objects.filter(payment__run=run)}
    assert days == {first.pk: 10, second.pk: 20}
    # 65 × 10 / 30 = 21,666… → 21,67 and 65 × 20 / 30 = 43,333… → 43,33 (each rounded half-up)
    assert amounts_by_provider(run) == {first.pk: D("21.67"), second.pk: D("43.33")}


def test_payment_run_start__voucher_closed_mid_month__paid_through_the_closing_day(organiser, staff):
    voucher = capitation_voucher(organiser, closed_on=dt.date(2025, 6, 6))
    provider = priced_provider(voucher, fee=D("60.00"))
    customership(voucher, provider, start=dt.date(2025, 1, 1))

    run = start_and_compute(user=staff, month=JUNE_2025)

    assert amounts_by_provider(run) == {provider.pk: D("12.00")}  # 60 × 6 / 30


def test_payment_run_start__no_monthly_price__refused_and_nothing_written(organiser, staff):
    voucher = capitation_voucher(organiser)
    provider = priced_provider(capitation_voucher(organiser))  # priced for another service only
    customership(voucher, provider, start=dt.date(2025, 1, 1))
    before = written()

    run = start_and_compute(user=staff, month=JUNE_2025)

    assert (run.status, run.phase) == (PaymentRun.Status.FAILED, PaymentRun.Phase.FAILED)
    assert "kuukausihintaa ei löydy" in run.error and voucher.number in run.error
    assert written()[1:] == before[1:]  # the run shows the failure; no payment, line or history


def test_payment_run_start__price_changes_mid_month__each_customership_at_the_price_of_its_first_valid_day(organiser, staff):
    """A run prices each distinct (provider, service, content, first valid day) once: customerships
    sharing one get the same fee, one starting after the new price list gets the new price."""
    service = ServiceFactory(kind=VoucherKind.CAPITATION)
    whole, same_key, late = (capitation_voucher(organiser, service=service) for _ in range(3))
    provider = priced_provider(whole, fee=D("60.00"))
    old_list = PriceList.objects.get(agreement__provider=provider)
    PriceList.objects.filter(pk=old_list.pk).update(valid_to=dt.date(2025, 6, 14))
    new_list = PriceListFactory(agreement=old_list.agreement, valid_from=dt.date(2025, 6, 15))
    PriceListItemFactory(price_list=new_list, content=whole.contents.get().content, unit_price=D("90.00"))
    customership(whole, provider, start=dt.date(2025, 1, 1))
    customership(same_key, provider, start=dt.date(2025, 3, 1))
    customership(late, provider, start=dt.date(2025, 6, 20))  # 20.–30.6.: 11 days at 90 €

    run = start_and_compute(user=staff, month=JUNE_2025)

    lines = {line.customership.voucher_id: (line.days, line.amount) for line in PaymentLine.objects.filter(payment__run=run)}
    assert lines == {whole.pk: (30, D("60.00")), same_key.pk: (30, D("60.00")), late.pk: (11, D("33.00"))}


def test_payment_run_start__voucher_without_monthly_content__refused_naming_it(organiser, staff):
    priced = capitation_voucher(organiser)
    provider = priced_provider(priced)
    customership(priced, provider, start=dt.date(2025, 1, 1))
    bare = VoucherFactory(organiser=organiser, service=priced.service, valid_from=dt.date(2020, 1, 1),
                          valid_to=dt.date(2030, 12, 31))  # no content priced by the month
    customership(bare, provider, start=dt.date(2025, 1, 1))

    run = start_and_compute(user=staff, month=JUNE_2025)

    assert run.status == PaymentRun.Status.FAILED
    assert "kuukausisisältö" in run.error and bare.number in run.error and priced.number not in run.error


# --- events: their voucher share -----------------------------------------------------------------------


def test_payment_run_start__events_voucher_shares_summed_per_provider(organiser, staff):
    reservation = reservation_of(organiser)
    purchased = reservation_of(organiser, provider=reservation.provider, kind="purchased_service")
    other = reservation_of(organiser)
    e1 = event(reservation, day=dt.date(2025, 6, 3), share=D("15.00"), total=D("25.00"))
    e2 = event(reservation, day=dt.date(2025, 6, 20), share=D("22.50"), total=D("30.00"))
    e3 = event(purchased, day=dt.date(2025, 6, 30), share=D("40.00"))  # purchased service: in full
    e4 = event(other, day=dt.date(2025, 6, 1), share=D("7.25"))

    run = start_and_compute(user=staff, month=JUNE_2025)

    assert amounts_by_provider(run) == {reservation.provider_id: D("77.50"), other.provider_id: D("7.25")}
    assert set(PaymentLine.objects.filter(payment__run=run).values_list("event_id", flat=True)) == {e1.pk, e2.pk, e3.pk, e4.pk}
    for row in (e1, e2, e3, e4):
        row.refresh_from_db()
        assert row.status == EventStatus.SETTLED


def test_payment_run_start__a_credit_deducts(organiser, staff):
    reservation = reservation_of(organiser)
    original = event(reservation, day=dt.date(2025, 5, 20), share=D("15.00"), status=EventStatus.SETTLED)
    credit(original, share=D("15.00"))
    event(reservation, day=dt.date(2025, 6, 2), share=D("25.00"))

    run = start_and_compute(user=staff, month=JUNE_2025)

    assert amounts_by_provider(run) == {reservation.provider_id: D("10.00")}
    assert sorted(PaymentLine.objects.filter(payment__run=run).values_list("amount", flat=True)) == [D("-15.00"), D("25.00")]


def test_payment_run_start__event_paid_in_an_earlier_run__not_paid_twice(organiser, staff):
    reservation = reservation_of(organiser)
    may = event(reservation, day=dt.date(2025, 5, 10), share=D("15.00"))
    may_run = start_and_compute(user=staff, month=MAY_2025)
    late = event(reservation, day=dt.date(2025, 5, 28), share=D("12.00"))  # approved after May was run
    june = event(reservation, day=dt.date(2025, 6, 10), share=D("20.00"))

    june_run = start_and_compute(user=staff, month=JUNE_2025)

    assert PaymentLine.objects.get(payment__run=may_run).event_id == may.pk
    assert set(PaymentLine.objects.filter(payment__run=june_run).values_list("event_id", flat=True)) == {late.pk, june.pk}
    assert amounts_by_provider(june_run) == {reservation.provider_id: D("32.00")}


def test_payment_run_start__unapproved_later_and_other_organisers_events__not_paid(organiser, staff):
    reservation = reservation_of(organiser)
    left_out = [
        event(reservation, day=dt.date(2025, 6, 5), share=D("1.00"), status=status)
        for status in (EventStatus.RECORDED, EventStatus.UNDER_REVIEW, EventStatus.REJECTED)
    ]
    left_out.append(event(reservation, day=dt.date(2025, 7, 1), share=D("2.00")))  # after the month
    left_out.append(event(reservation_of(OrganiserFactory()), day=dt.date(2025, 6, 5), share=D("3.00")))
    paid = event(reservation, day=dt.date(2025, 6, 5), share=D("4.00"))

    run = start_and_compute(user=staff, month=JUNE_2025)

    assert list(PaymentLine.objects.filter(payment__run=run).values_list("event_id", flat=True)) == [paid.pk]
    for row in left_out:
        status = row.status
        row.refresh_from_db()
        assert row.status == status


def test_payment_run_start__history_and_audit_written(organiser, staff):
    reservation = reservation_of(organiser)
    paid = event(reservation, day=dt.date(2025, 6, 5), share=D("4.00"))

    run = start_and_compute(user=staff, month=JUNE_2025)

    change = EventChange.objects.get(event=paid)
    assert (change.action, change.changed_by, change.changes) == (
        "settle", staff, {"status": ["approved", "settled"], "payment_run": [None, run.pk]}
    )
    entry = AuditEntry.objects.get(action="change", what__startswith="Maksatus 6/2025 laskettu")
    assert entry.user == staff and "4,00 €" in entry.what


def test_payment_run_start__nothing_to_pay__an_empty_ready_run(organiser, staff):
    run = start_and_compute(user=staff, month=JUNE_2025)
    assert (run.status, run.progress, run.payments.count()) == (PaymentRun.Status.READY, 100, 0)


# --- once per organiser and month ------------------------------------------------------------------


def test_payment_run_start__second_start__returns_the_same_run_and_no_new_lines(organiser, staff):
    reservation = reservation_of(organiser)
    event(reservation, day=dt.date(2025, 6, 5), share=D("4.00"))
    first = start_and_compute(user=staff, month=JUNE_2025)
    event(reservation, day=dt.date(2025, 6, 6), share=D("5.00"))  # arrives after the run
    before = written()

    again = payment_run_start(user=organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN), month=JUNE_2025)

    assert again.pk == first.pk and again.just_started is False
    assert written() == before
    assert PaymentRun.objects.filter(organiser=organiser, month=JUNE_2025).count() == 1


def test_payment_run_start__same_month_of_another_organiser__its_own_run(organiser, staff):
    other = organiser_user(OrganiserFactory())
    assert start_and_compute(user=staff, month=JUNE_2025).pk != start_and_compute(user=other, month=JUNE_2025).pk


@pytest.mark.parametrize(
    "month, code",
    [
        (lambda: (today().replace(day=1) + dt.timedelta(days=32)).replace(day=1), "month_not_ended"),
        (lambda: dt.date(2025, 6, 2), "month_invalid"),
        (lambda: "2025-06", "month_invalid"),
    ],
)
def test_payment_run_start__future_or_not_a_first_day__refused(organiser, staff, month, code):
    before = written()
    with pytest.raises(DomainError) as error:
        payment_run_start(user=staff, month=month())
    assert error.value.code == code
    assert written() == before


def test_payment_run_start__current_month__refused_until_it_has_ended(organiser, staff):
    with pytest.raises(DomainError) as error:
        start_and_compute(user=staff, month=today().replace(day=1))
    assert error.value.code == "month_not_ended"
    assert PaymentRun.objects.count() == 0


def test_payment_run_start__provider_user__refused(organiser):
    with pytest.raises(DomainError) as error:
        payment_run_start(user=provider_user(), month=JUNE_2025)
    assert error.value.code == "organiser_only"
    assert PaymentRun.objects.count() == 0


# --- approval and after ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Membership.Role.ORGANISER_ADMIN, Membership.Role.ORGANISER_STAFF])
def test_payment_run_approve__ready__approved_by_organiser_admin_or_staff(organiser, staff, role):
    run = start_and_compute(user=staff, month=JUNE_2025)
    approver = organiser_user(organiser, role=role)

    payment_run_approve(user=approver, run=run)

    run.refresh_from_db()
    assert (run.status, run.approved_by) == (PaymentRun.Status.APPROVED, approver)
    assert run.approved_at is not None


def test_payment_run_approve__twice__refused(organiser, staff):
    run = start_and_compute(user=staff, month=JUNE_2025)
    payment_run_approve(user=staff, run=run)
    with pytest.raises(DomainError, match="jo hyväksytty"):
        payment_run_approve(user=staff, run=run)


def test_payment_run_approve__running__refused(organiser, staff):
    run = start_and_compute(user=staff, month=JUNE_2025)
    PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.RUNNING)
    with pytest.raises(DomainError, match="vielä käynnissä"):
        payment_run_approve(user=staff, run=run)


@pytest.mark.parametrize("who", ["provider", "other organiser"])
def test_payment_run_approve__someone_else__refused_and_nothing_written(organiser, staff, who):
    run = start_and_compute(user=staff, month=JUNE_2025)
    user = provider_user() if who == "provider" else organiser_user(OrganiserFactory())
    with pytest.raises(DomainError) as refused:
        payment_run_approve(user=user, run=run)
    assert refused.value.code == ("organiser_only" if who == "provider" else "run_not_found")
    run.refresh_from_db()
    assert run.status == PaymentRun.Status.READY and run.approved_by is None


def test_payment_run_approve__events_locked__provider_cannot_edit_or_delete(organiser, staff, frozen_today):
    reservation = priced_reservation(organiser=organiser)
    provider = provider_user(reservation.provider)
    paid = EventFactory(reservation=reservation, date=days_ago(1), status=EventStatus.APPROVED)
    # the control: before the run, the provider may still change it
    event_update(user=provider, event_id=paid.pk, date=days_ago(1), quantity=D("1"), note="ennen maksatusta")
    paid.refresh_from_db()
    assert paid.status == EventStatus.APPROVED
    frozen_today((paid.date.replace(day=1) + dt.timedelta(days=32)).replace(day=1))  # the month has ended
    run = start_and_compute(user=staff, month=paid.date.replace(day=1))
    payment_run_approve(user=staff, run=run)

    with pytest.raises(DomainError) as update_error:
        event_update(user=provider, event_id=paid.pk, date=days_ago(1), quantity=D("2"))
    with pytest.raises(DomainError) as delete_error:
        event_delete(user=provider, event_id=paid.pk)

    assert update_error.value.code == delete_error.value.code == "event_settled"
    paid.refresh_from_db()
    assert (paid.status, paid.quantity) == (EventStatus.SETTLED, D("1.00"))
    assert EventChange.objects.filter(event=paid, action="payment_approved").count() == 1


def test_payment_run_mark_paid__approved__events_paid(organiser, staff):
    reservation = reservation_of(organiser)
    paid = event(reservation, day=dt.date(2025, 6, 5), share=D("4.00"))
    run = start_and_compute(user=staff, month=JUNE_2025)
    with pytest.raises(DomainError, match="Vain hyväksytyn"):
        payment_run_mark_paid(user=staff, run=run)
    payment_run_approve(user=staff, run=run)

    assert payment_run_mark_paid(user=staff, run=run) == 1

    paid.refresh_from_db()
    assert paid.status == EventStatus.PAID
    with pytest.raises(DomainError, match="jo merkitty"):
        payment_run_mark_paid(user=staff, run=run)
