"""Payment runs in the background: the monthly schedule, late changes paid once as corrections,
a worker that is not running, and a real worker process on the test database."""

import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from events.models import EventStatus
from payments import tasks
from payments.models import Payment, PaymentLine, PaymentRun
from payments.services import STUCK_AFTER, payment_run_start
from tests.factories import OrganiserFactory
from tests.payments.scenarios import (
    capitation_voucher,
    customership,
    event,
    priced_provider,
    reservation_of,
    start_and_compute,
)

ROOT = Path(__file__).resolve().parents[2]
JAN, FEB, MAR = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


def utc_timestamp(*args) -> int:
    return int(dt.datetime(*args, tzinfo=dt.UTC).timestamp())


# --- the monthly schedule ------------------------------------------------------------------------


def test_schedule__registered_for_the_1st_of_each_month():
    from procrastinate.contrib.django import app

    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic[tasks.start_monthly_payment_runs.name] == "0 0 1 * *"


@pytest.mark.django_db
def test_schedule__on_the_1st__one_run_per_organiser_for_the_month_that_ended_and_never_twice(run_jobs):
    organisers = [OrganiserFactory() for _ in range(3)]

    tasks.start_monthly_payment_runs(timestamp=utc_timestamp(2025, 7, 1, 0, 0))  # 02:00 on 1.7. in Helsinki
    tasks.start_monthly_payment_runs(timestamp=utc_timestamp(2025, 7, 1, 0, 0))  # a retry, a second worker

    runs = PaymentRun.objects.filter(organiser__in=organisers)
    assert sorted(runs.values_list("organiser_id", "month")) == [(o.pk, dt.date(2025, 6, 1)) for o in organisers]
    assert {run.created_by.username for run in runs} == {"psop-automaatti"}
    assert not runs.first().created_by.has_usable_password()
    assert run_jobs() == PaymentRun.objects.count()  # one compute job per run, not two
    assert set(runs.values_list("status", flat=True)) == {PaymentRun.Status.READY}


@pytest.mark.django_db
def test_schedule__a_manual_start_first__the_schedule_leaves_that_run_alone(staff, organiser, run_jobs):
    manual = start_and_compute(user=staff, month=dt.date(2025, 6, 1))

    tasks.start_monthly_payment_runs(timestamp=utc_timestamp(2025, 7, 1, 0, 0))

    assert PaymentRun.objects.get(organiser=organiser) == manual
    assert run_jobs() == PaymentRun.objects.exclude(organiser=organiser).count()


# --- late changes: paid once, as corrections naming their month -------------------------------------


def paid(customership_row, month) -> D:
    total = PaymentLine.objects.filter(customership=customership_row, for_month=month).aggregate(s=Sum("amount"))["s"]
    return total or D("0.00")


@pytest.mark.django_db
def test_three_runs_with_late_changes_between__each_paid_once_as_a_correction(organiser, staff, frozen_today):
    frozen_today(dt.date(2025, 4, 15))
    early_voucher, late_voucher = capitation_voucher(organiser), capitation_voucher(organiser)
    provider = priced_provider(early_voucher, fee=D("31.00"))
    priced_provider(late_voucher, fee=D("31.00"), provider=provider)
    early = customership(early_voucher, provider, start=dt.date(2025, 1, 16))  # 16 of 31 days
    reservation = reservation_of(organiser, provider=provider)
    waiting = event(reservation, day=dt.date(2025, 1, 20), share=D("12.00"), status=EventStatus.UNDER_REVIEW)

    january = start_and_compute(user=staff, month=JAN)
    assert january.status == PaymentRun.Status.READY
    assert paid(early, JAN) == D("16.00") and not PaymentLine.objects.filter(event=waiting).exists()

    # After January's run: a customership from 1.1. made late, the early one ended on 20.1., the event approved.
    late = customership(late_voucher, provider, start=JAN)
    early.end_date = dt.date(2025, 1, 20)
    early.save(update_fields=["end_date"])
    waiting.status = EventStatus.APPROVED
    waiting.save(update_fields=["status"])

    february = start_and_compute(user=staff, month=FEB)
    corrections = PaymentLine.objects.filter(payment__run=february, for_month=JAN)
    assert {(line.customership_id, line.event_id, line.amount) for line in corrections} == {
        (early.pk, None, D("-11.00")),  # 16 days paid, 5 due
        (late.pk, None, D("31.00")),
        (None, waiting.pk, D("12.00")),
    }
    assert paid(late, FEB) == D("31.00") and paid(early, FEB) == D("0.00")  # a whole month: the whole fee

    march = start_and_compute(user=staff, month=MAR)
    assert not PaymentLine.objects.filter(payment__run=march, for_month__lt=MAR).exists()  # nothing changed since
    assert (paid(early, JAN), paid(late, JAN), paid(late, FEB), paid(late, MAR)) == (
        D("5.00"), D("31.00"), D("31.00"), D("31.00"),
    )
    assert PaymentLine.objects.filter(event=waiting).count() == 1
    assert sum(Payment.objects.filter(run__organiser=organiser).values_list("amount", flat=True)) == (
        D("16.00") + D("-11.00") + D("31.00") + D("12.00") + D("31.00") + D("31.00")
    )


# --- a worker that is not running ------------------------------------------------------------------------


@pytest.mark.django_db
def test_run_page__queued_over_a_minute_with_no_worker__says_the_background_worker_is_not_running(
    client, organiser, staff, frozen_today
):
    frozen_today(dt.date(2025, 7, 10))
    run = payment_run_start(user=staff, month=dt.date(2025, 6, 1))
    client.force_login(staff)
    url = reverse("payments:detail", args=[run.pk])
    assert "Taustatyö ei ole käynnissä" not in client.get(url).content.decode()

    PaymentRun.objects.filter(pk=run.pk).update(queued_at=timezone.now() - STUCK_AFTER - dt.timedelta(seconds=1))

    assert "Taustatyö ei ole käynnissä" in client.get(url).content.decode()


# --- a real worker process on the test database ------------------------------------------------------------


def _test_database_url() -> str:
    settings = connection.settings_dict
    return f"postgresql://{settings['USER']}@{quote(str(settings['HOST']), safe='')}/{settings['NAME']}"


@pytest.mark.real_jobs
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_computes_a_queued_run(staff, organiser):
    reservation = reservation_of(organiser)
    event(reservation, day=dt.date(2025, 6, 3), share=D("15.00"))
    run = payment_run_start(user=staff, month=dt.date(2025, 6, 1))
    assert run.status == PaymentRun.Status.RUNNING

    env = {**os.environ, "DATABASE_URL": _test_database_url(), "DJANGO_SETTINGS_MODULE": "psop.settings"}
    worker = subprocess.run(
        [sys.executable, "manage.py", "procrastinate", "worker", "--one-shot", "--queues", "payments"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )

    assert worker.returncode == 0, worker.stderr[-2000:]
    run.refresh_from_db()
    assert (run.status, run.phase, run.progress) == (PaymentRun.Status.READY, PaymentRun.Phase.DONE, 100)
    assert Payment.objects.get(run=run).amount == D("15.00")
