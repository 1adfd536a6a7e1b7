"""PgBouncer in transaction mode breaks nothing (issue 26): the ORM's reads, an iterator over many
rows (a server-side cursor would outlive its transaction: settings turn them off), a service's
transaction with row locks, and a page, all through a real PgBouncer (Debian's, which `make test`
installs like Chromium) in front of the test database, in a process with DATABASE_POOLER=transaction
as the cluster's nodes run (scripts/cluster.py). The workers' LISTEN goes to the primary directly."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (shutil.which("pgbouncer") or Path("/usr/sbin/pgbouncer").exists()),
                       reason="PgBouncer is not installed (make install-test installs it as root)"),
]

CHECK = """
from django.db import connection, transaction
from django.test import Client
from vouchers.models import Voucher
from tests.factories import ReservationFactory, provider_user
from django.conf import settings
assert settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"]
reservation = ReservationFactory()
with connection.cursor() as cursor:
    cursor.execute("SHOW port")
    print("port", cursor.fetchone()[0])
print("iterated", sum(1 for _ in Voucher.objects.iterator(chunk_size=1)))
with transaction.atomic():
    locked = Voucher.objects.select_for_update().get(pk=reservation.voucher_id)
    locked.save(update_fields=["valid_to"])
client = Client()
client.force_login(provider_user(reservation.provider))
for path in ("/palveluvaraukset/", "/ostovoimat/", f"/asiakas/haku/?numero={reservation.voucher.number}"):
    print(path, client.get(path).status_code)
"""


def test_through_pgbouncer_in_transaction_mode__reads_iterators_locks_and_pages():
    import tempfile

    import cluster

    # Not pytest's tmp_path: its parents are root's alone, and PgBouncer runs as another user.
    tmp_path = Path(tempfile.mkdtemp(prefix="psop-pgbouncer-"))
    tmp_path.chmod(0o755)

    settings = connection.settings_dict
    socket, port = settings["HOST"], int(settings["PORT"] or 5432)
    bouncer = cluster.pgbouncer(tmp_path / "pgbouncer", socket, port, 6439, database=settings["NAME"],
                                users=(settings["USER"],))
    try:
        env = {**os.environ, "DATABASE_URL": cluster.url(settings["USER"], str(tmp_path / "pgbouncer"), 6439, settings["NAME"]),
               "DATABASE_POOLER": "transaction", "DEBUG": "0",
               "ALLOWED_HOSTS": "testserver", "DJANGO_SETTINGS_MODULE": "psop.settings"}
        env.pop("DATABASE_OWNER_URL", None)
        result = subprocess.run([sys.executable, "-c", f"import django; django.setup()\n{CHECK}"], env=env, cwd=ROOT,
                                capture_output=True, text=True, timeout=120)
    finally:
        bouncer.terminate()
        bouncer.wait(timeout=10)
        shutil.rmtree(tmp_path, ignore_errors=True)
    assert result.returncode == 0, result.stderr[-3000:]
    lines = dict(line.split(" ", 1) for line in result.stdout.strip().splitlines())
    assert lines["port"] == str(port)  # the server's own port, reached through the pooler's socket
    assert int(lines["iterated"]) >= 1
    assert lines["/palveluvaraukset/"] == lines["/ostovoimat/"] == "200"
    assert lines[next(key for key in lines if key.startswith("/asiakas/haku/"))] == "200"
