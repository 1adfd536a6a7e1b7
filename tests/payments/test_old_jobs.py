"""Procrastinate's job rows do not pile up: every night jobs that succeeded over a week ago go
(the minute's retry_stalled_jobs alone adds 1,440 rows a day); failed ones stay."""

import asyncio
from types import SimpleNamespace

from payments import tasks


def test_schedule__remove_old_jobs_every_night():
    from procrastinate.contrib.django import app

    periodic = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert periodic[tasks.remove_old_jobs.name] == "15 1 * * *"


def test_remove_old_jobs__succeeded_jobs_older_than_a_week__failed_ones_kept():
    calls = []

    class JobManager:
        async def delete_old_jobs(self, **kwargs):
            calls.append(kwargs)

    context = SimpleNamespace(app=SimpleNamespace(job_manager=JobManager()))
    asyncio.run(tasks.remove_old_jobs.func(context, timestamp=0))

    assert calls == [{"nb_hours": 7 * 24, "include_failed": False}]
