"""Migrate (as the database's owner role), load the training data into an empty database, and serve
with a background worker, both connected as the application role (used by `make run`). The worker
(procrastinate) computes payment runs and starts the monthly ones, and is started again when it
ends (e.g. after a database outage). Beside them, the local OpenID Connect IdP (psop/idp.py) for
"Kirjaudu Suomi.fi-tunnistuksella", unless PSOP_LOCAL_IDP=0, node is missing, or
PSOP_OIDC_PROVIDERS already names real providers. Ctrl-C stops them all."""

import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402
from django.core.management import call_command  # noqa: E402

from psop import idp as local_idp  # noqa: E402
from psop.supervise import Supervised  # noqa: E402

LOGINS = """
  PSOP is at http://{address}/  (Ctrl-C stops the server, the background worker and the database)

  Logins (password for all: demo-salasana)
    tuottaja                admin of Hoiva Esimerkki Oy (provider)
    kirjaaja                recorder of Hoiva Esimerkki Oy
    kilpailija              admin of Kilpailija Oy (provider)
    jarjestaja              staff of Esimerkin hyvinvointialue (organiser)
    jarjestaja-paakayttaja  admin of Esimerkin hyvinvointialue (organiser: users, Lokitiedot)
    naapuri                 staff of Naapurin hyvinvointialue (organiser)
    admin                   superuser: http://{address}/admin/ (asks for a second factor: set one up)

  Try first: sign in as tuottaja, look up voucher 1001 on "Asiakas" and "Tee palveluvaraus";
  voucher 1005 is reserved, with events ("Ostovoimat": record one). README "Training guide".
"""


IDP_LOGINS = """  Kirjaudu Suomi.fi-tunnistuksella (and the organisation's sign-in) goes to the local IdP at
  {issuer}/, which lists these people: one click signs that person in.
{people}
"""


def start_local_idp(base_url: str) -> local_idp.LocalIdP | None:
    """The local IdP for the server at base_url, its settings put into os.environ for Django to read
    at django.setup(); None (and a word why) when it is not to run or cannot."""
    if os.environ.get("PSOP_LOCAL_IDP") == "0":
        return None
    if os.environ.get("PSOP_OIDC_PROVIDERS"):
        print("PSOP: PSOP_OIDC_PROVIDERS is set; the local IdP is not started.", flush=True)
        return None
    try:
        local_idp.ensure_installed()
        idp = local_idp.LocalIdP(clients=local_idp.dev_clients(base_url)).start()
    except local_idp.IdPUnavailable as error:
        print(f"PSOP: WARNING: serving without the local IdP (password sign-in works): {error}", file=sys.stderr,
              flush=True)
        return None
    os.environ.update(local_idp.dev_environment(idp, base_url))
    return idp


def main() -> None:
    address = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8000"
    # A plain kill (SIGTERM) ends the server like Ctrl-C does, so that the worker and the IdP are stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    idp = start_local_idp(f"http://{address}")  # before django.setup(): the settings read its variables
    try:
        serve(address, idp)
    finally:
        if idp is not None:
            idp.stop()


def serve(address: str, idp: local_idp.LocalIdP | None) -> None:
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
    if idp is not None:
        print(IDP_LOGINS.format(issuer=idp.issuer, people=local_idp.describe_people()), flush=True)
    # Started again whenever it ends, e.g. after the database was away for a moment (psop/supervise.py).
    worker = Supervised([sys.executable, "manage.py", "procrastinate", "worker"], cwd=ROOT).start()
    try:
        call_command("runserver", address, use_reloader=False)
    finally:
        worker.stop()


if __name__ == "__main__":
    main()
