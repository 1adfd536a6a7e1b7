"""PSOP settings, read from the environment.

PSOP_MODE=development (default) or production. In production SECRET_KEY and
ALLOWED_HOSTS are required, DEBUG is off and cookies, HSTS and SSL redirect are on.
DATABASE_URL selects the database (as the application role; DATABASE_OWNER_URL as the
tables' owner, for migrate); without it the embedded PostgreSQL starts.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a number; got {raw!r}") from None


MODE = os.environ.get("PSOP_MODE", "development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"PSOP_MODE must be 'development' or 'production'; got {MODE!r}")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off when PSOP_MODE=production")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when PSOP_MODE=production")
    SECRET_KEY = "development-only-key-not-for-production-use-" + "x" * 20
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when PSOP_MODE=production")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",  # allauth's WebAuthn key list
    "django.forms",  # Django's widget templates, for FORM_RENDERER below
    "django_htmx",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "procrastinate.contrib.django",
    "accounts",
    "identity",
    "grants",
    "audit",
    "organisations",
    "vouchers",
    "registers",  # the organiser's registers: services, agreements, price lists (issue 22)
    "applications",  # hakeutuminen: rulebooks, sign-ups, applications and their review (issue 24)
    "reservations",
    "customers",
    "events",
    "payments",
    "notifications",
    "ninja",  # django-ninja: its vendored Swagger UI for /api/v1/docs (no CDN)
    "api",
    "choice",  # the customer's side (issue 25): comparing providers, one's own vouchers, choosing
    "demo",
    "psop",  # its migrate and flush run as the database's owner role (psop/db_roles.py)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "psop.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After a POST, the user's reads stay on the primary until the replica has replayed it (core.replica).
    "core.replica.RememberWritesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An htmx request of a logged-out user: the login page as a whole page (HX-Redirect), then back.
    "psop.middleware.HtmxLoginRedirectMiddleware",
    # Idle (30 min) and absolute (12 h) session limits; activity recorded (psop.sessions).
    "psop.sessions.SessionTimeoutMiddleware",
    # A user whose password an admin typed changes it first (after authentication and htmx).
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # A superuser in the Django admin has given a second factor in this session (identity.admin_mfa).
    "identity.middleware.AdminSecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
    "psop.middleware.ErrorPageMiddleware",
    "psop.privacy.NoStoreMiddleware",
]
# make bench only: the query count and database time of each request, in its response headers.
if env_bool("PSOP_BENCH", False):
    MIDDLEWARE.insert(0, "psop.querycount.QueryCountMiddleware")

ROOT_URLCONF = "psop.urls"
WSGI_APPLICATION = "psop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "organisations.context_processors.access",
                "identity.context_processors.assurance",
                "notifications.context_processors.notifications",
            ],
            # core is no app: its template tags are a library by name ({% load money %}).
            "libraries": {"money": "core.templatetags.money"},
        },
    },
]
# Every form field through templates/forms/field.html: label, hint, errors, aria-describedby.
FORM_RENDERER = "core.forms.FormRenderer"

# Database -----------------------------------------------------------------
# Two roles (psop/db_roles.py; README "Deploying"): DATABASE_URL is the application role that the web
# and worker processes connect as, with row privileges only; DATABASE_OWNER_URL is the role that owns
# the tables (same database; its user, password and perhaps another host). `migrate` and `flush` run
# as the owner, and migrate then grants the application role its privileges. PSOP_DB_ROLE=owner
# makes a whole command connect as the owner (load_scale, maintenance in dbshell).
if not os.environ.get("DATABASE_URL"):
    from psop import devdb

    _urls = devdb.database_urls()
    os.environ["DATABASE_URL"], os.environ["DATABASE_OWNER_URL"] = _urls[devdb.APP_ROLE], _urls[devdb.OWNER_ROLE]
# Kept connections: in production gunicorn's fixed workers and threads reuse theirs (bounded by
# workers × threads). In development (`make run`: Django's server, a thread per client connection)
# a connection kept past its request would stay open as long as its client's socket, and a few
# hundred idle sockets fill the database's slots: there each request closes its own
# (tests/test_connections.py).
try:
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=env_int("CONN_MAX_AGE", 60 if PRODUCTION else 0),
            conn_health_checks=True,
        )
    }
except ValueError as error:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {error}") from None
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("PSOP runs on PostgreSQL only: DATABASE_URL must start with postgresql://")
_ROLE_KEYS = ("USER", "PASSWORD", "HOST", "PORT")
DATABASE_ROLES = {"app": {key: DATABASES["default"][key] for key in _ROLE_KEYS}}
if os.environ.get("DATABASE_OWNER_URL", "").strip():
    try:
        _owner = dj_database_url.parse(os.environ["DATABASE_OWNER_URL"])
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_OWNER_URL is not a valid database URL: {error}") from None
    if _owner["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("PSOP runs on PostgreSQL only: DATABASE_OWNER_URL must start with postgresql://")
    DATABASE_ROLES["owner"] = {key: _owner[key] for key in _ROLE_KEYS}
_db_role = os.environ.get("PSOP_DB_ROLE", "").strip() or "app"
if _db_role not in ("app", "owner"):
    raise ImproperlyConfigured(f"PSOP_DB_ROLE must be app or owner; got {_db_role!r}")
if _db_role not in DATABASE_ROLES:
    raise ImproperlyConfigured("PSOP_DB_ROLE=owner needs DATABASE_OWNER_URL")
DATABASES["default"].update(DATABASE_ROLES[_db_role])
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PSOP_TEST_DB", "test_psop")}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_CONNECT_TIMEOUT", 5)
# Parallel query only where it pays off: starting workers costs milliseconds, more than a page's walk
# of an index (at national scale a LIMIT 26 list took 11 ms with two workers, 2 ms without; issue
# 10). Set-based work, such as a payment run, costs far more than this and still goes parallel.
# Sent as a startup option; behind PgBouncer set it on the role instead and leave this empty.
if os.environ.get("DATABASE_PARALLEL_SETUP_COST", "10000").strip():
    _options = DATABASES["default"]["OPTIONS"]
    _setting = f"-c parallel_setup_cost={env_int('DATABASE_PARALLEL_SETUP_COST', 10000)}"
    _options["options"] = f"{_options['options']} {_setting}" if _options.get("options") else _setting
# A random read costs about what a sequential one does: the rows the pages read are in memory
# (shared_buffers and the OS cache; README, "Deploying"). At the default 4 the planner preferred
# scanning and hashing all of a big table to a few thousand index probes into it: the provider's
# capitation estimate (Maksut) scanned all 2 million vouchers at national scale, and a name search
# at scale 0.1 all 200,330 (issue 27, docs/scaling.md). A payment run sets the same for its own
# transaction. As a startup option, like parallel_setup_cost; empty to keep the server's.
if os.environ.get("DATABASE_RANDOM_PAGE_COST", "1.1").strip():
    _options = DATABASES["default"]["OPTIONS"]
    _setting = f"-c random_page_cost={env_float('DATABASE_RANDOM_PAGE_COST', 1.1)}"
    _options["options"] = f"{_options['options']} {_setting}" if _options.get("options") else _setting

# A streaming replica for the reads of the list pages (issue 26; core.replica): DATABASE_REPLICA_URL,
# the same database on a hot standby, as the application role. A replica that does not answer within
# DATABASE_REPLICA_CONNECT_TIMEOUT seconds, or lags more than REPLICA_MAX_LAG seconds, is skipped.
REPLICA_MAX_LAG = env_int("REPLICA_MAX_LAG", 5)
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    try:
        DATABASES["replica"] = dj_database_url.parse(
            os.environ["DATABASE_REPLICA_URL"], conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"DATABASE_REPLICA_URL is not a valid database URL: {error}") from None
    DATABASES["replica"]["OPTIONS"] = {**DATABASES["default"]["OPTIONS"],
                                       "connect_timeout": env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 1)}
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Behind PgBouncer in transaction mode (DATABASE_POOLER=transaction): a server connection serves
# another client after each transaction, so no server-side cursors (a named cursor outlives its
# transaction), no prepared statements, and no startup options (set them on the role instead:
# ALTER ROLE psop_app SET parallel_setup_cost = 10000, random_page_cost = 1.1 each). The workers
# connect directly (LISTEN).
DATABASE_POOLER = os.environ.get("DATABASE_POOLER", "").strip()
if DATABASE_POOLER not in ("", "transaction"):
    raise ImproperlyConfigured(f"DATABASE_POOLER must be empty or transaction; got {DATABASE_POOLER!r}")
if DATABASE_POOLER:
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"]["OPTIONS"].pop("options", None)
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = None

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication -------------------------------------------------------------
# django-allauth (issue 21): OpenID Connect sign-in (identity providers below), the password form at
# /kirjaudu/ where an organisation allows it, and a second factor (TOTP, recovery codes, WebAuthn).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the user's password state with the user (accounts.middleware).
    "accounts.backends.ModelBackend",
]
ACCOUNT_ADAPTER = "identity.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "identity.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_USER_DISPLAY = "identity.adapters.user_display"
# django-axes counts failed logins (and failed second factors); allauth's own limits would only
# answer sooner with another message.
ACCOUNT_RATE_LIMITS = False
ACCOUNT_FORMS = {"login": "identity.forms.LoginForm"}
# An identity is bound to a user only through an invitation (identity.services): never created on
# sign-in, never matched by e-mail.
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_QUERY_EMAIL = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Each call to an identity provider (discovery, token, keys, userinfo) waits at most this long.
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("PSOP_OIDC_TIMEOUT", 5)
MFA_ADAPTER = "identity.adapters.MFAAdapter"
MFA_FORMS = {"authenticate": "identity.forms.SecondFactorForm", "reauthenticate": "identity.forms.SecondFactorReauthenticateForm"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "PSOP"
MFA_RECOVERY_CODE_COUNT = 10
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not PRODUCTION
MFA_PASSKEY_LOGIN_ENABLED = False

# Identity providers (OpenID Connect), any number: PSOP_OIDC_PROVIDERS="suomifi,organisaatio" and for
# each id in upper case PSOP_OIDC_<ID>_ISSUER (discovery at <issuer>/.well-known/openid-configuration),
# _CLIENT_ID, _SECRET, _SCOPES (default "openid profile email"), _LABEL (the login button; Suomi.fi's
# id "suomifi" defaults to "Kirjaudu Suomi.fi-tunnistuksella", others to "Kirjaudu organisaation
# tunnuksella"), _ACR_VALUES (asked of the provider, e.g. Suomi.fi's level). README "Identification".
OIDC_PROVIDER_IDS = env_list("PSOP_OIDC_PROVIDERS", [])


def _oidc_app(provider_id: str) -> dict:
    prefix = f"PSOP_OIDC_{provider_id.upper()}_"
    missing = [f"{prefix}{name}" for name in ("ISSUER", "CLIENT_ID") if not os.environ.get(f"{prefix}{name}")]
    if missing:
        raise ImproperlyConfigured(f"identity provider {provider_id!r} needs {', '.join(missing)}")
    if not provider_id.replace("-", "").replace("_", "").isalnum():
        raise ImproperlyConfigured(f"PSOP_OIDC_PROVIDERS: {provider_id!r} is not a plain name (a-z, 0-9, - and _)")
    scopes = os.environ.get(f"{prefix}SCOPES", "openid profile email").split()
    auth_params = {}
    if os.environ.get(f"{prefix}ACR_VALUES"):
        auth_params["acr_values"] = os.environ[f"{prefix}ACR_VALUES"]
    return {
        "provider_id": provider_id,
        "name": os.environ.get(f"{prefix}LABEL", ""),
        "client_id": os.environ[f"{prefix}CLIENT_ID"],
        "secret": os.environ.get(f"{prefix}SECRET", ""),
        "settings": {
            "server_url": os.environ[f"{prefix}ISSUER"],
            "scope": scopes,
            "auth_params": auth_params,
            "oauth_pkce_enabled": True,
            "fetch_userinfo": env_bool(f"{prefix}FETCH_USERINFO", True),
        },
    }


def oidc_origins(apps) -> list[str]:
    """The origins (scheme://host:port) of the identity providers' issuers."""
    from urllib.parse import urlsplit

    issuers = (urlsplit(app["settings"]["server_url"]) for app in apps)
    return sorted({f"{issuer.scheme}://{issuer.netloc}" for issuer in issuers})


SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        # allauth's OpenID Connect provider with PSOP's checks added: a nonce, and the ID token's
        # signature always verified against the provider's keys (identity.oidc).
        "provider_class": "identity.oidc.provider.PSOPOpenIDConnectProvider",
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [_oidc_app(provider_id) for provider_id in OIDC_PROVIDER_IDS],
    }
}
# New organisations allow password login in development (training data) and refuse it in production.
STRONG_AUTH_ONLY_DEFAULT = env_bool("PSOP_STRONG_AUTH_ONLY_DEFAULT", PRODUCTION)
# An invitation's link works once, for this many days.
INVITATION_DAYS = env_int("PSOP_INVITATION_DAYS", 7)
# Who a person without an invitation asks (shown when an identity is not bound to any user).
SUPPORT_CONTACT = os.environ.get("PSOP_SUPPORT_CONTACT", "")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "vouchers:customer_tab"
# A user with no organisation yet (a company applying to become a provider, issue 24) lands on its
# applications (identity.adapters.AccountAdapter).
NON_MEMBER_LOGIN_REDIRECT_URL = "applications:mine"
LOGOUT_REDIRECT_URL = "login"

# Lock an account after five failed attempts; only an admin unlocks it.
AXES_FAILURE_LIMIT = 5
# Locked for the address the failures came from, for a while (SECURITY.md round three, item 9):
# someone who knows a username cannot keep its owner out by failing five times from elsewhere,
# and a guesser waits LOGIN_LOCKOUT_MINUTES after every five. An admin still unlocks at once.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Lockouts count the same client address the audit log stores.
AXES_CLIENT_IP_CALLABLE = "core.network.client_address"
# The username of a login attempt: allauth's form calls it "login", Django's "username".
AXES_USERNAME_CALLABLE = "identity.adapters.attempted_username"

# Proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed for the client's
# address in the audit log and in login lockouts; from anyone else the socket's address is used.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# Lockout is per account by design (DESIGN.md): an admin unlocks it.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# E-mail (the password reset link): printed to the console in development; in production sent by
# SMTP with the EMAIL_* variables (README, "Deploying").
if PRODUCTION:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": os.environ.get("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": env_int("EMAIL_TIMEOUT", 10),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PSOP <psop@localhost>")
# Notifications (ilmoitukset) also by e-mail to the provider's users who have an address.
NOTIFICATION_EMAILS = env_bool("PSOP_NOTIFICATION_EMAILS", False)
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 60 * 60 * 24)

# Sessions (psop.sessions): a signed-in session ends after SESSION_IDLE_TIMEOUT seconds without
# activity (a warning dialog SESSION_IDLE_WARNING seconds before offers "Jatka istuntoa") and
# SESSION_ABSOLUTE_TIMEOUT seconds after signing in, whatever the activity. The middleware's check is
# the rule. The cookie is the browser's session cookie; the database row of a signed-in session
# expires one idle period after the session ends (psop.sessions.SessionStore), so neither cuts a
# session the server considers alive, and a late request is still told why it ended.
# SESSION_COOKIE_AGE is then only the row's lifetime for a session nobody has signed in to.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 30 * 60)
SESSION_IDLE_WARNING = env_int("SESSION_IDLE_WARNING", 2 * 60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60)
if not 0 < SESSION_IDLE_WARNING < SESSION_IDLE_TIMEOUT <= SESSION_ABSOLUTE_TIMEOUT:
    raise ImproperlyConfigured(
        "Need 0 < SESSION_IDLE_WARNING < SESSION_IDLE_TIMEOUT <= SESSION_ABSOLUTE_TIMEOUT (seconds); got "
        f"{SESSION_IDLE_WARNING}, {SESSION_IDLE_TIMEOUT}, {SESSION_ABSOLUTE_TIMEOUT}"
    )
SESSION_ENGINE = "psop.sessions"
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
# Only activity writes the session (the middleware records it): a status check or htmx polling
# neither extends the session nor writes its row.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Where a customer lands after identifying (identity.customers; the choice app's "Omat palvelusetelini").
CUSTOMER_LOGIN_REDIRECT_URL = "/omat-palvelusetelit/"

# Cache (issue 25): the public comparison of providers, per organiser, service and day
# (vouchers.comparison). Each process keeps its own (LocMemCache) unless PSOP_CACHE_BACKEND names a
# shared one (e.g. django.core.cache.backends.memcached.PyMemcacheCache with PSOP_CACHE_LOCATION):
# a change of an agreement or a price list drops the entry at once in the process that made it (or
# everywhere, with a shared cache); other processes' copies live at most COMPARISON_CACHE_SECONDS.
COMPARISON_CACHE_SECONDS = env_int("PSOP_COMPARISON_CACHE_SECONDS", 300)
CACHES = {
    "default": {
        "BACKEND": os.environ.get("PSOP_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": os.environ.get("PSOP_CACHE_LOCATION", "psop"),
        "TIMEOUT": COMPARISON_CACHE_SECONDS,
    }
}

# REST API (/api/v1/) ---------------------------------------------------------------
# Requests per API key per minute; past it the answer is 429 with Retry-After.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 600)

# Background workers (procrastinate) write a heartbeat three times in this many seconds; a worker
# silent for longer is gone, and a live worker retries its jobs (payments.jobs).
WORKER_GONE_AFTER = env_int("PSOP_WORKER_GONE_AFTER", 30)
if WORKER_GONE_AFTER < 3:
    raise ImproperlyConfigured(f"PSOP_WORKER_GONE_AFTER must be at least 3 seconds; got {WORKER_GONE_AFTER}")
PROCRASTINATE_WORKER_DEFAULTS = {
    "update_heartbeat_interval": WORKER_GONE_AFTER / 3,
    "stalled_worker_timeout": WORKER_GONE_AFTER,
}

# Internationalisation ----------------------------------------------------------
# Source strings are Finnish; Swedish and English translations are in locale/
# (.po and the compiled .mo files are both committed). Finnish is everybody's
# language, whatever the browser's Accept-Language says: a user picks svenska or
# English in the header's form (django.views.i18n.set_language, at /i18n/setlang/),
# which sets the language cookie, and psop.middleware.CookieLocaleMiddleware
# activates the cookie's language, nothing else (no LocaleMiddleware). Number and
# date formats follow the active language.
LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", "suomi"), ("sv", "svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

# Static files ------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (applications' attachments, rulebooks' PDFs; issue 24) go through Django's storage
# API: the file system under MEDIA_ROOT by default (development), or an S3-compatible store in
# production with PSOP_STORAGE=s3 (django-storages: AWS_STORAGE_BUCKET_NAME, AWS_S3_ENDPOINT_URL,
# AWS_S3_REGION_NAME and the keys AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment;
# README "Uploaded files"). Files are never served from MEDIA_URL: the views check who asks.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"
_STORAGE = os.environ.get("PSOP_STORAGE", "filesystem")
if _STORAGE not in {"filesystem", "s3"}:
    raise ImproperlyConfigured(f"PSOP_STORAGE must be 'filesystem' or 's3'; got {_STORAGE!r}")
if _STORAGE == "s3":
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# An upload over this is written to a temporary file instead of memory; the attachment views refuse
# a file over 10 MB while it is still arriving (applications.files.BoundedUploadHandler).
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Security -------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# A sign-in's form is posted to PSOP, which redirects it to the identity provider (and signing out
# to the provider's end_session_endpoint): browsers hold such redirects to form-action, so the
# providers' origins are allowed there (their issuers', and PSOP_CSP_FORM_ACTION for an
# authorization endpoint on another origin).
SECURE_CSP["form-action"] += oidc_origins(SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"]) + env_list(
    "PSOP_CSP_FORM_ACTION", [])
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every line is masked: no henkilötunnus reaches a log file (psop.privacy).
    "filters": {"mask_henkilotunnus": {"()": "psop.privacy.MaskHenkilotunnusFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_henkilotunnus"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # runserver's request lines, through the same filter (gunicorn's: gunicorn.conf.py).
    "loggers": {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
