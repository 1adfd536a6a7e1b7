"""Time the main pages over HTTP against the floor, at whatever scale the database holds.

    make bench                     the training data (loaded if the database is empty)
    make bench-scale               the national-scale data of `make scale` (BENCH_PGDATA=… for another folder)
    python -m psop.devdb exec -- python scripts/bench.py [--rounds 30] [--json bench-results.json] [--scale]

Serves PSOP with gunicorn (2 sync workers, DEBUG off, PSOP_BENCH=1 so that every answer carries
its query count), logs in over HTTP as the training users (the login form and its CSRF token) and
requests every page a user can open (scripts/bench_pages.py; tests/test_bench_coverage.py fails on
a page of the access matrix that is not there, and on a GET operation of the API) ``--rounds``
times, each request right after the floor, ``/terveys/`` (the load balancers' health check: no
login, one indexed query, a small template), asked twice: by the page's own user (so that the floor
holds what the framework does for every signed-in request: reading the session and the user, saving
the session) and without cookies, as a load balancer asks it. The API's reads carry an API key of
the provider's or the organiser's (made once for the bench), no session. Prints p50 and p95
milliseconds, the ratio of the page's p50 to the signed-in floor's p50 (and to the load balancer's)
and the page's query count (counted by the server); writes the same as JSON. Asserts nothing about
the times; a page that answers other than expected (a GET other than 200, a form's POST other than
its redirect) is marked in the table and listed at the end, and the script exits with status 1.

What the data lacks is made once, as a user would: an API key of `tuottaja`'s and of
`jarjestaja-paakayttaja`'s organisation, a voucher granted with a client system's decision id,
(where the organiser has no run that pays `tuottaja`'s provider) the payment run of the month before
last, computed before the timing starts, and (on data loaded before hakeutuminen) the organiser's
rulebooks and `tuottaja`'s sent application with its PDF, as load_demo makes them.

The POSTs write, as a user would: "record an event" adds a small event to a different recordable
reservation of `tuottaja` each round, "create a customership" takes a fresh capitation voucher
each round (on data with too few of them, such as the training data, it times the GET form instead
and says so), "Myönnä ostovoima" grants a new voucher to one customer each round, and the
Myöntäminen search by henkilötunnus logs a read.
"""

import argparse
import datetime as dt
import http.client
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Exists, OuterRef, Q  # noqa: E402

from api.models import ApiKey  # noqa: E402
from api.services import api_key_create, secret_hash  # noqa: E402
from applications.models import Application, Rulebook  # noqa: E402
from core.dates import today  # noqa: E402
from customers.models import Customership  # noqa: E402
from demo import applications as training_applications  # noqa: E402
from events.models import Event  # noqa: E402
from grants.selectors import grantable_services  # noqa: E402
from grants.services import Granted, voucher_grant  # noqa: E402
from grants.views import customer_token  # noqa: E402
from organisations.models import Membership, Office, Provider  # noqa: E402
from payments.models import PaymentRun  # noqa: E402
from payments.services import payment_run_compute, system_user  # noqa: E402
from reservations.models import Reservation  # noqa: E402
from scripts.bench_pages import API_SECRETS, DECISION_ID, Objects, Page, pages  # noqa: E402
from vouchers.models import (  # noqa: E402
    Customer, Service, ServiceAgreement, ServiceContent, Voucher, VoucherKind, VoucherState, voucher_in_force_q,
)
from vouchers.selectors import price_items_valid_on, price_lists_valid_on  # noqa: E402

PASSWORD = "demo-salasana"
PROVIDER = "Hoiva Esimerkki Oy"
FLOOR = "/terveys/"
WARMUP_ROUNDS = 3


# --- HTTP ------------------------------------------------------------------------------------------


class Browser:
    """One user's cookies over plain http.client (gunicorn's sync workers close every connection)."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, *, body: dict | None = None, headers: dict | None = None):
        """(status, headers, body text, milliseconds from connecting to the last byte)."""
        headers = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        elapsed = (time.perf_counter() - start) * 1000
        conn.close()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response.status, response.headers, text, elapsed

    def log_in(self, username: str) -> None:
        """Through the login form, and for a staff user the second factor the Django admin asks."""
        status, _headers, text, _ms = self.request("GET", "/kirjaudu/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
        if status != 200 or token is None:
            raise SystemExit(f"bench: the login page answered {status} without a CSRF token")
        status, headers, _text, _ms = self.request(
            "POST", "/kirjaudu/", body={"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]}
        )
        second = headers.get("Location", "") if status == 302 else ""
        if second.startswith("/tili/2fa/authenticate/"):  # the admin's second factor (identity, issue 21)
            status, _headers, text, _ms = self.request("GET", second)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text)
            status, headers, _text, _ms = self.request(
                "POST", second, body={"code": totp_code(), "csrfmiddlewaretoken": token[1] if token else ""})
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"bench: could not log in as {username} (HTTP {status}; is the training data loaded?)")

    @property
    def csrf(self) -> dict:
        return {"X-CSRFToken": self.cookies.get("csrftoken", "")}


# --- what to request: scripts/bench_pages.py's list, with the objects of this database -------------------


def _recordable(provider: Provider):
    """The provider's reservations on service vouchers open today with a price today."""
    day = today()
    prices = price_items_valid_on(
        day,
        content=OuterRef("voucher_content__content"),
        provider=provider.pk,
        organiser=OuterRef("voucher__organiser"),
        service=OuterRef("voucher__service"),
    )
    return (
        Reservation.objects.filter(provider=provider, voucher__service__kind=VoucherKind.SERVICE_VOUCHER)
        .in_force_on(day)
        .filter(voucher_in_force_q(day))
        .filter(Exists(prices))
        .order_by("pk")
    )


def fresh_vouchers(provider: Provider, kind: str, count: int) -> list[Voucher]:
    """`count` open vouchers of ``kind`` the provider may take (a price list today), not yet reserved
    nor taken as a customership."""
    day = today()
    priced = price_lists_valid_on(day, provider=provider.pk, organiser=OuterRef("organiser"), service=OuterRef("service"))
    return list(
        Voucher.objects.filter(service__kind=kind)
        .in_state(VoucherState.OPEN, day)
        .in_force_on(day)
        .filter(Exists(priced))
        .exclude(Exists(Customership.objects.filter(voucher=OuterRef("pk"))))
        .exclude(Exists(Reservation.objects.filter(voucher=OuterRef("pk"))))
        .order_by("pk")[:count]
    )


# The admin's authenticator app in the benchmark (the Django admin asks staff for a second factor).
BENCH_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def ensure_second_factor(username: str) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user = get_user_model().objects.filter(username=username).first()
    if user is not None and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, BENCH_TOTP_SECRET)


def totp_code() -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(BENCH_TOTP_SECRET, int(time.time()) // 30))


def ensure_api_key(username: str, scopes: list[str]) -> ApiKey:
    """The key of ``username``'s organisation that the bench signs its API requests with: made once
    by api_key_create (as the organisation's admin would), its secret then set to the bench's own
    (bench_pages.API_SECRETS), so that a later run finds it again."""
    hashed = secret_hash(API_SECRETS[username])
    key = ApiKey.objects.filter(secret_hash=hashed).first()
    if key is not None and key.revoked_at is not None:  # revoked on its page: a new one, the old one's hash let go
        ApiKey.objects.filter(pk=key.pk).update(secret_hash=secret_hash(f"{hashed}-revoked-{key.pk}"))
        key = None
    if key is None:
        key, _secret = api_key_create(user=get_user_model().objects.get(username=username), name="make bench",
                                      scopes=scopes)
        ApiKey.objects.filter(pk=key.pk).update(secret_hash=hashed)
    return key


def ensure_payment_run(organiser_id: int, provider: Provider) -> PaymentRun:
    """The organiser's newest run that pays the provider. Without one (`make scale` and the training
    data have none), the run of the month before last is computed here, as the monthly schedule
    would have, untimed: it settles the events it pays (the older ones approved late), none of last
    month's, which `make bench-payments` times."""
    run = PaymentRun.objects.filter(organiser_id=organiser_id, payments__provider=provider).order_by("-month").first()
    if run is None:
        month = (today().replace(day=1) - dt.timedelta(days=32)).replace(day=1)
        run, _created = PaymentRun.objects.get_or_create(
            organiser_id=organiser_id, month=month,
            defaults={"created_by": system_user(), "status": PaymentRun.Status.RUNNING},
        )
        print(f"bench: computing {run.organiser}'s payment run of {month:%m/%Y} for the payment pages")
        run = payment_run_compute(run_id=run.pk)
    return run


def ensure_decision(user, customer: Customer, service_id: int, content_id: int) -> Voucher:
    """A voucher granted with the client system's decision id (API: "a voucher by decision"); the
    same decision sent again returns it (grants.services.voucher_grant)."""
    voucher, _created = voucher_grant(
        user=user, customer=customer, service=Service.objects.get(pk=service_id),
        contents=[Granted(content_id=content_id, quantity=Decimal(10), unit_value=Decimal("38.00"), period="month")],
        valid_from=today(), valid_to=today() + dt.timedelta(days=364), decision_number="make bench",
        decision_date=today(), decision_id=DECISION_ID,
    )
    return voucher


def ensure_application(admin, applicant) -> Application:
    """The provider's sent application (with a PDF) to the organiser, and the organiser's rulebooks,
    as load_demo makes them (demo/applications.py): found, or on a database loaded before them made
    here; a file missing from this MEDIA_ROOT is written again under its name."""
    return training_applications.load(admin=admin, applicant=applicant, today=today())


def bench_objects(total: int) -> Objects:
    """What the pages are requested with, from this database; makes what it lacks (see ensure_*)."""
    users = {user.username: user for user in get_user_model().objects.filter(
        username__in=["tuottaja", "jarjestaja", "jarjestaja-paakayttaja", "kirjaaja"])}
    provider = Provider.objects.get(name=PROVIDER)
    organiser_id = Membership.objects.get(user=users["jarjestaja"]).organiser_id
    shown = Reservation.objects.filter(voucher__number="1005").first() or Reservation.objects.filter(provider=provider).first()
    record = list(_recordable(provider)[:total])
    own = Voucher.objects.filter(organiser_id=organiser_id, closed_on__isnull=True).select_related("customer") \
        .order_by("pk").first()
    # The grants' customer: the newest voucher's, so that the vouchers the bench grants go to one
    # customer run after run (not to the customer whose page is timed).
    granted_to = Voucher.objects.filter(organiser_id=organiser_id).select_related("customer").order_by("-pk") \
        .first().customer
    service = grantable_services(organiser_id).filter(kind=VoucherKind.SERVICE_VOUCHER).first()
    content = ServiceContent.objects.filter(service=service).order_by("name").first()
    member = users.get("kirjaaja") or get_user_model().objects.filter(membership__provider=provider) \
        .exclude(username="tuottaja").order_by("pk").first()
    agreement = ServiceAgreement.objects.filter(organiser_id=organiser_id, provider=provider).order_by("pk").first()
    events = Event.objects.order_by("pk")
    event = (events.filter(reservation__in=[r.pk for r in record]).first()
             or events.filter(reservation__provider=provider).first())
    customership = (Customership.objects.filter(provider=provider, voucher__organiser_id=organiser_id)
                    .filter(Q(end_date__isnull=True) | Q(end_date__gte=today())).order_by("pk").first())
    unreserved = fresh_vouchers(provider, VoucherKind.SERVICE_VOUCHER, 1)
    ensure_second_factor("admin")
    ensure_decision(users["jarjestaja"], granted_to, service.pk, content.pk)
    ensure_api_key("jarjestaja-paakayttaja", ["read", "payments", "grants"])
    application = ensure_application(users["jarjestaja-paakayttaja"], users["tuottaja"])
    rulebook = Rulebook.objects.filter(organiser_id=organiser_id, service_id=agreement.service_id) \
        .order_by("-version").first()
    return Objects(
        last_name=_common_last_name(),
        shown_reservation=shown.pk,
        lookup_number="1001",
        recordable=[(r.pk, r.voucher_content_id) for r in record],
        fresh_capitation=[v.number for v in fresh_vouchers(provider, VoucherKind.CAPITATION, total)],
        office=Office.objects.filter(provider=provider).order_by("pk").values_list("pk", flat=True).first(),
        unreserved_number=unreserved[0].number if unreserved else "1001",
        own_number=own.number,
        own_customer=own.customer_id,
        customer_hetu=granted_to.henkilotunnus,
        customer_token=customer_token(users["jarjestaja"], granted_to),
        grant_service=service.pk,
        grant_content=content.pk,
        member=member.pk,
        service=agreement.service_id,
        agreement=agreement.pk,
        price_list=agreement.price_lists.order_by("pk").values_list("pk", flat=True).first(),
        event=event.pk,
        credit_event=events.filter(organiser_id=organiser_id).first().pk,
        customership=customership.pk,
        run=ensure_payment_run(organiser_id, provider).pk,
        api_key=ensure_api_key("tuottaja", ["read", "payments"]).pk,
        application=application.pk,
        application_attachment=application.attachments.order_by("pk").values_list("pk", flat=True).first(),
        rulebook=rulebook.pk,
        organiser=organiser_id,
    )


def _common_last_name() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_name FROM vouchers_customer WHERE last_name = 'Virtanen' LIMIT 1")
        if cursor.fetchone():
            return "Virtanen"
        cursor.execute("SELECT last_name FROM vouchers_customer ORDER BY id LIMIT 1")
        row = cursor.fetchone()
    return row[0] if row else "Virtanen"


# --- the data and the server -------------------------------------------------------------------------


def data_size() -> dict:
    """Estimated rows of the big tables (the planner's statistics: counting would take long)."""
    tables = {
        "customers": "vouchers_customer", "vouchers": "vouchers_voucher", "reservations": "reservations_reservation",
        "customerships": "customers_customership", "events": "reservations_event", "audit rows": "audit_auditentry",
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [list(tables.values())])
        rows = dict(cursor.fetchall())
        for table, estimate in rows.items():
            if estimate < 0:  # never analysed: small, count it
                cursor.execute(f'SELECT count(*) FROM "{table}"')
                rows[table] = cursor.fetchone()[0]
    return {label: rows.get(table, 0) for label, table in tables.items()}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, *, workers: int = 2, env: dict | None = None) -> subprocess.Popen:
    """gunicorn with ``workers`` sync workers, DEBUG off, serving once the floor answers; ``env``
    beside the process's own (the bench's PSOP_BENCH=1: each answer carries its query count)."""
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "LOG_LEVEL": "ERROR",
           "PYTHONUNBUFFERED": "1", **(env or {})}
    command = [
        sys.executable, "-m", "gunicorn", "psop.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--log-level", "warning", "--timeout", "120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _h, _t, _ms = Browser(port).request("GET", FLOOR)
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit("bench: gunicorn did not start")
        time.sleep(0.3)
    server.terminate()
    raise SystemExit("bench: gunicorn did not answer within 60 s")


# --- measuring -----------------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def _server_ms(headers) -> float | None:
    match = re.search(r"app;dur=([0-9.]+)", headers.get("Server-Timing", ""))
    return float(match[1]) if match else None


def measure(port: int, rounds: int, page_list: list[Page]) -> tuple[Page, Page]:
    """Each round, for each page: the floor as a load balancer asks it (no cookies), the floor as
    the page's user asks it (the same session cookie: the framework's session read and save and
    the user's load), then the page. Returns the two floors."""
    browsers = {}
    for page in page_list:
        if (page.user, page.api) not in browsers:
            browsers[page.user, page.api] = Browser(port)
            if not page.api:  # an API request carries its key, no session (its floor is the load balancer's)
                browsers[page.user, page.api].log_in(page.user)
    anonymous_floor = Page("floor /terveys/, no session (load balancer)", "", FLOOR)
    signed_floor = Page("floor /terveys/, signed in", "", FLOOR)
    anonymous = Browser(port)
    for round_number in range(WARMUP_ROUNDS + rounds):
        counted = round_number >= WARMUP_ROUNDS
        for page in page_list:
            browser = browsers[page.user, page.api]
            # An API request has no session: its floor is the load balancer's, not a signed-in one.
            targets = [(anonymous_floor, anonymous)] + ([] if page.api else [(signed_floor, browser)])
            for target, client in (*targets, (page, browser)):
                path, body = target.request_for(round_number)
                headers = dict(target.headers)
                if target.method == "POST":
                    headers.update(client.csrf)
                try:
                    status, response_headers, _text, elapsed = client.request(target.method, path, body=body, headers=headers)
                except TimeoutError:
                    raise SystemExit(f"bench: {target.label} ({target.method} {path}) did not answer within 120 s") from None
                if not counted:
                    continue
                target.times.append(elapsed)
                target.statuses[status] = target.statuses.get(status, 0) + 1
                if (app := _server_ms(response_headers)) is not None:
                    target.app_ms.append(app)
                if response_headers.get("X-PSOP-Queries"):
                    target.queries.add(int(response_headers["X-PSOP-Queries"]))
        print(".", end="", flush=True)
    print()
    return anonymous_floor, signed_floor


def row(page: Page, floor_p50: float, anonymous_p50: float) -> dict:
    p50 = statistics.median(page.times)
    return {
        "page": page.label,
        "user": page.who,
        "method": page.method,
        "path": page.path,
        "status": page.statuses,
        "unexpected_status": sorted(code for code in page.statuses if code not in page.ok),
        "p50_ms": round(p50, 2),
        "p95_ms": round(percentile(page.times, 0.95), 2),
        "ratio": round(p50 / floor_p50, 2),
        "ratio_to_anonymous_floor": round(p50 / anonymous_p50, 2),
        "server_p50_ms": round(statistics.median(page.app_ms), 2) if page.app_ms else None,
        "queries": sorted(page.queries),
        "note": page.note,
    }


def floor_summary(floor: Page) -> dict:
    return {
        "path": FLOOR,
        "p50_ms": round(statistics.median(floor.times), 2),
        "p95_ms": round(percentile(floor.times, 0.95), 2),
        "server_p50_ms": round(statistics.median(floor.app_ms), 2) if floor.app_ms else None,
        "queries": sorted(floor.queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rounds", nargs="?", type=int, default=30, help="requests per page (default 30)")
    parser.add_argument("--json", default=None, help="where to write the results (default bench-results.json)")
    parser.add_argument("--scale", action="store_true", help="refuse to run on a database without `make scale` data")
    args = parser.parse_args()
    json_path = Path(args.json or ("bench-scale-results.json" if args.scale else "bench-results.json"))

    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="tuottaja").exists():
        if args.scale:
            raise SystemExit("bench-scale: no training data here; run `make scale` first")
        call_command("load_demo", verbosity=0)
    size = data_size()
    if args.scale and size["vouchers"] < 100_000:
        raise SystemExit(f"bench-scale: only ~{size['vouchers']} vouchers here; run `make scale` first")

    total = args.rounds + WARMUP_ROUNDS
    page_list = pages(bench_objects(total), total, today=today())
    connection.close()
    port = free_port()
    server = start_gunicorn(port, env={"PSOP_BENCH": "1"})
    try:
        anonymous_floor, signed_floor = measure(port, args.rounds, page_list)
    finally:
        server.terminate()
        server.wait(timeout=30)

    floor = floor_summary(signed_floor)
    anonymous = floor_summary(anonymous_floor)
    results = [row(page, floor["p50_ms"], anonymous["p50_ms"]) for page in page_list]
    when = dt.datetime.now().astimezone()
    print(f"\n{when:%Y-%m-%d %H:%M} · {args.rounds} rounds · gunicorn 2 workers, DEBUG off · "
          f"{os.cpu_count()} cores · PostgreSQL {connection.pg_version // 10000}")
    print("data: " + ", ".join(f"{label} ~{count:,}" for label, count in size.items()))
    for label, summary in (("signed in (the page's own session)", floor), ("no session (a load balancer)", anonymous)):
        print(f"floor {FLOOR} {label}: p50 {summary['p50_ms']:.1f} ms, p95 {summary['p95_ms']:.1f} ms, "
              f"queries {'/'.join(map(str, summary['queries']))}")
    print("× floor: the page's p50 over the signed-in floor's p50; × LB: over the load balancer's\n")
    width = max(len(r["page"]) for r in results)
    print(f"{'page':{width}}  {'p50 ms':>8} {'p95 ms':>8} {'× floor':>8} {'× LB':>6} {'queries':>8}  status")
    for r in results:
        queries = "/".join(map(str, r["queries"]))
        status = ",".join(f"{code}×{n}" for code, n in sorted(r["status"].items()))
        flag = "" if r["ratio"] <= 2 else "  > 2×"
        if r["unexpected_status"]:
            flag += "  !! UNEXPECTED STATUS"
        print(f"{r['page']:{width}}  {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['ratio']:>8.2f} "
              f"{r['ratio_to_anonymous_floor']:>6.1f} {queries:>8}  {status}{flag}")
        if r["note"]:
            print(f"{'':{width}}  ({r['note']})")
    failed = [(page, r) for page, r in zip(page_list, results, strict=True) if r["unexpected_status"]]
    report = {
        "date": when.isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]]),
        "machine": {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "postgresql": connection.pg_version},
        "server": "gunicorn, 2 sync workers, DEBUG=0",
        "rounds": args.rounds,
        "data": size,
        "floor": floor,
        "floor_without_session": anonymous,
        "pages": results,
    }
    json_path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwritten to {json_path}")
    if failed:
        print(f"\nbench: {len(failed)} page(s) answered other than expected (their times are an error's, "
              "not the page's):")
        for page, r in failed:
            expected = "/".join(map(str, page.ok))
            got = ", ".join(f"{code}×{n}" for code, n in sorted(r["status"].items()))
            print(f"  {page.label}: {page.method} {page.path} as {page.who}: {got} (expected {expected})")
        sys.exit(1)


if __name__ == "__main__":
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("bench: gunicorn is not installed in this environment (make install)")
    main()
