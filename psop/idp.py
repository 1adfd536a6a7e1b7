"""A local OpenID Connect identity provider for development and tests (issue 21, item 7).

``idp/server.mjs`` runs node's certified ``oidc-provider`` (pinned in ``idp/package-lock.json``) with
a login page that lists people as buttons, stands in for Suomi.fi and an organisation's own sign-in
in `make run`, and lets the tests walk a real authorization code flow. Never for production.

    python -m psop.idp install
        install the IdP's node packages (``npm ci``) when missing or older than the lock file;
        only warns when node or npm is missing (`make run` and `make test` do this)
    python -m psop.idp serve [--port 8010] [--redirect-base http://127.0.0.1:8000]
        serve the training people with the clients psop-suomifi and psop-organisaatio, and print
        the environment variables that point PSOP at it; Ctrl-C stops it

In Python: ``with LocalIdP(clients=[...], people=TRAINING_PEOPLE) as idp: idp.issuer``.
Stdlib only: `make run` starts it before Django reads its settings.
"""

import argparse
import collections
import dataclasses
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
IDP_DIR = BASE_DIR / "idp"
SERVER = IDP_DIR / "server.mjs"
LOCK_FILE = IDP_DIR / "package-lock.json"
# npm writes this copy of the lock file into node_modules on every install: it dates the install.
INSTALLED_STAMP = IDP_DIR / "node_modules" / ".package-lock.json"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 5.0
READY_LINE = "PSOP IdP listening on "
# oidc-provider says so on every start; the in-memory store is exactly what a dev IdP wants.
QUIET_LINES = ("oidc-provider WARNING: a quick start development-only in-memory adapter is used",)

# The django-allauth providers the settings read (PSOP_OIDC_PROVIDERS); allauth is mounted at /tili/.
PROVIDER_IDS = ("suomifi", "organisaatio")
SCOPES = "openid profile email"
DEV_SECRET = "psop-{id}-kehitysavain-ei-tuotantoon"  # fixed dev strings: the IdP only runs on 127.0.0.1
LOGOUT_PATH = "/kirjaudu/"


class IdPUnavailable(RuntimeError):
    """Node.js or npm is missing, or the IdP did not install or start."""


@dataclasses.dataclass(frozen=True)
class Person:
    sub: str
    given_name: str
    family_name: str
    email: str
    hetu: str | None = None
    username: str | None = None  # the training data's PSOP user this identity is bound to, if any

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def as_config(self) -> dict:
        config = {"sub": self.sub, "name": self.name, "given_name": self.given_name,
                  "family_name": self.family_name, "email": self.email}
        if self.hetu:
            config["hetu"] = self.hetu
        return config


# The training data's people (demo/management/commands/load_demo.py), with stable subjects. The
# henkilötunnukset are made up, with individual numbers 900–999 as test identities use.
TRAINING_PEOPLE = (
    Person("tiina-tuottaja", "Tiina", "Tuottaja", "tiina.tuottaja@example.fi", hetu="010170-902L", username="tuottaja"),
    Person("kalle-kirjaaja", "Kalle", "Kirjaaja", "kalle.kirjaaja@example.fi", username="kirjaaja"),
    Person("kimmo-kilpailija", "Kimmo", "Kilpailija", "kimmo.kilpailija@example.fi", username="kilpailija"),
    Person("jaana-jarjestaja", "Jaana", "Järjestäjä", "jaana.jarjestaja@example.fi", username="jarjestaja"),
    Person("paula-paakayttaja", "Paula", "Pääkäyttäjä", "paula.paakayttaja@example.fi",
           username="jarjestaja-paakayttaja"),
    Person("niina-naapuri", "Niina", "Naapuri", "niina.naapuri@example.fi", username="naapuri"),
    Person("uuno-uusi", "Uuno", "Uusi", "uuno.uusi@example.fi", hetu="150385-9035"),  # not invited yet
    # A customer (issue 25), no user: the training data's customer of voucher 1001 (load_demo's
    # customer 1), who identifies to see "Omat palvelusetelini".
    Person("aino-virtanen", "Aino", "Virtanen", "aino.virtanen@example.fi", hetu="140129-901C"),
)


def node_available() -> bool:
    return shutil.which("node") is not None


def ensure_installed() -> None:
    """Run ``npm ci`` in idp/ when node_modules is missing or older than package-lock.json."""
    npm = shutil.which("npm")
    if not node_available() or npm is None:
        raise IdPUnavailable(
            "The local identity provider needs Node.js (20.19 or later) and npm: "
            "install them (e.g. 'apt-get install nodejs npm') or set PSOP_LOCAL_IDP=0."
        )
    if _installed():
        return
    # One install at a time, should several test processes ask at once.
    with open(IDP_DIR / ".npm-install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _installed():
            return
        result = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=IDP_DIR,
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise IdPUnavailable(f"'npm ci' in {IDP_DIR} failed:\n{result.stdout}{result.stderr}".rstrip())
        INSTALLED_STAMP.touch()


def _installed() -> bool:
    return INSTALLED_STAMP.exists() and INSTALLED_STAMP.stat().st_mtime >= LOCK_FILE.stat().st_mtime


def client(client_id: str, secret: str, redirect_uris: list[str], post_logout_redirect_uris=(), *,
           token_endpoint_auth_method: str = "client_secret_post") -> dict:
    """One relying party as server.mjs reads it."""
    return {"client_id": client_id, "client_secret": secret, "redirect_uris": list(redirect_uris),
            "post_logout_redirect_uris": list(post_logout_redirect_uris),
            "token_endpoint_auth_method": token_endpoint_auth_method}


def dev_clients(base_url: str) -> list[dict]:
    """PSOP's two sign-in providers as clients, with django-allauth's callback paths under base_url."""
    base = base_url.rstrip("/")
    return [
        client(f"psop-{provider_id}", DEV_SECRET.format(id=provider_id),
               [f"{base}/tili/oidc/{provider_id}/login/callback/"], [f"{base}{LOGOUT_PATH}"])
        for provider_id in PROVIDER_IDS
    ]


def dev_environment(idp: "LocalIdP", base_url: str) -> dict[str, str]:
    """The environment variables PSOP's settings read to offer sign-in at ``idp`` to the server at
    ``base_url`` (whose callback URLs the IdP must know: a mismatch is an error now, not at login)."""
    registered = {c["client_id"]: c for c in idp.clients}
    environment = {"PSOP_OIDC_PROVIDERS": ",".join(PROVIDER_IDS)}
    for expected in dev_clients(base_url):
        client_id = expected["client_id"]
        if registered.get(client_id, {}).get("redirect_uris") != expected["redirect_uris"]:
            raise ValueError(f"the IdP has no client {client_id} for {base_url}: start it with dev_clients(base_url)")
        prefix = f"PSOP_OIDC_{client_id.removeprefix('psop-').upper()}_"
        environment |= {
            prefix + "ISSUER": idp.issuer,
            prefix + "CLIENT_ID": client_id,
            prefix + "SECRET": registered[client_id]["client_secret"],
            prefix + "SCOPES": SCOPES,
        }
    return environment


class LocalIdP:
    """``node idp/server.mjs`` on 127.0.0.1, configured by one JSON document (PSOP_IDP_CONFIG).

    ``port=0`` lets the IdP take a free port itself (no race): ``.issuer`` says which, once started.
    """

    def __init__(self, *, clients: list[dict], people=TRAINING_PEOPLE, port: int = 0,
                 start_timeout: float = START_TIMEOUT, output=None):
        self.clients = [dict(c) for c in clients]
        self.people = [p.as_config() if isinstance(p, Person) else dict(p) for p in people]
        self.port = port
        self.start_timeout = start_timeout
        self.output = output if output is not None else sys.stderr  # where node's own lines go
        self.issuer: str | None = None
        self.process: subprocess.Popen | None = None
        self._ready = threading.Event()
        self._last_lines: collections.deque[str] = collections.deque(maxlen=20)

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self) -> "LocalIdP":
        node = shutil.which("node")
        if node is None:
            raise IdPUnavailable("The local identity provider needs Node.js: 'node' is not on the PATH.")
        if not (IDP_DIR / "node_modules").is_dir():
            raise IdPUnavailable("The local identity provider is not installed: run 'python -m psop.idp install'.")
        config = {"port": self.port, "clients": self.clients, "people": self.people, "exit_with_stdin": True}
        if self.port:
            config["issuer"] = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [node, str(SERVER)], cwd=IDP_DIR, env={**os.environ, "PSOP_IDP_CONFIG": json.dumps(config)},
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
        )
        threading.Thread(target=self._read_output, name="local-idp-output", daemon=True).start()
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _read_output(self) -> None:
        for line in self.process.stdout:
            line = line.rstrip("\n")
            self._last_lines.append(line)
            if line.startswith(READY_LINE) and not self._ready.is_set():
                self.issuer = line.removeprefix(READY_LINE).strip()
                self._ready.set()
            if not line.startswith(QUIET_LINES):
                print(line, file=self.output, flush=True)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while not self._ready.wait(0.05):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._failed("did not start")
        while True:  # the log line comes once it listens; discovery answering is the proof
            try:
                with urllib.request.urlopen(self.discovery_url, timeout=2) as response:
                    if json.load(response).get("issuer") == self.issuer:
                        return
            except (OSError, ValueError):
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self._failed("did not answer discovery")
            time.sleep(0.05)

    def _failed(self, what: str):
        self.process.poll()
        lines = "\n".join(self._last_lines)
        raise IdPUnavailable(f"The local identity provider {what} within {self.start_timeout:.0f} s "
                             f"(exit code {self.process.returncode}):\n{lines}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not ended within a few seconds."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def __enter__(self) -> "LocalIdP":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


def describe_people(people=TRAINING_PEOPLE) -> str:
    return "\n".join(f"      {p.name:<20} {f'= {p.username}' if p.username else '(no PSOP user: not invited)'}"
                     for p in people)


def _serve(port: int, redirect_base: str) -> int:
    ensure_installed()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    with LocalIdP(clients=dev_clients(redirect_base), port=port) as idp:
        print(f"\n  Local OpenID Connect IdP at {idp.issuer}/ for PSOP at {redirect_base} "
              f"(Ctrl-C stops it). People:\n{describe_people()}\n\n  PSOP's settings read:")
        for name, value in dev_environment(idp, redirect_base).items():
            print(f"    export {name}='{value}'")
        print(flush=True)
        try:
            while not stop.wait(1) and idp.process.poll() is None:
                pass
        except KeyboardInterrupt:
            pass
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m psop.idp", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="npm ci in idp/ when needed; warns if node or npm is missing")
    serve = commands.add_parser("serve", help="serve the training people for PSOP's two sign-in providers")
    serve.add_argument("--port", type=int, default=8010)
    serve.add_argument("--redirect-base", default="http://127.0.0.1:8000", help="PSOP's address")
    args = parser.parse_args(argv)
    try:
        if args.command == "install":
            ensure_installed()
            return 0
        return _serve(args.port, args.redirect_base)
    except IdPUnavailable as error:
        print(f"PSOP: {error}", file=sys.stderr)
        # Without node, `make run` and `make test` go on without it (password sign-in works; its
        # tests skip); a failed install on a machine with node is an error.
        missing_node = not node_available() or shutil.which("npm") is None
        return 0 if args.command == "install" and missing_node else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
