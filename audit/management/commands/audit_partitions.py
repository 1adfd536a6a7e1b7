"""The audit log's monthly partitions: list them, make the coming months', detach old months
(retention: as the owner role, which the application role is not), or print the rows and their
digest (before and after a migration).

    manage.py audit_partitions [list]
    manage.py audit_partitions ensure
    PSOP_DB_ROLE=owner manage.py audit_partitions detach --before 2025-01
    manage.py audit_partitions checksum [--max-id N]
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import ProgrammingError

from audit import partitions


class Command(BaseCommand):
    help = __doc__.splitlines()[0]

    def add_arguments(self, parser):
        parser.add_argument("action", nargs="?", default="list", choices=["list", "ensure", "detach", "checksum"])
        parser.add_argument("--before", help="detach: the months before this one (YYYY-MM)")
        parser.add_argument("--max-id", type=int, help="checksum: only the rows up to this id (the rows of a first run)")

    def handle(self, *args, action, before, max_id, **options):
        if action == "ensure":
            for name in partitions.partitions_ensure():
                self.stdout.write(name)
        elif action == "detach":
            try:
                month = dt.datetime.strptime(before or "", "%Y-%m").date()
            except ValueError:
                raise CommandError("detach needs --before YYYY-MM") from None
            try:
                detached = partitions.partitions_detach(before=month)
            except ProgrammingError as error:  # the application role: "must be owner of table …"
                raise CommandError(f"{error}: run it as the owner role (PSOP_DB_ROLE=owner)") from None
            for name in detached:
                self.stdout.write(f"detached {name} (a plain table now: archive it with pg_dump, then drop it)")
            if not detached:
                self.stdout.write("nothing to detach")
        elif action == "checksum":
            rows, last, digest = partitions.checksum(max_id=max_id)
            self.stdout.write(f"{rows} rows up to id {last}, md5 {digest}")
        else:
            for partition in partitions.partitions():
                self.stdout.write(f"{partition.name:<32} {partition.bounds:<90} ~{max(partition.rows, 0):,} rows")
