"""Migrate (as the database's owner role), load the training data into an empty database, and serve
with a background worker, both connected as the application role (used by `make run`). The worker
(procrastinate) computes payment runs and starts the monthly ones, and is started again when it
ends (e.g. after a database outage); Ctrl-C stops both."""

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402
from django.core.management import call_command  # noqa: E402

from psop.supervise import Supervised  # noqa: E402

LOGINS = """
  PSOP is at http://{address}/  (Ctrl-C stops the server, the background worker and the database)

  Logins (password for all: demo-salasana)
    tuottaja    admin of Hoiva Esimerkki Oy (provider)
    kirjaaja    recorder of Hoiva Esimerkki Oy
    kilpailija  admin of Kilpailija Oy (provider)
    jarjestaja  staff of Esimerkin hyvinvointialue (organiser)
    naapuri     staff of Naapurin hyvinvointialue (organiser)
    admin       superuser: http://{address}/admin/
"""


def main() -> None:
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"
    django.setup()
    call_command("migrate", verbosity=0)  # as the owner role (psop/db_roles.py)
    from django.db import connection

    from vouchers.models import Voucher

    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        print(f"Database role of the web server and the worker: {cursor.fetchone()[0]}", flush=True)

    if not Voucher.objects.exists():
        print("Loading the training data…")
        call_command("load_demo")
    print(LOGINS.format(address=address), flush=True)
    # Started again whenever it ends, e.g. after the database was away for a moment (psop/supervise.py).
    worker = Supervised([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROOT).start()
    # A plain kill (SIGTERM) ends the server like Ctrl-C does, so that the worker is stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    try:
        call_command("runserver", address, use_reloader=False)
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
