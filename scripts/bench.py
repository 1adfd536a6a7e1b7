"""Measure the main pages on the training data: median and 95th percentile time and query count.

    make bench            (or: python -m psop.devdb exec -- python scripts/bench.py [rounds])

Runs against the development database (loading the training data if it is empty), through
Django's test client in this process, each request in a transaction that is rolled back so
that the audit rows it writes do not pile up. Prints a table; asserts nothing.
"""

import os
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
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]

PAGES = [
    ("tuottaja", "/asiakas/"),
    ("tuottaja", "/asiakas/haku/?numero=1001"),
    ("tuottaja", "/palveluvaraukset/"),
    ("tuottaja", "/palveluvaraukset/?haku=Virtanen"),
    ("tuottaja", "/ostovoimat/"),
    ("tuottaja", "/saldo-ostovoimat/"),
    ("jarjestaja", "/asiakas/haku/?numero=2002"),
    ("jarjestaja", "/palveluvaraukset/"),
    ("jarjestaja", "/ostovoimat/"),
    ("jarjestaja", "/maksatus/"),
    ("jarjestaja-paakayttaja", "/loki/"),
]


def measure(client, path, rounds):
    timings, queries, status = [], 0, None
    for _ in range(rounds):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(path, headers={"HX-Request": "true", "HX-Target": "panel"})
                timings.append((time.perf_counter() - start) * 1000)
            queries, status = len(captured.captured_queries), response.status_code
            transaction.set_rollback(True)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(len(timings) * 0.95))]
    return status, statistics.median(timings), p95, queries


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    User = get_user_model()
    if not User.objects.filter(username="tuottaja").exists():
        call_command("load_demo")
    clients = {}
    print(f"{rounds} requests per page (htmx panel), training data, {connection.vendor} {connection.pg_version}")
    print(f"{'user':24} {'page':36} {'status':>6} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
    for username, path in PAGES:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(User.objects.get(username=username))
        status, median, p95, queries = measure(clients[username], path, rounds)
        print(f"{username:24} {path:36} {status:>6} {median:>10.1f} {p95:>8.1f} {queries:>8}")


if __name__ == "__main__":
    main()
