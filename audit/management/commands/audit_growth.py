"""How fast the audit log grows: rows in the last hour and day, the busiest writers of the last hour,
and the table's size on disk. Run it from cron or the monitoring agent; with ``--alert-above N`` it
exits with status 1 when the last hour added more than N rows, so an alert can fire
(SECURITY.md "How the audit log's growth is bounded and watched")."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from audit.models import AuditEntry

BUSIEST = 5


class Command(BaseCommand):
    help = "Prints the audit log's growth (rows per hour and day, busiest users, size); exits 1 past --alert-above."

    def add_arguments(self, parser):
        parser.add_argument("--alert-above", type=int, default=None,
                            help="exit with status 1 when the last hour added more rows than this")

    def handle(self, *args, alert_above=None, **options):
        now = timezone.now()
        hour = AuditEntry.objects.filter(at__gte=now - dt.timedelta(hours=1))
        last_hour = hour.count()
        last_day = AuditEntry.objects.filter(at__gte=now - dt.timedelta(days=1)).count()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size(%s::regclass)", [AuditEntry._meta.db_table])
            size = cursor.fetchone()[0]
        self.stdout.write(f"rows in the last hour: {last_hour}")
        self.stdout.write(f"rows in the last day: {last_day}")
        self.stdout.write(f"table size with indexes: {size // (1024 * 1024)} MiB")
        busiest = hour.values("username").annotate(rows=Count("id")).order_by("-rows", "username")[:BUSIEST]
        for row in busiest:
            self.stdout.write(f"  {row['username'] or '-'}: {row['rows']} rows in the last hour")
        if alert_above is not None and last_hour > alert_above:
            raise CommandError(f"the audit log grew by {last_hour} rows in the last hour (alert above {alert_above})")
