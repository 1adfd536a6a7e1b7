"""Background jobs of hakeutuminen (procrastinate, on the payments workers' PostgreSQL queue).

- ``enforce_rulebooks``: every night at 00:30 UTC (02:30 or 03:30 in Helsinki, already the new
  day there): an agreement whose provider did not accept a rulebook version by its date ends on
  that date, and a week before the date its providers are reminded (applications.rulebooks)."""

import datetime as dt

from django.utils import timezone
from procrastinate.contrib.django import app

from applications import rulebooks


def _helsinki_day(timestamp: int) -> dt.date:
    return timezone.localdate(dt.datetime.fromtimestamp(timestamp, tz=dt.UTC))


@app.periodic(cron="30 0 * * *", periodic_id="enforce-rulebooks")
@app.task(queue="payments", queueing_lock="enforce-rulebooks", pass_context=False)
def enforce_rulebooks(timestamp: int) -> None:
    rulebooks.rulebooks_enforce(day=_helsinki_day(timestamp))
