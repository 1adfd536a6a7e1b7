"""The audit log's monthly partitions (audit/migrations/0006_partition_by_month.py).

- ``partitions_ensure``: this month's and the next months' partitions exist (the worker's daily job,
  audit.tasks; as the application role, through the owner's SECURITY DEFINER function).
- ``partitions``: the partitions with their months and estimated rows (``manage.py audit_partitions``).
- ``partitions_detach``: retention. The months before a given one leave the table (as the owner):
  each becomes a plain table to archive (pg_dump) and drop; nothing of the months kept is touched.
- ``checksum``: rows and a digest of all of them, to show that a migration lost and changed nothing.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction

from core.dates import today

PARENT = "audit_auditentry"
MONTHS_AHEAD = 3


@dataclass(frozen=True)
class Partition:
    name: str
    bounds: str  # PostgreSQL's own words: FOR VALUES FROM (…) TO (…), or DEFAULT
    rows: int  # the planner's estimate (-1: never analysed)


def _first_of_month(day: dt.date, months: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def partitions_ensure(*, day: dt.date | None = None, months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """The partitions of ``day``'s month (Helsinki) and ``months_ahead`` months after it; returns
    their names. Idempotent: an existing month is left as it is."""
    day = day or today()
    with connection.cursor() as cursor:
        names = []
        for months in range(months_ahead + 1):
            cursor.execute("SELECT audit_auditentry_add_partition(%s)", [_first_of_month(day, months)])
            names.append(cursor.fetchone()[0])
    return names


def partitions() -> list[Partition]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples::bigint
                 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = %s::regclass ORDER BY c.relname""", [PARENT])
        return [Partition(name, bounds, rows) for name, bounds, rows in cursor.fetchall()]


def partitions_detach(*, before: dt.date) -> list[str]:
    """Detach the monthly partitions of the months before ``before``'s month (run as the owner:
    the application role may not). Returns the names detached, now plain tables."""
    limit = _first_of_month(before)
    detached = []
    with transaction.atomic(), connection.cursor() as cursor:
        for partition in partitions():
            if partition.bounds == "DEFAULT":
                continue
            year, month = partition.name.removeprefix(f"{PARENT}_").split("_")
            if dt.date(int(year), int(month), 1) < limit:
                cursor.execute(f'ALTER TABLE "{PARENT}" DETACH PARTITION "{partition.name}"')
                detached.append(partition.name)
    return detached


def checksum(*, max_id: int | None = None) -> tuple[int, int, str]:
    """(rows, the highest id, md5 of every row's text in id order) of the rows up to ``max_id``
    (all: None): the same before and after a migration when no row was lost or changed, while the
    rows written meanwhile are left out by giving the first answer's highest id to the second."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT count(*), coalesce(max(t.id), 0), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), ''))
                  FROM "{PARENT}" t WHERE %s::bigint IS NULL OR t.id <= %s::bigint""", [max_id, max_id])
        return cursor.fetchone()
