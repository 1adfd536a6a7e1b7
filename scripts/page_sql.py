"""A page's SQL, in-process: its time, its statements' plans, and which plans a planner setting changes.

    PSOP_PGDATA=/tmp/scale01-pg python -m psop.devdb exec -- python scripts/page_sql.py tuottaja /maksut/
    ... --rounds 20                p50 and p95 of the whole request and of its SQL (default 10)
    ... --explain 5                EXPLAIN (ANALYZE, BUFFERS) of each SELECT of the page over 5 ms
    ... --random-page-cost 4       the SELECTs whose plan differs at that random_page_cost from the
                                   connection's, with the median of 5 EXPLAIN ANALYZE of each
    ... USER PATH [USER PATH ...]  several pages; USER is a username ("-": not signed in)

Each request goes through django.test.Client (``force_login``, no HTTP, no gunicorn): what the
server does, without the network and the WSGI server. It runs in a transaction that is rolled back,
as is the signed-in session, so the page's own writes (its audit row, the session) do not stay:
safe on a shared database. A
benchmark of the served pages against the floor is ``scripts/bench.py``; this looks inside one.
Asserts nothing.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]


class Recorder:
    """Every statement of a request: (milliseconds, sql, params)."""

    def __init__(self):
        self.statements: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append(((time.perf_counter() - start) * 1000, sql, params))

    @property
    def ms(self) -> float:
        return sum(ms for ms, _sql, _params in self.statements)


def request(client, path) -> tuple[float, Recorder]:
    """One GET, rolled back: (milliseconds, its statements)."""
    recorder = Recorder()
    with transaction.atomic():
        with connection.execute_wrapper(recorder):
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
        transaction.set_rollback(True)
    if response.status_code != 200:
        raise SystemExit(f"page_sql: {path} answered {response.status_code}")
    return elapsed, recorder


def selects(recorder):
    for ms, sql, params in recorder.statements:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")) and "django_session" not in sql:
            yield ms, sql, params


def explain(sql, params, *, analyze: bool, random_page_cost=None) -> list[str]:
    with transaction.atomic(), connection.cursor() as cursor:
        if random_page_cost is not None:
            cursor.execute(f"SET LOCAL random_page_cost = {float(random_page_cost)}")
        options = "ANALYZE, BUFFERS, SUMMARY" if analyze else "COSTS OFF"
        cursor.execute(f"EXPLAIN ({options}) {sql}", params)
        rows = [row[0] for row in cursor.fetchall()]
        transaction.set_rollback(True)
    return rows


def total_ms(plan: list[str]) -> float:
    text = "\n".join(plan)
    return sum(float(re.search(rf"{name} Time: ([\d.]+)", text).group(1)) for name in ("Planning", "Execution"))


def percentile(values, share) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="+", help="USER PATH pairs")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--explain", type=float, default=None, metavar="MS")
    parser.add_argument("--random-page-cost", default=None)
    args = parser.parse_args()
    if len(args.pages) % 2:
        parser.error("give USER PATH pairs")
    users = get_user_model().objects
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('random_page_cost'), current_setting('parallel_setup_cost')")
        print("random_page_cost %s, parallel_setup_cost %s" % cursor.fetchone())
    for username, path in zip(args.pages[::2], args.pages[1::2]):
        with transaction.atomic():  # the session too is rolled back
            measure(args, users, username, path)
            transaction.set_rollback(True)


def measure(args, users, username, path) -> None:
    client = Client()
    if username != "-":
        client.force_login(users.get(username=username))
    request(client, path)  # warm: the first request of a session writes it
    times, sql_times, recorder = [], [], None
    for _ in range(args.rounds):
        elapsed, recorder = request(client, path)
        times.append(elapsed)
        sql_times.append(recorder.ms)
    print(f"{username} {path}: p50 {statistics.median(times):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, "
          f"SQL p50 {statistics.median(sql_times):.1f} ms, {len(recorder.statements)} statements", flush=True)
    for ms, sql, params in selects(recorder):
        if args.explain is not None and ms >= args.explain:
            with connection.cursor() as cursor:
                print(f"\n--- {ms:.1f} ms\n{cursor.mogrify(sql, params)}\n")
            print("\n".join(explain(sql, params, analyze=True)), "\n", flush=True)
        if args.random_page_cost is not None:
            if explain(sql, params, analyze=False) == explain(sql, params, analyze=False, random_page_cost=args.random_page_cost):
                continue
            here, there = [], []
            for _ in range(5):
                here.append(total_ms(explain(sql, params, analyze=True)))
                there.append(total_ms(explain(sql, params, analyze=True, random_page_cost=args.random_page_cost)))
            print(f"  plan differs at random_page_cost {args.random_page_cost}: {statistics.median(there):.2f} ms"
                  f" there, {statistics.median(here):.2f} ms here: {sql[:100]!r}", flush=True)


if __name__ == "__main__":
    main()
