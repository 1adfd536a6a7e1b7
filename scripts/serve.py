"""Migrate, load the training data into an empty database, and serve (used by `make run`)."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psop.settings")

import django  # noqa: E402
from django.core.management import call_command  # noqa: E402

LOGINS = """
  PSOP is at http://{address}/  (Ctrl-C stops the server and its database)

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
    call_command("migrate", verbosity=0)
    from vouchers.models import Voucher

    if not Voucher.objects.exists():
        print("Loading the training data…")
        call_command("load_demo")
    print(LOGINS.format(address=address), flush=True)
    call_command("runserver", address, use_reloader=False)


if __name__ == "__main__":
    main()
