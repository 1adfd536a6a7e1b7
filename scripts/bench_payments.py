"""Time the payment run: the set-based background computation against the per-row code it
replaced, on the same data (make bench-payments; after make scale for national volume).

    python -m psop.devdb exec -- python scripts/bench_payments.py [--month 2026-10] [--legacy-organiser NAME]
                                                                   [--skip-legacy] [--only NAME] [--workers N]

For the month that ended last (or --month), it computes every organiser's run with
``payments.services.payment_run_compute``, each inside a transaction that is rolled back, so the
database is left as it was, and prints the time, customerships, events and lines per organiser
and in all. The runs are spread over ``--workers`` processes (default: one per core, at most 4),
as procrastinate workers would take the organisers' jobs, largest organiser first; "wall" is
the time from the first run's start to the last one's end.

A rolled-back run leaves dead row versions behind that a committed run would not (its own
UPDATE's, undone): the next run over the same events would pay for them. So the script first
vacuums the tables a run writes (as the owner role, not timed), as autovacuum would have done
between two real monthly runs. Then it runs the per-row code of commit 4528d5f (ported below to today's module
paths: one price query per customership, Python loops over rows) for one organiser
(--legacy-organiser, default the one with the fewest customerships above 1,000, to keep it
bearable) and prints both times for that organiser and the ratio. Asserts nothing.
"""

import argparse
import datetime as dt
import multiprocessing
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, connections, transaction  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402

from core.dates import month_bounds, today  # noqa: E402
from core.money import to_cents  # noqa: E402
from customers.selectors import customership_days_in_month, customerships_valid_in_month  # noqa: E402
from events.models import Event, EventChange, EventStatus  # noqa: E402
from organisations.models import Organiser  # noqa: E402
from payments.models import Payment, PaymentLine, PaymentRun  # noqa: E402
from payments.services import payment_run_compute, system_user  # noqa: E402
from vouchers.models import ContentUnit, VoucherContent  # noqa: E402
from vouchers.selectors import price_on  # noqa: E402


class Rollback(Exception):
    pass


def new_run(organiser_id, month, user) -> PaymentRun:
    PaymentRun.objects.filter(organiser_id=organiser_id, month=month).delete()  # rolled back with the rest
    return PaymentRun.objects.create(organiser_id=organiser_id, month=month, created_by=user,
                                     status=PaymentRun.Status.RUNNING)


def set_based(organiser_id, month, user) -> tuple[float, int, str]:
    """Seconds, lines and status of the background computation, rolled back afterwards."""
    try:
        with transaction.atomic():
            run = new_run(organiser_id, month, user)
            started = time.perf_counter()
            run = payment_run_compute(run_id=run.pk)
            seconds = time.perf_counter() - started
            lines = PaymentLine.objects.filter(payment__run=run).count()
            result = (seconds, lines, run.status if run.status != PaymentRun.Status.FAILED else f"failed: {run.error}")
            raise Rollback
    except Rollback:
        return result


# --- the per-row code of commit 4528d5f (payments/services.py _compute), ported --------------------


def legacy_monthly_contents(voucher_ids):
    rows = (
        VoucherContent.objects.filter(voucher_id__in=voucher_ids, content__unit=ContentUnit.MONTH)
        .select_related("content").order_by("voucher_id", "pk")
    )
    result = {}
    for row in rows:
        result.setdefault(row.voucher_id, row)
    return result


def legacy_compute(run, user) -> int:
    days_in_month = month_bounds(run.month)[1].day
    rows = customership_days_in_month(organiser=run.organiser_id, month=run.month)
    contents = legacy_monthly_contents({row.customership.voucher_id for row in rows})
    capitation = defaultdict(list)
    for row in rows:
        content = contents.get(row.customership.voucher_id)
        item = content and price_on(provider=row.customership.provider_id, organiser=run.organiser_id,
                                    content=content.content, day=row.first_day)
        if item:
            amount = to_cents(item.unit_price * Decimal(row.days) / Decimal(days_in_month))
            capitation[row.customership.provider_id].append(
                PaymentLine(customership=row.customership, days=row.days, amount=amount, for_month=run.month))
    last = month_bounds(run.month)[1]
    paid = PaymentLine.objects.filter(event_id=OuterRef("pk"))
    events = list(
        Event.objects.select_for_update(of=("self",))
        .filter(reservation__voucher__organiser_id=run.organiser_id, status=EventStatus.APPROVED, date__lte=last)
        .exclude(Exists(paid)).select_related("reservation").order_by("pk")
    )
    by_provider = defaultdict(list)
    for event in events:
        by_provider[event.reservation.provider_id].append(PaymentLine(event=event, amount=event.voucher_share))
    all_lines = []
    for provider_id in sorted(set(capitation) | set(by_provider)):
        lines = capitation.get(provider_id, []) + by_provider.get(provider_id, [])
        payment = Payment.objects.create(run=run, provider_id=provider_id, amount=sum((line.amount for line in lines), Decimal("0")))
        for line in lines:
            line.payment = payment
        all_lines.extend(lines)
    PaymentLine.objects.bulk_create(all_lines)
    Event.objects.filter(pk__in=[event.pk for event in events]).update(status=EventStatus.SETTLED)
    EventChange.objects.bulk_create(
        EventChange(event_id=event.pk, event_number=event.pk, reservation_id=event.reservation_id, changed_by=user,
                    action="settle", changes={}) for event in events
    )
    return len(all_lines)


def per_row(organiser_id, month, user) -> tuple[float, int, int]:
    try:
        with transaction.atomic():
            run = new_run(organiser_id, month, user)
            started = time.perf_counter()
            queries_before = len(connection.queries)
            lines = legacy_compute(run, user)
            result = (time.perf_counter() - started, lines, len(connection.queries) - queries_before)
            raise Rollback
    except Rollback:
        return result


VACUUMED = ("reservations_event", "reservations_eventchange", "payments_paymentline", "payments_payment",
            "payments_paymentrun")


def vacuum() -> None:
    """VACUUM (ANALYZE) what a run writes, as the owner role (the application role may not)."""
    import psycopg

    url = os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as owner:
        for table in VACUUMED:
            owner.execute(f"VACUUM (ANALYZE) {table}")
    print(f"(vacuumed {', '.join(VACUUMED)} first: {time.perf_counter() - started:.1f} s, not counted)\n", flush=True)


def _worker_run(job) -> tuple[int, float, int, str]:
    organiser_id, month = job
    seconds, lines, status = set_based(organiser_id, month, system_user())
    connections.close_all()
    return organiser_id, seconds, lines, status


def run_all(organiser_ids, month, workers) -> tuple[dict, float]:
    """Each organiser's run, spread over ``workers`` processes; ({id: (seconds, lines, status)}, wall)."""
    connections.close_all()  # each process opens its own connection
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = {pk: (seconds, lines, status)
                   for pk, seconds, lines, status in pool.imap_unordered(_worker_run, [(pk, month) for pk in organiser_ids])}
    return results, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--month", help="YYYY-MM; default: the month that ended last")
    parser.add_argument("--legacy-organiser", help="organiser name for the per-row comparison")
    parser.add_argument("--skip-legacy", action="store_true")
    parser.add_argument("--only", help="time only this organiser (name) with both codes")
    parser.add_argument("--workers", type=int, default=min(os.cpu_count() or 1, 4),
                        help="processes computing organisers' runs at the same time")
    args = parser.parse_args()
    month = (dt.date.fromisoformat(args.month + "-01") if args.month
             else (today().replace(day=1) - dt.timedelta(days=1)).replace(day=1))
    user = system_user()
    first, last = month_bounds(month)
    vacuum()
    print(f"Payment runs of {month:%m/%Y} on this database (every run rolled back), {args.workers} worker(s)\n")
    organisers = Organiser.objects.order_by("name")
    if args.only:
        organisers = organisers.filter(name=args.only)
        args.legacy_organiser = args.only
    counts = {}
    for organiser in organisers:
        counts[organiser.pk] = (
            organiser.name,
            customerships_valid_in_month(organiser_id=organiser.pk, month=month).count(),
            Event.objects.filter(reservation__voucher__organiser=organiser, status=EventStatus.APPROVED,
                                 date__lte=last).count(),
        )
    largest_first = sorted(counts, key=lambda pk: -counts[pk][1])
    results, wall = run_all(largest_first, month, args.workers)
    print(f"{'organiser':40} {'customerships':>13} {'events':>9} {'lines':>9} {'seconds':>8}  status")
    total_seconds = total_lines = total_customerships = total_events = 0
    sizes = {}
    for pk, (name, customerships, events) in counts.items():
        seconds, lines, status = results[pk]
        sizes[pk] = (name, customerships, seconds)
        total_seconds += seconds
        total_lines += lines
        total_customerships += customerships
        total_events += events
        print(f"{name[:40]:40} {customerships:13,} {events:9,} {lines:9,} {seconds:8.2f}  {status}", flush=True)
    print(f"{'all of them (sum of the runs)':40} {total_customerships:13,} {total_events:9,} {total_lines:9,} "
          f"{total_seconds:8.2f}")
    print(f"all of them, wall time with {args.workers} worker(s): {wall:.2f} s "
          f"({total_lines / wall:,.0f} lines a second)\n")
    if args.skip_legacy:
        return
    if args.legacy_organiser:
        organiser = Organiser.objects.get(name=args.legacy_organiser)
    else:
        candidates = [(c, pk) for pk, (_, c, _) in sizes.items() if c >= 1000] or [(c, pk) for pk, (_, c, _) in sizes.items()]
        organiser = Organiser.objects.get(pk=min(candidates)[1])
    name, customerships, new_seconds = sizes[organiser.pk]
    new_seconds = min(new_seconds, set_based(organiser.pk, month, user)[0])  # warm, like the per-row run after it
    from django.conf import settings

    settings.DEBUG = True  # count the per-row code's queries
    old_seconds, old_lines, old_queries = per_row(organiser.pk, month, user)
    settings.DEBUG = False
    print(f"per-row code (commit 4528d5f) for {name}: {customerships:,} customerships, {old_lines:,} lines, "
          f"{old_queries:,} queries, {old_seconds:.2f} s")
    print(f"set-based background job for {name}: {new_seconds:.2f} s")
    print(f"ratio: {old_seconds / new_seconds:.0f}× faster")


if __name__ == "__main__":
    main()
