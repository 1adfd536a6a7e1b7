"""Capacity of one gunicorn node: the highest request rate at which p95 ≤ 250 ms with no errors.

    make loadtest                                   on the database of `make scale` (or the training data)
    python -m psop.devdb exec -- python scripts/loadtest.py [--rates 5,10,20,30,40] [--seconds 30]
        [--workers 2] [--p95 250] [--json loadtest-results.json]

Serves PSOP with gunicorn (``--workers`` sync workers, DEBUG off) on a loopback port, logs the
training users in once (their sessions and API keys go into a plan file), then runs locust
headless with the staff mix of scripts/locustfile.py at each offered rate in turn (users = rate,
each asking once a second; ``--seconds`` per step, bounded; the first ``WARMUP_SECONDS`` of each
step not counted) and prints a table per step: requests a second served, p50/p95/p99 and errors,
in all and per action. It stops at the first step that fails (p95 above ``--p95`` or any error) and
prints the capacity: the highest passing step's served rate. Asserts nothing.

Writes: the POSTs record small events on the provider's reservations and take in capitation
customers, as a working day would (on `load_scale` data there are plenty of both).
"""

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from api.services import api_key_create  # noqa: E402
from bench import PROVIDER, Browser, _recordable, data_size, free_port, fresh_vouchers, start_gunicorn  # noqa: E402
from core.dates import today  # noqa: E402
from organisations.models import Office, Provider  # noqa: E402
from reservations.models import Reservation  # noqa: E402
from vouchers.models import VoucherKind  # noqa: E402

SESSIONS_PER_ROLE = 12
API_KEYS = 6
WARMUP_SECONDS = 5


def plan(max_posts: int) -> dict:
    """What the simulated users need: sessions, keys, numbers, and what the POSTs use up."""
    provider = Provider.objects.get(name=PROVIDER)
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.id, v.number FROM reservations_reservation r JOIN vouchers_voucher v ON v.id = r.voucher_id
                WHERE r.provider_id = %s ORDER BY random() LIMIT 1000""", [provider.pk])
        rows = cursor.fetchall()
        cursor.execute("SELECT last_name FROM vouchers_customer WHERE last_name = 'Virtanen' LIMIT 1")
        name = "Virtanen" if cursor.fetchone() else Reservation.objects.filter(provider=provider).first().voucher.customer.last_name
    admin = get_user_model().objects.get(username="tuottaja")
    keys = [api_key_create(user=admin, name=f"loadtest {time.time():.0f}-{i}", scopes=["read"])[1] for i in range(API_KEYS)]
    return {
        "day": today().isoformat(),
        "numbers": [number for _pk, number in rows],
        "reservations": [pk for pk, _number in rows],
        "name": name,
        "office": Office.objects.filter(provider=provider).order_by("pk").values_list("pk", flat=True).first(),
        "recordable": [{"id": r.pk, "content": r.voucher_content_id} for r in _recordable(provider)[:max_posts]],
        "fresh_capitation": [v.number for v in fresh_vouchers(provider, VoucherKind.CAPITATION, max_posts // 4)],
        "api_keys": keys,
    }


def sessions(port: int) -> dict:
    result = {}
    for role in ("tuottaja", "jarjestaja"):
        result[role] = []
        for _ in range(SESSIONS_PER_ROLE):
            browser = Browser(port)
            browser.log_in(role)
            result[role].append(dict(browser.cookies))
    return result


def step(port: int, rate: int, seconds: int, plan_path: Path, folder: Path) -> list[dict]:
    """One offered rate: locust headless, ``rate`` users, each once a second. The stats of the
    counted part (after the warm-up, reset with ``--reset-stats`` once all users are running)."""
    prefix = folder / f"rate{rate}"
    command = [
        sys.executable, "-m", "locust", "-f", str(ROOT / "scripts" / "locustfile.py"), "--headless",
        "--users", str(rate), "--spawn-rate", str(max(1, rate // WARMUP_SECONDS)), "--run-time", f"{seconds + WARMUP_SECONDS}s",
        "--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--reset-stats", "--only-summary",
        "--loglevel", "ERROR", "--stop-timeout", "10",
    ]
    subprocess.run(command, cwd=ROOT, env={**os.environ, "LOADTEST_PLAN": str(plan_path)}, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + WARMUP_SECONDS + 120)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _row(stats: dict) -> dict:
    def number(name):
        value = stats.get(name, "0")
        return float(value) if value not in ("", "N/A") else 0.0

    return {"name": stats["Name"], "requests": int(number("Request Count")), "errors": int(number("Failure Count")),
            "rps": round(number("Requests/s"), 2), "p50": number("50%"), "p95": number("95%"), "p99": number("99%")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rates", default="5,10,15,20,25,30,40,50,70", help="offered requests a second, in turn")
    parser.add_argument("--seconds", type=int, default=30, help="counted seconds per step (at most 300)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2: the cores)")
    parser.add_argument("--p95", type=float, default=250.0, help="the p95 bound in milliseconds")
    parser.add_argument("--json", default="loadtest-results.json")
    parser.add_argument("--hosts", default="", help="nodes already running (make cluster), comma-separated "
                        "base URLs: the users are spread over them, no gunicorn is started")
    args = parser.parse_args()
    rates = [int(rate) for rate in args.rates.split(",")][:12]
    seconds = min(max(args.seconds, 10), 300)

    call_command("migrate", verbosity=0)
    if not get_user_model().objects.filter(username="tuottaja").exists():
        call_command("load_demo", verbosity=0)
    size = data_size()
    hosts = [host.rstrip("/") for host in args.hosts.split(",") if host.strip()]
    port = int(hosts[0].rsplit(":", 1)[1]) if hosts else free_port()
    server = None if hosts else start_gunicorn(port, workers=args.workers, env={"API_RATE_LIMIT_PER_MINUTE": "100000"})
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="psop-loadtest-") as folder:
            plan_path = Path(folder) / "plan.json"
            the_plan = plan(max_posts=sum(rates) * (seconds + WARMUP_SECONDS) // 5)
            the_plan["sessions"] = sessions(port)
            the_plan["hosts"] = hosts
            plan_path.write_text(json.dumps(the_plan), encoding="utf-8")
            print("data: " + ", ".join(f"{label} ~{count:,}" for label, count in size.items()))
            where = (f"the nodes {', '.join(hosts)} (already running)" if hosts
                     else f"one node: gunicorn, {args.workers} sync workers")
            print(f"{where}; {os.cpu_count()} cores shared with locust and PostgreSQL; {seconds} s counted per step; "
                  f"pass: p95 ≤ {args.p95:g} ms and no errors\n")
            print(f"{'offered/s':>9} {'served/s':>9} {'requests':>9} {'errors':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}  result")
            for rate in rates:
                rows = [_row(stats) for stats in step(port, rate, seconds, plan_path, Path(folder))]
                total = next(row for row in rows if row["name"] == "Aggregated")
                passed = total["errors"] == 0 and total["p95"] <= args.p95 and total["requests"] > 0
                results.append({"offered": rate, "total": total, "actions": [r for r in rows if r["name"] != "Aggregated"],
                                "passed": passed})
                print(f"{rate:>9} {total['rps']:>9.1f} {total['requests']:>9} {total['errors']:>7} {total['p50']:>7.0f} "
                      f"{total['p95']:>7.0f} {total['p99']:>7.0f}  {'pass' if passed else 'FAIL'}", flush=True)
                if not passed:
                    break
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    passing = [result for result in results if result["passed"]]
    for result in ([passing[-1]] if passing else []) + ([results[-1]] if results and not results[-1]["passed"] else []):
        print(f"\nper action at {result['offered']}/s offered ({'pass' if result['passed'] else 'FAIL'}):")
        print(f"  {'action':<36} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}")
        for row in sorted(result["actions"], key=lambda row: -row["requests"]):
            print(f"  {row['name']:<36} {row['requests']:>8} {row['errors']:>6} {row['p50']:>6.0f} {row['p95']:>6.0f} {row['p99']:>6.0f}")
    capacity = passing[-1]["total"]["rps"] if passing else 0.0
    print(f"\ncapacity of {'the nodes' if hosts else 'one node'}: {capacity:.1f} requests a second with p95 ≤ {args.p95:g} ms and no errors"
          + (" (every step passed: offer more with --rates)" if passing and len(passing) == len(results) else ""))
    Path(args.json).write_text(json.dumps({"data": size, "hosts": hosts, "workers": args.workers, "seconds": seconds,
                                           "p95_bound_ms": args.p95, "steps": results, "capacity_rps": capacity},
                                          indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
