"""Time one POST /api/v1/vouchers/bulk of 1,000 decisions (issue 22: "< 10 s on these 2 cores"),
through Django's test client in this process: the key's authentication, the body's validation, each
decision's audited customer search, the new customer, the voucher, its contents, history and audit
rows, and the answer.

    python -m psop.devdb exec -- python scripts/bench_grants.py [--decisions 1000] [--existing 0]
        [--idempotency-key] [--commit]

It makes its own organiser, provider, service, agreement and price list, an organiser admin and
an API key with the scope "grants"; ``--existing`` of the persons are customers already (found,
not made). One decision is sent first, untimed, to warm the process up (imports, the URLconf). By default everything runs in one transaction that is rolled back, so the database is
left as it was; the decisions are granted set-based in one savepoint of it (api.granting.grant_many;
one savepoint per decision only when another request meets them). ``--commit`` sends the request
outside a transaction, as a client system would: the set commits as one transaction; what it made
stays in the database (the audit log's rows cannot be deleted). Prints figures; asserts nothing.
"""

import argparse
import datetime as dt
import json
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

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from api.services import api_key_create  # noqa: E402
from core.dates import today  # noqa: E402
from demo.identifiers import make_business_id, make_henkilotunnus  # noqa: E402
from organisations.models import Membership, Organiser, Provider  # noqa: E402
from vouchers.models import (  # noqa: E402
    ContentUnit,
    Customer,
    PriceList,
    PriceListItem,
    Service,
    ServiceAgreement,
    ServiceContent,
    Voucher,
    VoucherKind,
)


class Rollback(Exception):
    pass


def make_data(decisions: int, existing: int) -> tuple[str, list[dict]]:
    """An organiser that grants a priced service, its key (scope "grants") and the decisions."""
    tag = random.randint(10_000, 99_999)
    day0 = today() - dt.timedelta(days=30)
    organiser = Organiser.objects.create(name=f"Bench-hyvinvointialue {tag}", business_id=make_business_id(tag * 10))
    provider = Provider.objects.create(name=f"Bench-tuottaja {tag}", business_id=make_business_id(tag * 10 + 5))
    admin = get_user_model().objects.create(username=f"bench-grants-{tag}")
    Membership.objects.create(user=admin, organiser=organiser, role=Membership.Role.ORGANISER_ADMIN)
    service = Service.objects.create(name=f"Bench-kotihoito {tag}", kind=VoucherKind.SERVICE_VOUCHER)
    hours = ServiceContent.objects.create(service=service, name="Kotihoidon tunti", unit=ContentUnit.HOUR)
    visits = ServiceContent.objects.create(service=service, name="Turvakäynti", unit=ContentUnit.VISIT)
    agreement = ServiceAgreement.objects.create(organiser=organiser, provider=provider, service=service, valid_from=day0)
    price_list = PriceList.objects.create(agreement=agreement, name="Bench", valid_from=day0)
    PriceListItem.objects.bulk_create([PriceListItem(price_list=price_list, content=hours, unit_price=Decimal("38.00")),
                                       PriceListItem(price_list=price_list, content=visits, unit_price=Decimal("21.50"))])
    _key, secret = api_key_create(user=admin, name=f"Bench-asiakastietojärjestelmä {tag}", scopes=["grants"])
    born = dt.date(1901, 1, 1) + dt.timedelta(days=tag % 300)  # births no other data uses
    # One more than asked: the last is the warm-up's.
    people = [make_henkilotunnus(born + dt.timedelta(days=i // 100), 900 + i % 100) for i in range(decisions + 1)]
    Customer.objects.bulk_create(
        Customer(first_name="Testi", last_name=f"Vanha{i}", municipality="Tampere", henkilotunnus=people[i])
        for i in range(existing)
    )
    rows = []
    for i, henkilotunnus in enumerate(people):
        rows.append({
            "customer": {"henkilotunnus": henkilotunnus, "first_name": "Testi", "last_name": f"Asiakas{i}",
                         "municipality": "Tampere", "street_address": f"Hämeenkatu {i % 90 + 1}",
                         "postal_code": "33100", "post_office": "Tampere", "language": ("fi", "sv")[i % 2]},
            "service": service.name,
            "contents": [{"content_id": hours.pk, "quantity": str(10 + i % 30), "unit_value": "32.50", "period": "month"},
                         {"content_id": visits.pk, "quantity": "60", "unit_value": "18,00"}],
            "valid_from": str(today()), "valid_to": str(today() + dt.timedelta(days=365)),
            "decision_number": f"{today().year}/{tag}-{i}", "decision_date": str(today() - dt.timedelta(days=2)),
            "decision_id": f"vanha-jarjestelma-{tag}-{i}",
        })
    return secret, rows


def warm_up(secret: str, row: dict) -> None:
    """One decision first, not timed: the first request imports the URLconf, the API and its schemas."""
    Client(SERVER_NAME="localhost").post("/api/v1/vouchers/bulk", json.dumps({"decisions": [row]}),
                                         content_type="application/json", headers={"Authorization": f"Bearer {secret}"})


class Statements:
    """Counts and times the statements (an execute wrapper: lighter than DEBUG's query log)."""

    def __init__(self):
        self.kinds = {}

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            words = sql.split(maxsplit=2)
            kind = f"SELECT … FROM {_table(sql)}" if words[0] == "SELECT" else " ".join(words[:2])
            count, spent = self.kinds.get(kind, (0, 0.0))
            self.kinds[kind] = (count + 1, spent + time.perf_counter() - start)

    @property
    def count(self) -> int:
        return sum(count for count, _spent in self.kinds.values())

    def slowest(self):
        return sorted(self.kinds.items(), key=lambda item: -item[1][1])


def _table(sql: str) -> str:
    after = sql.split(" FROM ", 1)
    return after[1].split()[0] if len(after) > 1 else sql[:40]


def post_bulk(secret: str, rows: list[dict], *, idempotency_key: bool):
    warm_up(secret, rows.pop())
    headers = {"Authorization": f"Bearer {secret}"}
    if idempotency_key:
        headers["Idempotency-Key"] = f"bench-{random.randint(0, 10**9)}"
    body = json.dumps({"decisions": rows})
    client = Client(SERVER_NAME="localhost")
    statements = Statements()
    with connection.execute_wrapper(statements):
        start, cpu = time.perf_counter(), time.process_time()
        response = client.post("/api/v1/vouchers/bulk", body, content_type="application/json", headers=headers)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return response, len(body), seconds, cpu, statements.count, statements.slowest()


def _made(rows) -> int:
    return Voucher.objects.filter(decision_id__in=[row["decision_id"] for row in rows]).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--existing", type=int, default=0, help="how many of the persons are customers already")
    parser.add_argument("--idempotency-key", action="store_true", help="send an Idempotency-Key (one transaction)")
    parser.add_argument("--commit", action="store_true", help="keep what it makes: the request commits as a client system's would")
    args = parser.parse_args()
    settings.API_RATE_LIMIT_PER_MINUTE = 10**6
    settings.DEBUG = False  # as gunicorn serves it in production: no query log
    # The test client's request signals would close a connection inside the transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        if args.commit:
            secret, rows = make_data(args.decisions, min(args.existing, args.decisions))
            result = post_bulk(secret, rows, idempotency_key=args.idempotency_key)
        else:
            with transaction.atomic():
                secret, rows = make_data(args.decisions, min(args.existing, args.decisions))
                result = post_bulk(secret, rows, idempotency_key=args.idempotency_key)
                made = _made(rows)
                raise Rollback
    except Rollback:
        pass
    else:
        made = _made(rows)
    response, size, seconds, cpu, queries, slowest = result
    answer = response.json()
    how = "committed" if args.commit and not args.idempotency_key else (
        "one transaction, committed" if args.commit else "one transaction, rolled back")
    print(f"\nPOST /api/v1/vouchers/bulk: {args.decisions} decisions ({args.existing} of existing customers), "
          f"{size / 1024:.0f} kB body (limit {settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:.1f} MB); {how}")
    print(f"  answer {response.status_code}: created {answer.get('created')}, existing {answer.get('existing')}, "
          f"errors {answer.get('errors')}; vouchers in the database {made}")
    print(f"  wall {seconds:.2f} s, CPU of this process {cpu:.2f} s, {queries} queries "
          f"({queries / max(args.decisions, 1):.1f} a decision), {args.decisions / seconds:.0f} decisions/s")
    print(f"  load average now: {' '.join(f'{x:.1f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print("  where the database's time went (the statements' kinds, summed):")
    for kind, (count, spent) in slowest[:6]:
        print(f"    {spent:6.2f} s  {count:6d}x  {kind}")
    errors = [row for row in answer.get("results", []) if row["status"] == "error"][:3]
    if errors:
        print(f"  first errors: {errors}")


if __name__ == "__main__":
    main()
