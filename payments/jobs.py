"""The background jobs that compute payment runs, and the workers that run them (procrastinate).

A worker writes a heartbeat three times in ``settings.WORKER_GONE_AFTER`` (30 s); one silent for
longer is gone (killed, its machine lost), and a job it was running stays ``doing`` for ever:
nothing finishes it. Such a job is given back to the queue by a live worker (``retry_stalled``, the
periodic task ``payments.tasks.retry_stalled_jobs``) or at once by "Käynnistä uudelleen"; the run's
page says the worker is gone (``run_worker_gone``). Retrying is safe: a run is computed in one
transaction (the gone worker's is rolled back) under a lock of its own, and a run already computed
is left alone.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from procrastinate.contrib.django import app
from procrastinate.contrib.django.models import ProcrastinateJob

logger = logging.getLogger(__name__)


def worker_gone_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.WORKER_GONE_AFTER)


def run_lock(run_id: int) -> str:
    """The lock and queueing lock of a run's job: one job of a run waits, one runs."""
    return f"payment-run-{run_id}"


def _worker_gone(now: dt.datetime) -> Q:
    # A pruned worker's row is deleted and its jobs' worker set to NULL.
    return Q(worker__isnull=True) | Q(worker__last_heartbeat__lt=now - worker_gone_after())


def run_worker_gone(run_id: int, *, now: dt.datetime | None = None) -> bool:
    """The run's job is running on a worker that is gone."""
    now = now or timezone.now()
    return ProcrastinateJob.objects.filter(_worker_gone(now), lock=run_lock(run_id), status="doing").exists()


def run_job_for_update(run_id: int) -> ProcrastinateJob | None:
    """The run's job that waits or runs, locked, its worker with it; a waiting one first."""
    found = list(
        ProcrastinateJob.objects.select_for_update(of=("self",))
        .select_related("worker")
        .filter(lock=run_lock(run_id), status__in=("todo", "doing"))
        .order_by("id")
    )
    return next((job for job in found if job.status == "todo"), found[0] if found else None)


def is_gone(job: ProcrastinateJob, *, now: dt.datetime | None = None) -> bool:
    """A running job whose worker is gone."""
    now = now or timezone.now()
    return job.status == "doing" and (job.worker is None or job.worker.last_heartbeat < now - worker_gone_after())


def retry(job: ProcrastinateJob) -> None:
    """A gone worker's job back to the queue, in the caller's transaction: the same job, one more
    attempt, for any live worker to take now."""
    app.job_manager.retry_job_by_id(job_id=job.id, retry_at=timezone.now())


async def retry_stalled(
    job_manager, *, seconds_since_heartbeat: float, except_job_id: int | None = None
) -> list[int]:
    """Every job whose worker is gone, back to the queue; the ids retried."""
    retried = []
    for job in await job_manager.get_stalled_jobs(seconds_since_heartbeat=seconds_since_heartbeat):
        if job.id == except_job_id:
            continue
        try:
            await job_manager.retry_job(job)
        except Exception:  # retried meanwhile ("Käynnistä uudelleen"), or finished: the next round sees
            logger.warning("Stalled job %s was not retried", job.id, exc_info=True)
            continue
        logger.warning("Retried job %s (%s) of a worker that is gone", job.id, job.task_name)
        retried.append(job.id)
    return retried
