"""Settings come from the environment only.  With nothing set: SQLite and local files under
AFTERSALES_HOME (default ./var) and jobs queued in the database.  Every variable is listed in
docs/SETTINGS.md (a test fails when one is missing there); bad values stop start-up loudly.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = env(name)
    if not raw:
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true or false")


def env_int(name: str, default: int) -> int:
    raw = env(name)
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


HOME = Path(env("AFTERSALES_HOME", "var")).resolve()
HOME.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("AFTERSALES_DEBUG", False)
SECRET_KEY = env("AFTERSALES_SECRET_KEY")
if not SECRET_KEY:
    # Embedded default: one random key per installation, kept beside the database.
    key_file = HOME / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h for h in env("AFTERSALES_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("AFTERSALES_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_htmx",
    "aftersales.accounts",
    "aftersales.catalog",
    "aftersales.orders",
    "aftersales.cases",
    "aftersales.notify",
    "aftersales.web",
    "aftersales.connectors",
    "aftersales.portal",
    "aftersales.risk",                  # malicious-refund defence (docs/RISK.md)
    "aftersales.assist",
    "aftersales.logistics",   # parcels, tracking events, stuck parcels
    "aftersales.analytics",   # weekly review, dashboard, exports
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "aftersales.urls"
WSGI_APPLICATION = "aftersales.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "aftersales.web.context.workbench",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("AFTERSALES_DB_CONN_MAX_AGE", 60))}
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": HOME / "aftersales.sqlite3",
            # WAL lets the worker and the server write without "database is locked" errors.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Jobs: the database queue by default; RQ on Redis when REDIS_URL is set.
REDIS_URL = env("REDIS_URL")
# The cache (login throttling): this process's memory by default; Redis, shared by every process, when set.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": "aftersales"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS += ["django_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if env_bool("AFTERSALES_TASKS_IMMEDIATE", False):
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Files: local under AFTERSALES_HOME/media by default; S3-compatible when AFTERSALES_S3_BUCKET is set.
MEDIA_ROOT = HOME / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(exist_ok=True)
S3_BUCKET = env("AFTERSALES_S3_BUCKET")
if S3_BUCKET:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("AFTERSALES_S3_ENDPOINT_URL") or None,
            "region_name": env("AFTERSALES_S3_REGION") or None,
            "access_key": env("AFTERSALES_S3_ACCESS_KEY") or None,
            "secret_key": env("AFTERSALES_S3_SECRET_KEY") or None,
            "default_acl": None,
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# Evidence uploads: what we accept.
EVIDENCE_MAX_IMAGE_BYTES = env_int("AFTERSALES_EVIDENCE_MAX_IMAGE_MB", 10) * 1024 * 1024
EVIDENCE_MAX_VIDEO_BYTES = env_int("AFTERSALES_EVIDENCE_MAX_VIDEO_MB", 100) * 1024 * 1024
# A virus scanner of your own for buyer uploads (portal/uploads.py): a dotted path to scan(file) -> reason | None.
UPLOAD_SCANNER = env("AFTERSALES_UPLOAD_SCANNER")
# The font file for PDF exports (aftersales/pdf.py); empty: Noto Sans SC from the pylopdf-fonts-zh-cn wheel.
PDF_FONT = env("AFTERSALES_PDF_FONT")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Chinese business days past chinese_calendar's tables: weekends plus these dates (YYYY-MM-DD, comma separated).
CN_EXTRA_HOLIDAYS = [d for d in env("AFTERSALES_CN_EXTRA_HOLIDAYS").split(",") if d]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"
# Failed logins: after this many failures for one user name from one address, refuse for this long.
LOGIN_MAX_FAILURES = env_int("AFTERSALES_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = env_int("AFTERSALES_LOGIN_LOCKOUT_MINUTES", 15)
# The workbench queue reloads its rows this often (seconds) without reloading the page.
QUEUE_POLL_SECONDS = env_int("AFTERSALES_QUEUE_POLL_SECONDS", 15)
for _name, _value in (("AFTERSALES_LOGIN_MAX_FAILURES", LOGIN_MAX_FAILURES),
                      ("AFTERSALES_LOGIN_LOCKOUT_MINUTES", LOGIN_LOCKOUT_MINUTES),
                      ("AFTERSALES_QUEUE_POLL_SECONDS", QUEUE_POLL_SECONDS)):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name}={_value}: expected 1 or more")
# Shorter month-day formats for dense pages (aftersales/formats/<language>/formats.py).
FORMAT_MODULE_PATH = ["aftersales.formats"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("AFTERSALES_LOG_LEVEL", "INFO")},
}

# Outgoing e-mail: files under AFTERSALES_HOME/mail unless an SMTP host is set.
EMAIL_HOST = env("AFTERSALES_EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("AFTERSALES_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("AFTERSALES_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env("AFTERSALES_EMAIL_PASSWORD")
    EMAIL_USE_TLS = env_bool("AFTERSALES_EMAIL_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = HOME / "mail"
# "console" prints the mail instead (handy beside `aftersales serve`); a dotted path names any backend.
EMAIL_BACKEND = {"console": "django.core.mail.backends.console.EmailBackend", "file": EMAIL_BACKEND,
                 "": EMAIL_BACKEND}.get(env("AFTERSALES_EMAIL_BACKEND"), env("AFTERSALES_EMAIL_BACKEND"))
DEFAULT_FROM_EMAIL = env("AFTERSALES_EMAIL_FROM", "aftersales@localhost")

# Buyer notifications (notify/): the sender classes of the short-text channels, and quiet hours.
SMS_SENDER = env("AFTERSALES_SMS_SENDER", "aftersales.notify.senders.FileSender")
PLATFORM_MESSAGE_SENDER = env("AFTERSALES_PLATFORM_MESSAGE_SENDER", "aftersales.notify.senders.NoPlatformSender")
try:
    from aftersales.notify.quiet import parse_span as _parse_span

    QUIET_HOURS = _parse_span(env("AFTERSALES_QUIET_HOURS", "22:00-08:00"))
except ValueError as exc:
    raise ImproperlyConfigured(f"AFTERSALES_QUIET_HOURS: {exc}") from None
QUIET_CHANNELS = [c.strip() for c in env("AFTERSALES_QUIET_CHANNELS", "sms,platform").split(",") if c.strip()]
# The address buyers reach the portal at: the status links in notifications start with it.
SITE_URL = env("AFTERSALES_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"AFTERSALES_SITE_URL={SITE_URL!r}: expected an http:// or https:// address")
# The buyer portal's order lookup: failed attempts per address (and per order number) before a pause.
PORTAL_LOOKUP_MAX_FAILURES = env_int("AFTERSALES_PORTAL_LOOKUP_MAX_FAILURES", 10)
PORTAL_LOOKUP_WINDOW_MINUTES = env_int("AFTERSALES_PORTAL_LOOKUP_WINDOW_MINUTES", 15)
for _name, _value in (("AFTERSALES_PORTAL_LOOKUP_MAX_FAILURES", PORTAL_LOOKUP_MAX_FAILURES),
                      ("AFTERSALES_PORTAL_LOOKUP_WINDOW_MINUTES", PORTAL_LOOKUP_WINDOW_MINUTES)):
    if _value < 1:
        raise ImproperlyConfigured(f"{_name}={_value}: expected 1 or more")

# The worker's loop: how often it sweeps deadlines and delivers the outbox (seconds).
SWEEP_INTERVAL = env_int("AFTERSALES_SWEEP_INTERVAL", 60)

# Platform connectors: Fernet keys for the shops' credentials (comma separated; the first encrypts,
# all decrypt).  Embedded default: one key made per installation and kept beside the database.
CONNECTOR_KEYS = [k.strip() for k in env("AFTERSALES_CONNECTOR_KEYS").split(",") if k.strip()]
if not CONNECTOR_KEYS:
    _key_file = HOME / "connector_keys"
    if not _key_file.exists():
        from cryptography.fernet import Fernet

        _key_file.write_text(Fernet.generate_key().decode())
        _key_file.chmod(0o600)
    CONNECTOR_KEYS = [k for k in _key_file.read_text().split(",") if k.strip()]
try:
    from cryptography.fernet import Fernet as _Fernet

    for _k in CONNECTOR_KEYS:
        _Fernet(_k.encode())
except ValueError:
    raise ImproperlyConfigured("AFTERSALES_CONNECTOR_KEYS: each key must be a urlsafe base64 Fernet key "
                               "(make one with: python -c 'from cryptography.fernet import Fernet; "
                               "print(Fernet.generate_key().decode())')") from None
# Webhook bodies larger than this are refused (413) before their signature is checked.
CONNECTOR_MAX_BODY_BYTES = env_int("AFTERSALES_CONNECTOR_MAX_BODY_KB", 512) * 1024
