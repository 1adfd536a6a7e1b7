"""Background jobs of the audit log (procrastinate).

- ``ensure_audit_partitions``: every night, the audit log's partitions of this month and the next
  three exist (audit.partitions), so that a month's rows never land in the default partition.
  Idempotent; a queueing lock keeps one such job waiting at a time.
"""

from procrastinate.contrib.django import app

from audit import partitions


@app.periodic(cron="30 1 * * *", periodic_id="audit-partitions")
@app.task(queue="maintenance", queueing_lock="audit-partitions", pass_context=False)
def ensure_audit_partitions(timestamp: int) -> None:
    partitions.partitions_ensure()
