"""Reads of the list pages from a streaming replica, when one is configured (issue 26).

A view marks its request with ``@replica_reads``: the list pages and exports (Palveluvaraukset,
Ostovoimat, Saldo-ostovoimat, the review queue, Lokitiedot, payment lines) and the API's list
routes. During a marked GET the router (``ReplicaRouter``, settings.DATABASE_ROUTERS) sends the
ORM's reads to the ``replica`` alias, except

- reads inside a transaction of the primary (a service's row locks and what it reads to decide),
- the tables of sign-in and sessions (``PRIMARY_ONLY_APPS``),
- when the replica is down or lags more than ``settings.REPLICA_MAX_LAG`` seconds (checked at most
  once a second per process): the page answers from the primary,
- read-your-writes: after a user's POST (or PUT, PATCH, DELETE) their reads stay on the primary
  until the replica has replayed past the WAL position the primary had when the POST ended
  (``pg_last_wal_replay_lsn()``; kept in the session, or for an API key in the cache).

Every write, the audit rows among them, goes to the primary. A replica that fails during a
marked request (stopped between the check and the query) is marked down and the view runs once
more on the primary. Without a ``replica`` alias all of this is a no-op."""

import time
from contextvars import ContextVar
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connections

REPLICA = "replica"
PRIMARY = "default"
# Sign-in, sessions and the job queue are read where they are written, always.
PRIMARY_ONLY_APPS = frozenset({"sessions", "auth", "axes", "account", "socialaccount", "mfa", "procrastinate", "identity"})
SESSION_KEY = "_psop_wrote_lsn"
HEALTH_SECONDS = 1.0
DOWN_SECONDS = 5.0

_marked: ContextVar[bool] = ContextVar("psop_replica_marked", default=False)
_health = {"checked": 0.0, "ok": False, "replayed": 0, "down_until": 0.0}


def configured() -> bool:
    return REPLICA in connections.settings


def reading_from_replica() -> bool:
    """Whether this request's reads may go to the replica now (the router asks)."""
    return _marked.get()


def lsn(text: str | None) -> int:
    """A WAL position ("16/B374D848") as a number."""
    if not text:
        return 0
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def _replica_state(*, fresh: bool = False) -> tuple[bool, int]:
    """(usable, replayed WAL position): the replica answers and lags at most REPLICA_MAX_LAG
    seconds. Asked at most once a second per process (``fresh``: now)."""
    now = time.monotonic()
    if now < _health["down_until"]:
        return False, 0
    if not fresh and now - _health["checked"] < HEALTH_SECONDS:
        return _health["ok"], _health["replayed"]
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text, "
                "CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END")
            in_recovery, replayed, lag = cursor.fetchone()
    except (OperationalError, InterfaceError):
        mark_down()
        return False, 0
    # A database that is not in recovery (the tests' mirror of the primary) lags nothing.
    ok = (not in_recovery) or float(lag) <= settings.REPLICA_MAX_LAG
    _health.update(checked=now, ok=ok, replayed=lsn(replayed) if in_recovery else 1 << 62)
    return ok, _health["replayed"]


def mark_down() -> None:
    """The replica failed: the primary answers for the next DOWN_SECONDS in this process."""
    _health.update(ok=False, down_until=time.monotonic() + DOWN_SECONDS)
    try:
        connections[REPLICA].close()
    except Exception:  # noqa: BLE001 (closing a connection that is already gone)
        pass


def _writer_key(request) -> str | None:
    """The cache's key for an API key's writes; None for a browser's user (the session keeps them)."""
    key = getattr(request, "api_key", None)
    return f"psop:wrote-lsn:key:{key.pk}" if key is not None else None


def _wrote(request) -> int:
    key = _writer_key(request)
    if key is not None:
        return cache.get(key, 0)
    session = getattr(request, "session", None)
    return session.get(SESSION_KEY, 0) if session is not None else 0


def _forget_write(request) -> None:
    key = _writer_key(request)
    if key is not None:
        cache.delete(key)
    elif getattr(request, "session", None) is not None:
        request.session.pop(SESSION_KEY, None)


def remember_write(request) -> None:
    """After a request that may have written: its user's reads stay on the primary until the
    replica has replayed this far (one query on the primary)."""
    if not configured():
        return
    with connections[PRIMARY].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        position = lsn(cursor.fetchone()[0])
    key = _writer_key(request)
    if key is not None:
        cache.set(key, position, timeout=60)
    elif getattr(request, "session", None) is not None and request.user.is_authenticated:
        request.session[SESSION_KEY] = position


def _use_replica(request) -> bool:
    wrote = _wrote(request)
    ok, replayed = _replica_state(fresh=bool(wrote))
    if not ok:
        return False
    if wrote:
        if replayed < wrote:
            return False
        _forget_write(request)
    return True


def replica_reads(view):
    """Mark a list view (or an API list route): its GET reads from the replica when it may."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or not configured() or not _use_replica(request):
            return view(request, *args, **kwargs)
        token = _marked.set(True)
        try:
            return view(request, *args, **kwargs)
        except (OperationalError, InterfaceError):
            # The replica went away between the check and the query: once more, from the primary.
            if connections[REPLICA].connection is not None and connections[REPLICA].is_usable():
                raise
            mark_down()
            _marked.set(False)
            return view(request, *args, **kwargs)
        finally:
            _marked.reset(token)

    return wrapper


class ReplicaRouter:
    """Reads of a marked request to the replica (see the module's notes); everything else, and
    every write and migration, to the primary."""

    def db_for_read(self, model, **hints):
        if (_marked.get() and model._meta.app_label not in PRIMARY_ONLY_APPS
                and not connections[PRIMARY].in_atomic_block):
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


class RememberWritesMiddleware:
    """After a POST, PUT, PATCH or DELETE, the user's next reads stay on the primary until the
    replica has caught up with it (read-your-writes). Below SessionMiddleware and the
    authentication, so that the session it writes to is saved after it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and configured():
            try:
                remember_write(request)
            except (OperationalError, InterfaceError):
                pass  # the primary is gone: the answer says so already
        return response
