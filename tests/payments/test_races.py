"""Two starts of the same organiser's month at the same moment: one run, no line twice."""

import datetime as dt
from decimal import Decimal as D

import pytest
from procrastinate.contrib.django import app

from events.models import EventChange, EventStatus
from organisations.models import Membership
from payments.models import Payment, PaymentLine, PaymentRun
from payments.services import payment_run_start
from tests.conftest import run_queued_jobs
from tests.customers.scenarios import run_at_once
from tests.factories import OrganiserFactory, organiser_user
from tests.payments.scenarios import capitation_voucher, customership, event, priced_provider, reservation_of

JUNE_2025 = dt.date(2025, 6, 1)


@pytest.mark.django_db(transaction=True)
def test_payment_run_start__two_at_once__exactly_one_run_and_no_duplicate_lines():
    organiser = OrganiserFactory()
    staff = organiser_user(organiser)
    admin = organiser_user(organiser, role=Membership.Role.ORGANISER_ADMIN)
    reservation = reservation_of(organiser)
    events = [event(reservation, day=dt.date(2025, 6, day), share=D("10.00")) for day in (1, 2, 3)]
    voucher = capitation_voucher(organiser)
    customership(voucher, priced_provider(voucher, fee=D("65.00")), start=dt.date(2025, 6, 16))

    results = run_at_once(
        lambda: payment_run_start(user=staff, month=JUNE_2025).pk,
        lambda: payment_run_start(user=admin, month=JUNE_2025).pk,
    )

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert results[0][1] == results[1][1]  # the loser got the winner's run
    assert run_queued_jobs(app.connector) == 1  # one job was queued: computed once
    run = PaymentRun.objects.get(organiser=organiser, month=JUNE_2025)
    assert run.status == PaymentRun.Status.READY
    assert Payment.objects.filter(run=run).count() == 2
    assert PaymentLine.objects.filter(payment__run=run).count() == 4
    assert sum(Payment.objects.filter(run=run).values_list("amount", flat=True)) == D("62.50")
    for row in events:
        row.refresh_from_db()
        assert row.status == EventStatus.SETTLED
    assert EventChange.objects.filter(action="settle").count() == 3


@pytest.mark.django_db(transaction=True)
def test_payment_run_start__two_months_at_once__each_event_paid_once():
    """May's and June's runs both want May's approved events (not yet paid): they take turns."""
    organiser = OrganiserFactory()
    staff = organiser_user(organiser)
    reservation = reservation_of(organiser)
    for day in range(1, 11):
        event(reservation, day=dt.date(2025, 5, day), share=D("1.00"))

    results = run_at_once(
        lambda: payment_run_start(user=staff, month=dt.date(2025, 5, 1)).pk,
        lambda: payment_run_start(user=staff, month=JUNE_2025).pk,
    )

    assert [kind for kind, _ in results] == ["ok", "ok"], results
    assert run_queued_jobs(app.connector) == 2
    assert PaymentLine.objects.filter(event__reservation=reservation).count() == 10
    assert sum(Payment.objects.filter(run__organiser=organiser).values_list("amount", flat=True)) == D("10.00")
