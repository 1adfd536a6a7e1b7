"""API keys (create, rename and rescope, revoke, authenticate), the rate limit and the answers kept
for Idempotency-Key retries. An organisation's admin manages its own keys only."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import ORGANISER_ONLY, ApiKey, IdempotentRequest, RateCounter, Scope
from audit.services import audit_log
from core.errors import DomainError, ErrorCode
from organisations import permissions

KEY_START = "psop_"
NAME_MAX = ApiKey._meta.get_field("name").max_length


def secret_hash(secret: str) -> str:
    """The stored form of a key: SHA-256 of the whole key (the key itself has 256 random bits, so a
    plain hash is as good as a slow one and lets the lookup use the unique index)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _admin_organisation(user):
    """The organisation whose keys ``user`` manages: (provider, organiser); refused for anyone else."""
    if not permissions.can_manage_organisation(user):
        raise DomainError(ErrorCode.NOT_ALLOWED, _("Vain organisaation pääkäyttäjä hallitsee API-avaimia."))
    membership = permissions.membership_of(user)
    return membership.provider, membership.organiser


def _checked(name: str, scopes, *, organiser) -> tuple[str, list[str]]:
    name = (name or "").strip()
    if not name:
        raise DomainError(ErrorCode.NAME_REQUIRED, _("Anna avaimelle nimi."), field="nimi")
    if len(name) > NAME_MAX:
        raise DomainError(ErrorCode.NAME_TOO_LONG, _("Nimi on enintään %(limit)s merkkiä pitkä.") % {"limit": NAME_MAX}, field="nimi")
    scopes = sorted(set(scopes or []))
    if not scopes:
        raise DomainError(ErrorCode.SCOPES_REQUIRED, _("Valitse vähintään yksi oikeus."), field="oikeudet")
    if any(scope not in Scope.values for scope in scopes):
        raise DomainError(ErrorCode.SCOPE_INVALID, _("Tuntematon oikeus."), field="oikeudet")
    if organiser is None and ORGANISER_ONLY.intersection(scopes):
        raise DomainError(ErrorCode.SCOPE_INVALID, _("Oikeus on vain palvelunjärjestäjän avaimille."), field="oikeudet")
    return name, scopes


def _username(key_prefix: str, name: str) -> str:
    """The technical user's username, which the audit log shows: the key's name and its prefix."""
    return f"API-avain {name} ({key_prefix})"[:150]


def _log(*, user, what: str, request) -> None:
    audit_log(user=user, action="change", what=what, request=request, organisation=permissions.organisation_name(user))


@transaction.atomic
def api_key_create(*, user, name: str, scopes, request=None) -> tuple[ApiKey, str]:
    """A new key for the admin's own organisation. Returns the key and its secret, which is not
    stored and cannot be shown again."""
    provider, organiser = _admin_organisation(user)
    name, scopes = _checked(name, scopes, organiser=organiser)
    prefix = secrets.token_hex(4)
    secret = f"{KEY_START}{prefix}_{secrets.token_urlsafe(32)}"
    technical = get_user_model().objects.create(
        username=_username(prefix, name), first_name="API-avain", last_name=name[:150], is_active=False
    )
    technical.set_unusable_password()
    technical.save(update_fields=["password"])
    key = ApiKey.objects.create(
        provider=provider, organiser=organiser, name=name, prefix=prefix, secret_hash=secret_hash(secret),
        scopes=scopes, user=technical, created_by=user,
    )
    _log(user=user, what=f"API-avain {name} ({prefix}) luotu; oikeudet: {', '.join(scopes)}", request=request)
    return key, secret


def _own_key(user, key_id) -> ApiKey:
    provider, organiser = _admin_organisation(user)
    key = ApiKey.objects.select_for_update().filter(pk=key_id, provider=provider, organiser=organiser).first()
    if key is None:
        raise DomainError(ErrorCode.KEY_NOT_FOUND, _("API-avainta ei löydy."))
    return key


@transaction.atomic
def api_key_update(*, user, key_id: int, name: str, scopes, request=None) -> ApiKey:
    """Rename a key and change its scopes (a revoked key stays revoked)."""
    key = _own_key(user, key_id)
    name, scopes = _checked(name, scopes, organiser=key.organiser)
    if key.revoked_at is not None:
        raise DomainError(ErrorCode.KEY_REVOKED, _("Peruttua avainta ei voi muuttaa."))
    key.name, key.scopes = name, scopes
    key.save(update_fields=["name", "scopes"])
    key.user.username = _username(key.prefix, name)
    key.user.last_name = name[:150]
    key.user.save(update_fields=["username", "last_name"])
    _log(user=user, what=f"API-avain {name} ({key.prefix}) muutettu; oikeudet: {', '.join(scopes)}", request=request)
    return key


@transaction.atomic
def api_key_revoke(*, user, key_id: int, request=None) -> ApiKey:
    """Revoke a key: from now on it answers 401, as an unknown key does."""
    key = _own_key(user, key_id)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        _log(user=user, what=f"API-avain {key.name} ({key.prefix}) peruttu", request=request)
    return key


def api_key_authenticate(secret: str) -> ApiKey | None:
    """The active key with this secret, with its organisation and technical user, or None."""
    if not secret or len(secret) > 200 or not secret.startswith(KEY_START):
        return None
    key = (
        ApiKey.objects.select_related("provider", "organiser", "user")
        .filter(secret_hash=secret_hash(secret), revoked_at__isnull=True)
        .first()
    )
    if key is None:
        return None
    permissions.act_for_api_key(key.user, provider=key.provider, organiser=key.organiser)
    return key


# --- the rate limit ------------------------------------------------------------------------------


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after
        super().__init__(retry_after)


def rate_limit_hit(key: ApiKey, *, now: dt.datetime | None = None) -> int:
    """Count one request of ``key`` in this minute (one UPSERT); raises RateLimited past the limit.
    The first request of a minute also notes when the key was last used and forgets old minutes."""
    now = now or timezone.now()
    minute = now.replace(second=0, microsecond=0)
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (api_key_id, minute, count) VALUES (%s, %s, 1) "
            f"ON CONFLICT (api_key_id, minute) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [key.pk, minute],
        )
        count = cursor.fetchone()[0]
    if count == 1:
        RateCounter.objects.filter(api_key=key, minute__lt=minute).delete()
        IdempotentRequest.objects.filter(api_key=key, created_at__lt=now - IDEMPOTENCY_KEPT).delete()
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    if count > settings.API_RATE_LIMIT_PER_MINUTE:
        raise RateLimited(retry_after=max(1, 60 - now.second))
    return count


# --- Idempotency-Key -------------------------------------------------------------------------------

IDEMPOTENCY_KEY_MAX = IdempotentRequest._meta.get_field("key").max_length
IDEMPOTENCY_KEPT = dt.timedelta(hours=24)  # a retry within a day gets the first answer


def request_hash(request) -> str:
    """What a retry must repeat: the method, the path and the body."""
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.path.encode(), request.body):
        digest.update(part)
        digest.update(b"\x00")
    return digest.hexdigest()


def idempotent_claim(*, key: ApiKey, idempotency_key: str, request) -> IdempotentRequest | None:
    """Inside the caller's transaction: claim ``idempotency_key`` for this request (None: go on and
    answer it), or the first request's stored answer. A second request with the same key waits on
    the unique index until the first commits, then gets the first's answer. The same key with
    another body is refused."""
    fingerprint = request_hash(request)
    table = IdempotentRequest._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (api_key_id, key, request_hash, status_code, body, created_at) "
            "VALUES (%s, %s, %s, 0, '', now()) ON CONFLICT (api_key_id, key) DO NOTHING RETURNING id",
            [key.pk, idempotency_key, fingerprint],
        )
        claimed = cursor.fetchone()
    if claimed is not None:
        return None
    earlier = IdempotentRequest.objects.get(api_key=key, key=idempotency_key)
    if earlier.request_hash != fingerprint:
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            _("Idempotency-Key on jo käytetty toisenlaiseen pyyntöön."),
            field="Idempotency-Key",
        )
    return earlier


def idempotent_store(*, key: ApiKey, idempotency_key: str, status_code: int, body: str) -> None:
    IdempotentRequest.objects.filter(api_key=key, key=idempotency_key).update(status_code=status_code, body=body)
