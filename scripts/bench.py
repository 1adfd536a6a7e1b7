"""Time the main pages over HTTP against the floor, at whatever scale the database holds.

    make bench                     the training data (loaded if the database is empty)
    make bench-scale               the national-scale data of `make scale` (BENCH_PGDATA=… for another folder)
    python -m psop.devdb exec -- python scripts/bench.py [--rounds 30] [--json bench-results.json] [--scale]

Serves PSOP with gunicorn (2 sync workers, DEBUG off, PSOP_BENCH=1 so that every answer carries
its query count), logs in over HTTP as the training users (the login form and its CSRF token) and
requests each page of issue 10's table ``--rounds`` times, each request right after the floor,
``/terveys/`` (the load balancers' health check: no login, one indexed query, a small template),
asked twice: by the page's own user (so that the floor holds what the framework does for every
signed-in request: reading the session and the user, saving the session) and without cookies, as
a load balancer asks it. Prints p50 and p95 milliseconds, the ratio of the page's p50 to the
signed-in floor's p50 (and to the load balancer's) and the page's query count (counted by the
server); writes the same as JSON. Asserts nothing.

The POSTs write, as a user would: "record an event" adds a small event to a different recordable
reservation of `tuottaja` each round, and "create a customership" takes a fresh capitation voucher
each round (on data with too few of them, such as the training data, it times the GET form instead
and says so).
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
from django.db.models import Exists, OuterRef  # noqa: E402

from core.dates import today  # noqa: E402
from customers.models import Customership  # noqa: E402
from organisations.models import Office, Provider  # noqa: E402
from reservations.models import Reservation  # noqa: E402
from vouchers.models import Voucher, VoucherKind, VoucherState, voucher_in_force_q  # noqa: E402
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


# --- what to request ---------------------------------------------------------------------------------


class Page:
    def __init__(self, label, user, path, *, method="GET", headers=None, body=None, ok=(200,), note=""):
        self.label, self.user, self.path, self.method = label, user, path, method
        self.headers = headers or {}
        self.body = body  # None, or a function of the round number giving (path, body)
        self.ok = ok
        self.note = note
        self.times: list[float] = []
        self.app_ms: list[float] = []
        self.queries: set[int] = set()
        self.statuses: dict[int, int] = {}

    def request_for(self, round_number: int):
        if self.body is None:
            return self.path, None
        return self.body(round_number)


def _hx(target: str) -> dict:
    return {"HX-Request": "true", "HX-Target": target, "HX-Current-URL": "http://127.0.0.1/"}


def recordable_reservations(count: int) -> list[Reservation]:
    """`count` different reservations of the provider on service vouchers open today with a price today."""
    day = today()
    provider = Provider.objects.get(name=PROVIDER)
    prices = price_items_valid_on(
        day,
        content=OuterRef("voucher_content__content"),
        provider=provider.pk,
        organiser=OuterRef("voucher__organiser"),
        service=OuterRef("voucher__service"),
    )
    return list(
        Reservation.objects.filter(provider=provider, voucher__service__kind=VoucherKind.SERVICE_VOUCHER)
        .in_force_on(day)
        .filter(voucher_in_force_q(day))
        .filter(Exists(prices))
        .order_by("pk")[:count]
    )


def fresh_capitation_vouchers(count: int) -> list[Voucher]:
    """`count` open capitation vouchers without a customership that the provider may take in."""
    day = today()
    provider = Provider.objects.get(name=PROVIDER)
    priced = price_lists_valid_on(day, provider=provider.pk, organiser=OuterRef("organiser"), service=OuterRef("service"))
    return list(
        Voucher.objects.filter(service__kind=VoucherKind.CAPITATION)
        .in_state(VoucherState.OPEN, day)
        .in_force_on(day)
        .filter(Exists(priced))
        .exclude(Exists(Customership.objects.filter(voucher=OuterRef("pk"))))
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


def pages(rounds: int) -> list[Page]:
    total = rounds + WARMUP_ROUNDS
    provider = Provider.objects.get(name=PROVIDER)
    shown = Reservation.objects.filter(voucher__number="1005").first() or Reservation.objects.filter(provider=provider).first()
    record = recordable_reservations(total)
    fresh = fresh_capitation_vouchers(total)
    office = Office.objects.filter(provider=provider).order_by("pk").first()
    name = _common_last_name()
    day = today().strftime("%Y-%m-%d")
    plus = f"/palveluvaraukset/{shown.pk}/"
    # A voucher of jarjestaja's own organiser, for its decision pages.
    letter_number = Voucher.objects.filter(organiser__members__user__username="jarjestaja", closed_on__isnull=True) \
        .order_by("pk").values_list("number", flat=True).first()
    result = [
        Page("Asiakas", "tuottaja", "/asiakas/"),
        Page("lookup 1001", "tuottaja", "/asiakas/haku/?numero=1001"),
        Page('reservation "+" fragment', "tuottaja", plus, headers=_hx(f"reservation-{shown.pk}")),
        Page("Palveluvaraukset (provider)", "tuottaja", "/palveluvaraukset/"),
        Page("Palveluvaraukset (organiser)", "jarjestaja", "/palveluvaraukset/"),
        Page("Palveluvaraukset search by name", "tuottaja", f"/palveluvaraukset/?{urlencode({'haku': name})}"),
        # Not in issue 10's table, but what an organiser's staff do every day: find a customer by
        # name among the organiser's reservations, and the events waiting for their review.
        Page("search by name (organiser)", "jarjestaja", f"/palveluvaraukset/?{urlencode({'haku': name})}"),
        Page("Tarkastettavat (organiser)", "jarjestaja", "/tapahtumat/tarkastettavat/"),
        Page("Ostovoimat (provider)", "tuottaja", "/ostovoimat/"),
        Page("Ostovoimat (organiser)", "jarjestaja", "/ostovoimat/"),
        Page("Saldo-ostovoimat", "tuottaja", "/saldo-ostovoimat/"),
    ]
    if len(record) >= total:
        result.append(Page(
            "record an event (POST)", "tuottaja", "/palveluvaraukset/…/tapahtuma/", method="POST", headers=_hx("panel"),
            body=lambda n: (f"/palveluvaraukset/{record[n].pk}/tapahtuma/", {
                "paivamaara": day, "sisalto": record[n].voucher_content_id, "maara": "0,25", "lisatieto": "make bench"}),
        ))
    else:
        first = record[0] if record else shown
        result.append(Page("record an event (GET form)", "tuottaja", f"/palveluvaraukset/{first.pk}/tapahtuma/",
                           note=f"only {len(record)} recordable reservations: the form, not a POST"))
    if len(fresh) >= total and office is not None:
        result.append(Page(
            "create a customership (POST)", "tuottaja", "/ostovoimat/…/asiakkuus/", method="POST",
            headers=_hx("lookup-result"),
            body=lambda n: (f"/ostovoimat/{fresh[n].number}/asiakkuus/", {
                "toimipaikka": office.pk, "alkaa": day, "sopimusehdot": "on", "sopimussuhde": "on"}),
        ))
    else:
        number = fresh[0].number if fresh else "2001"
        result.append(Page("create a customership (GET form)", "tuottaja", f"/ostovoimat/{number}/asiakkuus/",
                           headers=_hx("lookup-result"),
                           note=f"only {len(fresh)} fresh capitation vouchers: the form, not a POST"))
    result += [
        Page("Lokitiedot", "jarjestaja-paakayttaja", "/loki/"),
        Page("Maksatus (payment runs)", "jarjestaja", "/maksatus/"),
        Page("admin: vouchers changelist", "admin", "/admin/vouchers/voucher/"),
        Page("admin: events changelist", "admin", "/admin/events/event/"),
        # Issue 21 and 22's pages: identification, granting, the registers.
        Page("Organisaatio: Tunnistautuminen", "jarjestaja-paakayttaja", "/organisaatio/tunnistautuminen/"),
        Page("Organisaatio: Kutsu käyttäjä (form)", "jarjestaja-paakayttaja", "/organisaatio/kayttajat/kutsu/"),
        Page("Myöntäminen", "jarjestaja", "/myontaminen/"),
        Page("Muuta myöntöä (form)", "jarjestaja", f"/ostovoimat/{letter_number}/muutos/"),
        Page("decision letter", "jarjestaja", f"/ostovoimat/{letter_number}/paatos/"),
        Page("Organisaatio: Palvelut", "jarjestaja-paakayttaja", "/organisaatio/palvelut/"),
        Page("Organisaatio: Sopimukset", "jarjestaja-paakayttaja", "/organisaatio/sopimukset/"),
    ]
    ensure_second_factor("admin")
    return result


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


def start_gunicorn(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update({
        "DEBUG": "0", "PSOP_BENCH": "1", "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "ERROR", "PYTHONUNBUFFERED": "1",
    })
    command = [
        sys.executable, "-m", "gunicorn", "psop.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}",
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
        if page.user not in browsers:
            browsers[page.user] = Browser(port)
            browsers[page.user].log_in(page.user)
    anonymous_floor = Page("floor /terveys/, no session (load balancer)", "", FLOOR)
    signed_floor = Page("floor /terveys/, signed in", "", FLOOR)
    anonymous = Browser(port)
    for round_number in range(WARMUP_ROUNDS + rounds):
        counted = round_number >= WARMUP_ROUNDS
        for page in page_list:
            browser = browsers[page.user]
            for target, client in ((anonymous_floor, anonymous), (signed_floor, browser), (page, browser)):
                path, body = target.request_for(round_number)
                headers = dict(target.headers)
                if target.method == "POST":
                    headers.update(client.csrf)
                status, response_headers, _text, elapsed = client.request(target.method, path, body=body, headers=headers)
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
        "user": page.user,
        "method": page.method,
        "path": page.path,
        "status": page.statuses,
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

    page_list = pages(args.rounds)
    connection.close()
    port = free_port()
    server = start_gunicorn(port)
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
        print(f"{r['page']:{width}}  {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['ratio']:>8.2f} "
              f"{r['ratio_to_anonymous_floor']:>6.1f} {queries:>8}  {status}{flag}")
        if r["note"]:
            print(f"{'':{width}}  ({r['note']})")
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


if __name__ == "__main__":
    if shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("bench: gunicorn is not installed in this environment (make install)")
    main()
