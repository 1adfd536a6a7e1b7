"""Reads of the marked list pages from a replica, everything else from the primary (issue 26, item 2;
core.replica).

The replica here is a second connection alias to the test database (its own connection, named
``psop-replica`` in pg_stat_activity): what each alias was asked is captured per alias. A real
standby is made by ``make cluster`` (psop/cluster.py); its lag and replay position are what
``core.replica`` reads through the same queries."""

import copy
import subprocess
import sys

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import replica
from tests.factories import ReservationFactory, provider_user
from tests.test_settings import BASE_DIR, manage

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", replica.REPLICA])


@pytest.fixture(scope="module", autouse=True)
def replica_alias(django_db_setup, django_db_blocker):
    """The alias, for this module's tests only (before their database markers are read): the test
    database again, through a connection of its own."""
    with django_db_blocker.unblock():
        config = copy.deepcopy(connections["default"].settings_dict)
    config["OPTIONS"] = {**config.get("OPTIONS", {}), "application_name": "psop-replica"}
    connections.settings[replica.REPLICA] = config
    yield
    connections[replica.REPLICA].close()
    del connections[replica.REPLICA]
    del connections.settings[replica.REPLICA]


@pytest.fixture
def standby():
    """The replica's connection; the process's memory of the replica's health starts afresh, and
    a test that stopped the replica (another HOST) has it back for the database's teardown."""
    replica._health.update(checked=0.0, ok=False, replayed=0, down_until=0.0)
    connection = connections[replica.REPLICA]
    before = copy.deepcopy(connection.settings_dict)
    yield connection
    connection.close()
    connection.settings_dict.clear()
    connection.settings_dict.update(before)
    replica._health.update(checked=0.0, ok=False, replayed=0, down_until=0.0)


def _stop(connection) -> None:
    connection.close()
    connection.settings_dict["HOST"] = "/nonexistent-psop-replica"
    connection.settings_dict["OPTIONS"]["connect_timeout"] = 1


@pytest.fixture
def provider_client(client):
    reservation = ReservationFactory()
    client.force_login(provider_user(reservation.provider))
    return client, reservation


def _get(client, url, **extra):
    with CaptureQueriesContext(connections["default"]) as primary, \
            CaptureQueriesContext(connections[replica.REPLICA]) as standby:
        response = client.get(url, **extra)
    return response, [q["sql"] for q in primary.captured_queries], [q["sql"] for q in standby.captured_queries]


def _writes(statements) -> list[str]:
    return [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_marked_list__reads_on_the_replica__writes_and_the_session_on_the_primary(standby, provider_client):
    client, reservation = provider_client

    response, primary, replica_sql = _get(client, reverse("reservations:list"))

    assert response.status_code == 200 and reservation.voucher.number in response.content.decode()
    assert any('"reservations_reservation"' in sql for sql in replica_sql)
    assert _writes(replica_sql) == []
    assert any('INSERT INTO "audit_auditentry"' in sql for sql in primary)  # the read's audit row
    assert any('"django_session"' in sql for sql in primary) and not any('"django_session"' in sql for sql in replica_sql)
    assert not any('"reservations_reservation"' in sql and "FROM" in sql for sql in _writes(primary))
    application = standby.cursor().connection.execute("SELECT current_setting('application_name')").fetchone()[0]
    assert application == "psop-replica"


def test_unmarked_page__everything_on_the_primary(standby, provider_client):
    client, reservation = provider_client

    response, _primary, replica_sql = _get(client, reverse("vouchers:lookup"), data={"numero": reservation.voucher.number})

    assert response.status_code == 200 and replica_sql == []


def test_read_your_writes__after_a_post_the_primary_until_the_replica_has_replayed_it(standby, provider_client, monkeypatch):
    client, _reservation = provider_client
    client.post(reverse("set_language"), {"language": "fi", "next": "/"})  # any POST of this user
    wrote = client.session[replica.SESSION_KEY]
    assert wrote > 0

    monkeypatch.setattr(replica, "_replica_state", lambda fresh=False: (True, wrote - 1))  # not yet replayed
    _response, _primary, replica_sql = _get(client, reverse("reservations:list"))
    assert replica_sql == [] and client.session[replica.SESSION_KEY] == wrote

    monkeypatch.setattr(replica, "_replica_state", lambda fresh=False: (True, wrote))  # replayed now
    _response, _primary, replica_sql = _get(client, reverse("reservations:list"))
    assert any('"reservations_reservation"' in sql for sql in replica_sql)
    assert replica.SESSION_KEY not in client.session


def test_lagging_replica__skipped(standby, provider_client, monkeypatch):
    client, _reservation = provider_client
    monkeypatch.setattr(replica, "_replica_state", lambda fresh=False: (False, 0))

    response, _primary, replica_sql = _get(client, reverse("reservations:list"))

    assert response.status_code == 200 and replica_sql == []


def test_stopped_replica__every_marked_page_answers_from_the_primary(standby, provider_client):
    client, reservation = provider_client
    _stop(standby)

    for url in (reverse("reservations:list"), reverse("events:vouchers"), reverse("events:balance_vouchers"),
                reverse("events:review_list")):
        response = client.get(url)
        assert response.status_code in (200, 404), url  # the review queue is the organiser's
    assert reservation.voucher.number in client.get(reverse("reservations:list")).content.decode()
    assert replica._health["down_until"] > 0


def test_replica_fails_during_the_page__answered_again_from_the_primary(standby, provider_client, monkeypatch):
    client, reservation = provider_client
    monkeypatch.setattr(replica, "_replica_state", lambda fresh=False: (True, 1 << 62))  # looked fine
    _stop(standby)  # and is gone when the page reads

    response = client.get(reverse("reservations:list"))

    assert response.status_code == 200 and reservation.voucher.number in response.content.decode()


def test_router__writes_and_migrations_on_the_primary_reads_in_a_transaction_too(standby):
    from django.db import transaction

    from vouchers.models import Voucher

    router = replica.ReplicaRouter()
    token = replica._marked.set(True)
    try:
        assert router.db_for_read(Voucher) == replica.REPLICA
        assert router.db_for_write(Voucher) == replica.PRIMARY
        with transaction.atomic():
            assert router.db_for_read(Voucher) == replica.PRIMARY  # a service's reads beside its locks
        from django.contrib.sessions.models import Session

        assert router.db_for_read(Session) == replica.PRIMARY
    finally:
        replica._marked.reset(token)
    assert router.db_for_read(Voucher) == replica.PRIMARY  # an unmarked request
    assert router.allow_migrate(replica.REPLICA, "vouchers") is False


def test_lsn__compares_wal_positions():
    assert replica.lsn("16/B374D848") == (0x16 << 32) | 0xB374D848
    assert replica.lsn("0/10") < replica.lsn("1/0")


@pytest.mark.django_db(transaction=False)
def test_settings__pgbouncer_transaction_mode__no_server_side_cursors_prepared_statements_or_options():
    code = ("from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['DISABLE_SERVER_SIDE_CURSORS'], d['OPTIONS'].get('prepare_threshold', 'x'), 'options' in d['OPTIONS'], "
            "sorted(settings.DATABASES))")
    result = subprocess.run([sys.executable, "-c", f"import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'psop.settings'); django.setup(); {code}"],
                            env={**__import__("os").environ, "DATABASE_POOLER": "transaction",
                                 "DATABASE_REPLICA_URL": "postgresql://psop_app@%2Ftmp%2Freplica/psop"},
                            cwd=BASE_DIR, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "True None False ['default', 'replica']", result.stderr
    assert "DATABASE_POOLER must be" in manage("check", DATABASE_POOLER="session").stderr
