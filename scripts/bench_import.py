"""Time "Tuo tapahtumia" (events.imports) on a 10,000-row file: reading the CSV, the preview's
checks, "Tallenna" (checked again, locked, inserted with history and audit rows) and rendering the
preview page.

    python -m psop.devdb exec -- python scripts/bench_import.py [--rows 10000] [--vouchers 1000]

It makes its own organiser, provider, service, price list, customers, vouchers and reservations
(--vouchers of them, the rows spread over the last 50 days), builds the file as Finnish Excel saves
it (BOM, ``;``, decimal comma, d.m.yyyy) and times each phase, all inside one transaction that is
rolled back: the database is left as it was. Prints figures; asserts nothing.
"""

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from core.dates import today  # noqa: E402
from demo.identifiers import make_business_id, make_henkilotunnus  # noqa: E402
from events.forms import EventImportForm, EventImportSaveForm  # noqa: E402
from events.imports import COLUMNS, MAX_ROWS, import_events, read_bytes, sign_rows  # noqa: E402
from events.models import Event, EventChange  # noqa: E402
from organisations.models import Membership, Organiser, Provider, ProviderUnit  # noqa: E402
from reservations.models import Reservation  # noqa: E402
from vouchers.models import (  # noqa: E402
    ContentUnit,
    Customer,
    PriceList,
    PriceListItem,
    Service,
    ServiceAgreement,
    ServiceContent,
    Voucher,
    VoucherContent,
    VoucherKind,
)


class Rollback(Exception):
    pass


def make_data(vouchers: int):
    """A provider with ``vouchers`` reserved service vouchers of one organiser, priced."""
    tag = random.randint(10_000, 99_999)
    day0 = today() - dt.timedelta(days=200)
    organiser = Organiser.objects.create(name=f"Bench-hyvinvointialue {tag}", business_id=make_business_id(tag * 10))
    provider = Provider.objects.create(name=f"Bench-tuottaja {tag}", business_id=make_business_id(tag * 10 + 5))
    unit = ProviderUnit.objects.create(provider=provider, name=provider.name, is_default=True)
    user = get_user_model().objects.create(username=f"bench-import-{tag}")
    Membership.objects.create(user=user, provider=provider, role=Membership.Role.PROVIDER_ADMIN)
    service = Service.objects.create(name=f"Bench-kotihoito {tag}", kind=VoucherKind.SERVICE_VOUCHER)
    content = ServiceContent.objects.create(service=service, name="Kotihoidon käynti", unit=ContentUnit.VISIT)
    agreement = ServiceAgreement.objects.create(organiser=organiser, provider=provider, service=service, valid_from=day0)
    price_list = PriceList.objects.create(agreement=agreement, name="Bench", valid_from=day0)
    PriceListItem.objects.create(price_list=price_list, content=content, unit_price=Decimal("31.50"))
    born = dt.date(1901, 1, 1) + dt.timedelta(days=tag % 300)
    customers = Customer.objects.bulk_create(
        Customer(first_name="Testi", last_name=f"Asiakas{i}", municipality="Tampere",
                 henkilotunnus=make_henkilotunnus(born + dt.timedelta(days=i // 100), 900 + i % 100))
        for i in range(vouchers)
    )
    base = 70_000_000 + tag * 1000
    voucher_rows = Voucher.objects.bulk_create(
        Voucher(number=str(base + i), organiser=organiser, customer=customer, service=service, valid_from=day0,
                valid_to=today() + dt.timedelta(days=365))
        for i, customer in enumerate(customers)
    )
    contents = VoucherContent.objects.bulk_create(
        VoucherContent(voucher=voucher, content=content, quantity=Decimal("200"), unit_value=Decimal("25.00"))
        for voucher in voucher_rows
    )
    Reservation.objects.bulk_create(
        Reservation(voucher=voucher, organiser_id=voucher.organiser_id, voucher_content=granted, provider=provider,
                    unit=unit, terms_accepted=True, created_by=user)
        for voucher, granted in zip(voucher_rows, contents, strict=True)
    )
    return user, [voucher.number for voucher in voucher_rows]


def make_file(numbers: list[str], rows: int) -> bytes:
    lines = [";".join(name for name, _field in COLUMNS)]
    for i in range(rows):
        day = today() - dt.timedelta(days=1 + (i // len(numbers)) % 50)
        quantity = ("1,5", "2", "0,75", "1")[i % 4]
        lines.append(f"{numbers[i % len(numbers)]};{day.day}.{day.month}.{day.year};{quantity};käynti {i}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def timed(label, function, results):
    queries_before = len(connection.queries)
    start, cpu = time.perf_counter(), time.process_time()
    value = function()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    results.append((label, seconds, cpu, len(connection.queries) - queries_before))
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=MAX_ROWS)
    parser.add_argument("--vouchers", type=int, default=1000)
    args = parser.parse_args()
    connection.force_debug_cursor = True  # count the queries of each phase
    results = []
    try:
        with transaction.atomic():
            user, numbers = timed("set-up (not part of the import)", lambda: make_data(args.vouchers), results)
            data = make_file(numbers, args.rows)
            rows = timed("read the CSV", lambda: read_bytes(data), results)
            preview = timed("preview: check every row", lambda: import_events(user=user, rows=rows), results)
            token = timed("sign the rows for the page", lambda: sign_rows(user=user, rows=rows, provider_id=None), results)
            request = RequestFactory().post("/ostovoimat/tuonti/")
            request.user = user
            context = {"tab": "vouchers", "form": EventImportForm(), "outcome": preview, "token": token,
                       "save_form": EventImportSaveForm(initial={"aineisto": token}), "max_rows": MAX_ROWS, "columns": []}
            html = timed("render the preview page", lambda: render_to_string("events/import.html", context, request=request), results)
            events_before, changes_before = Event.objects.count(), EventChange.objects.count()
            saved = timed("save: check again, lock, insert", lambda: import_events(user=user, rows=rows, save=True), results)
            recorded = Event.objects.count() - events_before
            history = EventChange.objects.count() - changes_before
            raise Rollback
    except Rollback:
        pass
    print(f"\nImport of {args.rows} rows on {args.vouchers} reservations ({len(data) / 1024:.0f} kB CSV, "
          f"preview page {len(html) / 1024:.0f} kB, signed rows {len(token) / 1024:.0f} kB)")
    print(f"  {'phase':36} {'wall':>9}  {'CPU (this process)':>18}  queries")
    for label, seconds, cpu, queries in results:
        print(f"  {label:36} {seconds:7.2f} s  {cpu:16.2f} s  {queries:7d}")
    def total(prefixes):
        picked = [(s, c) for label, s, c, _q in results if label.startswith(prefixes)]
        return sum(s for s, _c in picked), sum(c for _s, c in picked)
    wall, cpu = total(("read", "preview", "save"))
    print(f"  {'read + preview + save':36} {wall:7.2f} s  {cpu:16.2f} s  ({args.rows / wall:.0f} rows/s)")
    wall, cpu = total(("read", "preview", "sign", "render", "save"))
    print(f"  {'all of it, with page and signing':36} {wall:7.2f} s  {cpu:16.2f} s")
    print(f"  load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print(f"  rows good {len(preview.good)}, bad {len(preview.bad)}, under review {preview.under_review}; "
          f"saved {saved.saved}, events inserted {recorded}, history rows {history} (rolled back)")


if __name__ == "__main__":
    main()
