"""Scale the training data to all of Finland (or a fraction of it) for load and speed work.

    python manage.py load_scale                  # national: 1,000,000 customers, 2,000,000 vouchers, ~10M events
    python manage.py load_scale --scale 0.1 --seed 7

Set-based and deterministic (see demo/scale_sql.py); the training data comes first (load_demo,
when the database has no vouchers), and its known logins face real volume. One transaction:
all of it or nothing. A second run finds the scale data and stops without adding anything.
"""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from core.dates import today
from demo import scale_data
from demo.scale_data import Plan
from demo.scale_sql import AlreadyLoaded, ScaleLoader, analyse
from vouchers.models import Voucher


class Command(BaseCommand):
    help = "Lataa skaala-aineiston (koko Suomi: --scale 1) koulutusaineiston päälle."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="1 = koko Suomi (oletus), esim. 0.01 tai 0.1")
        parser.add_argument("--seed", type=int, default=1, help="sama siemen → sama aineisto (oletus 1)")

    def handle(self, *args, scale, seed, **options):
        if not 0 < scale <= 1:
            raise CommandError("--scale must be > 0 and ≤ 1.")
        if not 0 <= seed < 1_000_000:
            raise CommandError("--seed must be 0–999999.")
        began = time.monotonic()
        if not Voucher.objects.exists():
            self.line("No vouchers yet: loading the training data first (load_demo).")
            call_command("load_demo", stdout=self.stdout)
        plan = Plan.for_scale(scale)
        self.line(
            f"load_scale --scale {scale} --seed {seed}: {plan.customers:,} customers, {plan.vouchers:,} vouchers, "
            f"{plan.new_providers:,} new providers, ~{plan.events:,} events, {plan.audit_entries:,} audit rows"
        )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                loader = ScaleLoader(cursor, plan=plan, seed=seed, today=today(), write=self.line)
                counts = loader.load()
                self.line(f"  {'commit':<34} {'':>12}      (total {time.monotonic() - began:7.1f} s)")
        except AlreadyLoaded as refused:
            self.line(str(refused))
            return
        with connection.cursor() as cursor:
            analyse(cursor, vacuum=not connection.in_atomic_block, write=self.line)
            self.summary(cursor, counts)
        self.line(f"Done in {time.monotonic() - began:.1f} s.")

    def line(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    def summary(self, cursor, counts: dict) -> None:
        for table, rows in counts.items():
            self.line(f"  {table:<34} {rows:>12,}")
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM reservations_reservation WHERE provider_id = p.id),
                   (SELECT count(*) FROM reservations_reservation r JOIN vouchers_voucher v ON v.id = r.voucher_id
                    JOIN vouchers_service s ON s.id = v.service_id WHERE r.provider_id = p.id AND s.kind = 'balance'),
                   (SELECT count(*) FROM customers_customership WHERE provider_id = p.id)
            FROM vouchers_provider p WHERE p.name = %s
            """,
            ["Hoiva Esimerkki Oy"],
        )
        row = cursor.fetchone()
        if row:
            self.line(f"  Hoiva Esimerkki Oy: {row[0]:,} reservations ({row[1]:,} balance), {row[2]:,} customerships")
        cursor.execute(
            "SELECT o.name, count(*) FROM vouchers_voucher v JOIN vouchers_organiser o ON o.id = v.organiser_id "
            "WHERE o.name IN (%s, %s) GROUP BY o.name ORDER BY o.name",
            [scale_data.ESIMERKKI, scale_data.NAAPURI],
        )
        for name, vouchers in cursor.fetchall():
            self.line(f"  {name}: {vouchers:,} vouchers")
