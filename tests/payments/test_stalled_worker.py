"""Issue 28, item 2: a payment run whose worker was killed mid-run stayed "Käynnissä 10 %" for
ever; its job stayed ``doing`` and was never retried, the page never said so, and "Käynnistä
uudelleen" answered that it restarted but queued nothing. Now a live worker retries the job of a
worker that is gone (procrastinate's heartbeats), the page says the worker is gone, and "Käynnistä
uudelleen" retries the job at once — never a second job, and the run is paid once."""

import contextlib
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from decimal import Decimal as D

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob
from procrastinate.exceptions import AlreadyEnqueued

from payments import jobs, tasks
from payments.models import Payment, PaymentLine, PaymentRun
from payments.services import payment_run_compute, payment_run_start
from tests.payments.scenarios import event, reservation_of
from tests.payments.test_background import ROOT, _test_database_url

JUNE = dt.date(2025, 6, 1)
GONE = "Taustatyö ei ole käynnissä"


def run_jobs_of(run):
    return ProcrastinateJob.objects.filter(lock=jobs.run_lock(run.pk))


def a_worker_takes_the_job(*, heartbeat_age: dt.timedelta) -> int:
    """What a worker does (procrastinate's own functions): register, take the waiting job; then its
    last heartbeat was ``heartbeat_age`` ago."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT worker_id FROM procrastinate_register_worker_v1()")
        worker_id = cursor.fetchone()[0]
        cursor.execute("SELECT id FROM procrastinate_fetch_job_v2(ARRAY['payments']::varchar[], %s)", [worker_id])
        job_id = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE procrastinate_workers SET last_heartbeat = clock_timestamp() - %s WHERE id = %s",
            [heartbeat_age, worker_id],
        )
    return job_id


@pytest.fixture
def killed_mid_run(staff, organiser):
    """A run at "Käynnissä 10 %" whose worker stopped beating a minute ago."""
    run = payment_run_start(user=staff, month=JUNE)
    job_id = a_worker_takes_the_job(heartbeat_age=dt.timedelta(minutes=1))
    PaymentRun.objects.filter(pk=run.pk).update(
        phase=PaymentRun.Phase.EVENTS, progress=10, started_at=run.queued_at + dt.timedelta(seconds=1)
    )
    return PaymentRun.objects.get(pk=run.pk), job_id


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_run_page__its_worker_gone__says_so_and_offers_a_restart(client, staff, killed_mid_run):
    run, _job_id = killed_mid_run
    client.force_login(staff)
    page = client.get(reverse("payments:detail", args=[run.pk])).content.decode()
    assert GONE in page and "pysähtynyt kesken" in page
    assert 'name="toiminto" value="uudelleen"' in page


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_run_page__its_worker_alive__no_stall_and_no_restart(client, staff, organiser):
    run = payment_run_start(user=staff, month=JUNE)
    a_worker_takes_the_job(heartbeat_age=dt.timedelta(seconds=5))
    client.force_login(staff)
    page = client.get(reverse("payments:detail", args=[run.pk])).content.decode()
    assert GONE not in page and 'value="uudelleen"' not in page


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_restart__worker_gone__the_same_job_queued_again_once_and_a_second_restart_refused(
    client, staff, killed_mid_run
):
    run, job_id = killed_mid_run
    client.force_login(staff)
    url = reverse("payments:detail", args=[run.pk])

    response = client.post(url, {"toiminto": "uudelleen"})

    assert response.status_code == 302
    job = ProcrastinateJob.objects.get(pk=job_id)
    assert (job.status, job.attempts) == ("todo", 1)
    assert list(run_jobs_of(run).filter(status__in=("todo", "doing")).values_list("pk", flat=True)) == [job_id]
    run.refresh_from_db()
    assert (run.status, run.phase, run.progress, run.started_at) == (
        PaymentRun.Status.RUNNING, PaymentRun.Phase.QUEUED, 0, None
    )
    assert GONE not in client.get(url).content.decode()

    again = client.post(url, {"toiminto": "uudelleen"}).content.decode()

    assert "Maksatus on jo jonossa tai laskettavana" in again
    assert run_jobs_of(run).count() == 1 and ProcrastinateJob.objects.get(pk=job_id).attempts == 1


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_restart__a_live_worker_runs_it__refused_and_nothing_queued(client, staff, organiser):
    run = payment_run_start(user=staff, month=JUNE)
    job_id = a_worker_takes_the_job(heartbeat_age=dt.timedelta(seconds=5))
    client.force_login(staff)

    page = client.post(reverse("payments:detail", args=[run.pk]), {"toiminto": "uudelleen"}).content.decode()

    assert "Maksatus on jo jonossa tai laskettavana" in page
    assert list(run_jobs_of(run).values_list("pk", "status")) == [(job_id, "doing")]


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_restart__waiting_job__refused_and_no_second_job(client, staff, organiser):
    run = payment_run_start(user=staff, month=JUNE)
    client.force_login(staff)

    page = client.post(reverse("payments:detail", args=[run.pk]), {"toiminto": "uudelleen"}).content.decode()

    assert "Maksatus on jo jonossa tai laskettavana" in page
    assert run_jobs_of(run).count() == 1


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_start_the_month_again__worker_gone__the_run_is_queued_again(staff, killed_mid_run):
    run, job_id = killed_mid_run

    again = payment_run_start(user=staff, month=JUNE)

    assert again.pk == run.pk and again.just_started
    assert ProcrastinateJob.objects.get(pk=job_id).status == "todo"


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_restart__failed_run__a_new_job_queued(client, staff, organiser):
    run = payment_run_start(user=staff, month=JUNE)
    PaymentRun.objects.filter(pk=run.pk).update(status=PaymentRun.Status.FAILED, phase=PaymentRun.Phase.FAILED)
    with connection.cursor() as cursor:  # its job ended, as a failed job does
        cursor.execute("UPDATE procrastinate_jobs SET status = 'failed' WHERE lock = %s", [jobs.run_lock(run.pk)])
    client.force_login(staff)

    response = client.post(reverse("payments:detail", args=[run.pk]), {"toiminto": "uudelleen"})

    assert response.status_code == 302
    assert sorted(run_jobs_of(run).values_list("status", flat=True)) == ["failed", "todo"]
    assert PaymentRun.objects.get(pk=run.pk).status == PaymentRun.Status.RUNNING


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_computing_a_retried_run_again__paid_once(staff, organiser):
    reservation = reservation_of(organiser)
    event(reservation, day=dt.date(2025, 6, 3), share=D("15.00"))
    run = payment_run_start(user=staff, month=JUNE)

    payment_run_compute(run_id=run.pk)
    payment_run_compute(run_id=run.pk)  # the retried job of a worker thought gone

    assert Payment.objects.get(run=run).amount == D("15.00")
    assert PaymentLine.objects.filter(payment__run=run).count() == 1


def test_retry_of_stalled_jobs__scheduled_every_minute():
    from procrastinate.contrib.django import app

    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic[tasks.retry_stalled_jobs.name] == "* * * * *"


@pytest.mark.real_jobs
@pytest.mark.django_db
def test_retry_stalled__only_the_job_of_the_gone_worker_goes_back_to_the_queue(staff, organiser):
    from asgiref.sync import async_to_sync
    from procrastinate.contrib.django import app

    gone_run = payment_run_start(user=staff, month=JUNE)
    gone_job = a_worker_takes_the_job(heartbeat_age=dt.timedelta(minutes=1))
    live_run = payment_run_start(user=staff, month=dt.date(2025, 5, 1))
    live_job = a_worker_takes_the_job(heartbeat_age=dt.timedelta(seconds=5))

    retried = async_to_sync(jobs.retry_stalled)(app.job_manager, seconds_since_heartbeat=30)

    assert retried == [gone_job]
    assert run_jobs_of(gone_run).get().status == "todo" and run_jobs_of(live_run).get().status == "doing"
    assert ProcrastinateJob.objects.get(pk=live_job).attempts == 0


# --- a real worker killed mid-run, and a live one ----------------------------------------------------------


def _wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.1)


def _waits_for_the_runs_lock(run_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = 7301 AND objid = %s",
            [run_id],
        )
        return cursor.fetchone() is not None


@pytest.mark.real_jobs
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run__a_live_worker_retries_its_job__the_run_computed_and_paid_once(
    client, staff, organiser, settings, tmp_path
):
    reservation = reservation_of(organiser)
    event(reservation, day=dt.date(2025, 6, 3), share=D("15.00"))
    run = payment_run_start(user=staff, month=JUNE)
    # Workers beat every second and are gone after 3 s without a beat (30 s in production).
    settings.WORKER_GONE_AFTER = 3
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "DJANGO_SETTINGS_MODULE": "psop.settings",
           "PSOP_WORKER_GONE_AFTER": "3"}
    worker_command = [sys.executable, "manage.py", "procrastinate", "worker", "--queues", "payments"]

    # The test holds the run's computation lock: the first worker takes the job and waits inside it.
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    with holder.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(7301, %s)", [run.pk])
    with open(tmp_path / "first.log", "w") as log:
        first = subprocess.Popen(worker_command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(lambda: _waits_for_the_runs_lock(run.pk), seconds=25, what="the first worker computing the run")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        holder.close()
    job = run_jobs_of(run).get()
    assert job.status == "doing" and job.worker_id is not None
    assert PaymentRun.objects.get(pk=run.pk).status == PaymentRun.Status.RUNNING

    # Its heartbeat stops: the page says the worker is gone.
    client.force_login(staff)
    url = reverse("payments:detail", args=[run.pk])
    _wait_for(lambda: GONE in client.get(url).content.decode(), seconds=15, what="the page saying the worker is gone")

    # A live worker runs the periodic retry of stalled jobs (the first worker queued this minute's
    # already, as every worker's scheduler does), then the retried job.
    with contextlib.suppress(AlreadyEnqueued):
        tasks.retry_stalled_jobs.defer(timestamp=int(time.time()))
    second = subprocess.run(
        [*worker_command, "--one-shot"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )

    assert second.returncode == 0, second.stderr[-2000:]
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 2)  # the killed attempt and the finished one
    assert run_jobs_of(run).count() == 1
    run.refresh_from_db()
    assert (run.status, run.phase, run.progress) == (PaymentRun.Status.READY, PaymentRun.Phase.DONE, 100)
    assert Payment.objects.get(run=run).amount == D("15.00")
    assert PaymentLine.objects.filter(payment__run=run).count() == 1
    assert GONE not in client.get(url).content.decode()
