"""Database connections stay bounded under many requests (SECURITY.md round three, item 5).

`make run` serves with Django's threaded server, one thread per client connection, as this test's
live server does. Connections kept open between requests (CONN_MAX_AGE) pile up there, one per
thread that ever ran, until the database refuses more ("remaining connection slots are
reserved"). In development (PSOP_MODE=development, `make run`) a connection is closed at the end
of its request; production runs gunicorn's fixed workers and threads, whose kept connections are
reused, so their number is bounded by workers × threads.
"""

import http.client
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from tests.factories import OrganiserFactory

REQUESTS = 1000
THREADS = 16


def open_connections(dbname: str) -> int:
    params = connection.get_connection_params()
    params = {key: value for key, value in params.items() if key in ("host", "port", "user", "password")}
    with psycopg.connect(dbname=dbname, autocommit=True, **params) as conn:
        return conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (dbname,)).fetchone()[0]


def test_development_settings__connections_closed_at_each_request_end():
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] == 0


@pytest.mark.django_db(transaction=True)
def test_thousand_requests_over_sixteen_threads__a_bounded_number_of_connections(live_server):
    OrganiserFactory()
    dbname = connection.settings_dict["NAME"]
    failures = []
    kept_open = []  # client connections left open (keep-alive), as a client pool or an attacker does
    lock = threading.Lock()
    host, port = live_server.url.removeprefix("http://").split(":")

    def fetch(_):
        client = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            client.request("GET", "/terveys/", headers={"Connection": "keep-alive"})
            response = client.getresponse()
            response.read()
            ok = response.status == 200
        except OSError as error:
            ok = False
            with lock:
                failures.append(repr(error))
        with lock:
            kept_open.append(client)
        return ok

    try:
        with ThreadPoolExecutor(THREADS) as pool:
            answered = list(pool.map(fetch, range(REQUESTS)))
        connections_left = open_connections(dbname)
    finally:
        for client in kept_open:
            client.close()

    assert all(answered), failures[:3]
    # This test's own connection, the checker's, and at most one per request in flight.
    assert connections_left <= THREADS + 2
