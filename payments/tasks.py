"""Background jobs of payments (procrastinate, on PostgreSQL; workers may run on any machine).

- ``compute_payment_run``: computes one queued run (queued by ``payment_run_start``).
- ``start_monthly_payment_runs``: on the 1st of each month, starts every organiser's run of the
  month that ended. The cron runs in UTC: 00:00 UTC is 02:00 (winter) or 03:00 (summer) in
  Helsinki, already the 1st there. Idempotent: the run is unique per organiser and month, and a
  queueing lock keeps one such job waiting at a time.
- ``retry_stalled_jobs``: every minute, gives the jobs of a worker that is gone (no heartbeat for
  ``settings.WORKER_GONE_AFTER``: killed, its machine lost) back to the queue, for a live worker.
- ``remove_old_jobs``: every night, jobs that succeeded over a week ago leave procrastinate's
  tables (the minute's retry alone adds 1,440 a day); failed ones stay for whoever looks into them.
"""

import datetime as dt

from django.utils import timezone
from procrastinate.contrib.django import app

from payments import jobs, services


def _helsinki_day(timestamp: int) -> dt.date:
    return timezone.localdate(dt.datetime.fromtimestamp(timestamp, tz=dt.UTC))


@app.task(queue="payments", pass_context=False)
def compute_payment_run(run_id: int) -> None:
    services.payment_run_compute(run_id=run_id)


@app.periodic(cron="0 0 1 * *", periodic_id="monthly-payment-runs")
@app.task(queue="payments", queueing_lock="monthly-payment-runs", pass_context=False)
def start_monthly_payment_runs(timestamp: int) -> None:
    services.payment_runs_start_monthly(day=_helsinki_day(timestamp))


@app.periodic(cron="* * * * *", periodic_id="retry-stalled-jobs")
@app.task(queue="payments", queueing_lock="retry-stalled-jobs", pass_context=True)
async def retry_stalled_jobs(context, timestamp: int) -> None:
    await jobs.retry_stalled(
        context.app.job_manager,
        seconds_since_heartbeat=jobs.worker_gone_after().total_seconds(),
        except_job_id=context.job.id,
    )


OLD_JOBS_HOURS = 7 * 24


@app.periodic(cron="15 1 * * *", periodic_id="remove-old-jobs")
@app.task(queue="payments", queueing_lock="remove-old-jobs", pass_context=True)
async def remove_old_jobs(context, timestamp: int) -> None:
    await context.app.job_manager.delete_old_jobs(nb_hours=OLD_JOBS_HOURS, include_failed=False)
