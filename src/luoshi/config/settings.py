"""Luoshi settings: one module, driven by the environment, SQLite by default.

LUOSHI_ENV=production switches on the deployment settings (no DEBUG, secure cookies, HSTS, a required
SECRET_KEY and ALLOWED_HOSTS). Every variable is read through a small typed helper that fails loudly.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Set the environment variable {name}.")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_date(name: str) -> dt.date | None:
    """A date written YYYY-MM-DD, or None when the variable is unset or empty."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            raise ValueError(raw)
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a date written YYYY-MM-DD (e.g. 2018-08-03), "
                                   f"not {raw!r}.") from None


PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("LUOSHI_DATA_DIR", str(Path.cwd() / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = env_str("LUOSHI_ENV", "development")
if ENVIRONMENT not in ("development", "production", "test"):
    raise ImproperlyConfigured("LUOSHI_ENV must be development, production or test.")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("LUOSHI_DEBUG", not PRODUCTION and ENVIRONMENT != "test")
SECRET_KEY = env_str("SECRET_KEY") if PRODUCTION else env_str(
    "SECRET_KEY", "insecure-development-key-never-use-in-production-0123456789abcdef")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "luoshi.core",
    "luoshi.orgs",
    "luoshi.plans",
    "luoshi.reports",
    "luoshi.indicators",
    "luoshi.assessment",
    "luoshi.dashboards",
    "luoshi.documents",
    "luoshi.public",
    "luoshi.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "luoshi.core.middleware.SecurityHeadersMiddleware",
    "luoshi.core.middleware.RequestIdMiddleware",
    "luoshi.orgs.middleware.AccountPolicyMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "luoshi.config.urls"
WSGI_APPLICATION = "luoshi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "luoshi.core.context_processors.luoshi",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'luoshi.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; WAL and a busy timeout let the web process and the worker share it.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE",
                                       "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Identification and authentication (docs/security.md). django-axes counts failed logins on every path
# that calls authenticate() (/login/, /admin/login/); its backend comes first.
AUTHENTICATION_BACKENDS = ["luoshi.orgs.security.LoginThrottleBackend", "django.contrib.auth.backends.ModelBackend"]

# Passwords: at least LUOSHI_PASSWORD_MIN_LENGTH characters of at least three classes (upper case, lower
# case, digits, symbols), none of the last LUOSHI_PASSWORD_HISTORY reused, changed every
# LUOSHI_PASSWORD_MAX_AGE_DAYS days (0: never), and at the first login after an administrator set it.
LUOSHI_PASSWORD_MIN_LENGTH = env_int("LUOSHI_PASSWORD_MIN_LENGTH", 10)
LUOSHI_PASSWORD_HISTORY = env_int("LUOSHI_PASSWORD_HISTORY", 5)
LUOSHI_PASSWORD_MAX_AGE_DAYS = env_int("LUOSHI_PASSWORD_MAX_AGE_DAYS", 90)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": LUOSHI_PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "luoshi.orgs.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "luoshi.orgs.passwords.PasswordHistoryValidator"},
]

# Login throttling (django-axes): LUOSHI_LOGIN_MAX_FAILURES failures for one account from one client
# address lock that pair for LUOSHI_LOGIN_LOCKOUT_MINUTES after the last failure (429); a successful login
# clears the count. Behind a reverse proxy, name the header it sets (LUOSHI_CLIENT_IP_HEADER, e.g.
# X-Forwarded-For, or X-Real-IP) and how many of your proxies append to it (LUOSHI_PROXY_COUNT): the client
# address is the entry that many places from the right, so addresses a client writes into the header
# itself are never believed (luoshi.orgs.security.client_ip; django-ipware, which axes can use instead,
# refuses the usual one-proxy header under its strict proxy count).
LUOSHI_LOGIN_MAX_FAILURES = env_int("LUOSHI_LOGIN_MAX_FAILURES", 5)
LUOSHI_LOGIN_LOCKOUT_MINUTES = env_int("LUOSHI_LOGIN_LOCKOUT_MINUTES", 15)
LUOSHI_CLIENT_IP_HEADER = env_str("LUOSHI_CLIENT_IP_HEADER", "")
LUOSHI_PROXY_COUNT = env_int("LUOSHI_PROXY_COUNT", 1)
AXES_FAILURE_LIMIT = LUOSHI_LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = dt.timedelta(minutes=LUOSHI_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "luoshi.orgs.security.login_username"
AXES_LOCKOUT_CALLABLE = "luoshi.core.views.login_locked_out"
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "luoshi.orgs.security.client_ip"

# Two factors (django-otp, TOTP plus single-use recovery codes): required for administrators and the
# office while LUOSHI_2FA_REQUIRED is on (the default everywhere but the test settings); other accounts
# may enrol, and once enrolled must use it.
LUOSHI_2FA_REQUIRED = env_bool("LUOSHI_2FA_REQUIRED", True)
LUOSHI_RECOVERY_CODES = 10
OTP_TOTP_ISSUER = env_str("LUOSHI_OTP_ISSUER", "Luoshi")

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(DATA_DIR / "uploads")}},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
                    if PRODUCTION else "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Outside production (the demo runs without DEBUG) WhiteNoise serves the apps' static files where they are,
# without collectstatic; production serves the collected, hashed copies.
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded evidence is never served by URL: views stream it after an access check. No URL maps here.
MEDIA_URL = "/_never-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LUOSHI_MAX_ATTACHMENT_BYTES = env_int("LUOSHI_MAX_ATTACHMENT_MB", 20) * 1024 * 1024
LUOSHI_MAX_PLAN_BYTES = env_int("LUOSHI_MAX_PLAN_MB", 50) * 1024 * 1024
# Wall-clock limit of one plan import job (parse and comparison); a job still "running" after it (plus a
# minute) was left by a dead worker and is marked failed (plans.services.plan_imports_sweep).
LUOSHI_IMPORT_TIME_LIMIT_SECONDS = env_int("LUOSHI_IMPORT_TIME_LIMIT_SECONDS", 10 * 60)

TASKS = {
    "default": {
        "BACKEND": env_str("LUOSHI_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "luoshi@localhost")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)

CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "luoshi_cache"},
    # Rendered fragments of the busiest pages (luoshi.core.pagecache), in each process's memory: their keys
    # hold the newest audit entry's id, read from the database, so every process sees a change at once.
    # At most ~1,000 x 40 KB per process, whatever query strings logged-in users send.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "luoshi-fragments",
                  "OPTIONS": {"MAX_ENTRIES": 1000}},
}

# Sessions end after LUOSHI_SESSION_IDLE_MINUTES without a request and LUOSHI_SESSION_MAX_HOURS after login
# whatever happens; the cookie dies with the browser. LUOSHI_MAX_SESSIONS > 0 keeps only that many sessions
# per account (a new login ends the oldest); 0 leaves it unlimited.
LUOSHI_SESSION_IDLE_MINUTES = env_int("LUOSHI_SESSION_IDLE_MINUTES", 30)
LUOSHI_SESSION_MAX_HOURS = env_int("LUOSHI_SESSION_MAX_HOURS", 8)
LUOSHI_MAX_SESSIONS = env_int("LUOSHI_MAX_SESSIONS", 0)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = LUOSHI_SESSION_MAX_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Every answer: a Content-Security-Policy with no inline script (templates load scripts from static files;
# style attributes stay allowed), and a Permissions-Policy switching off device features Luoshi never uses.
# Answers to a logged-in account are `Cache-Control: private, no-store` (luoshi.core.middleware).
LUOSHI_CONTENT_SECURITY_POLICY = env_str(
    "LUOSHI_CONTENT_SECURITY_POLICY",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'")
LUOSHI_PERMISSIONS_POLICY = env_str(
    "LUOSHI_PERMISSIONS_POLICY",
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), "
    "usb=()")
# The client's address in audit entries: REMOTE_ADDR, or behind a reverse proxy the header it sets and
# overwrites with the client's address (nginx: proxy_set_header X-Real-IP $remote_addr; then "X-Real-IP").
# Never name a header the proxy passes through from the client.
LUOSHI_CLIENT_ADDRESS_HEADER = env_str("LUOSHI_CLIENT_ADDRESS_HEADER", "")
# Django's own checks: a production deployment must pass `manage.py check --deploy` cleanly.
# HSTS preload is the operator's decision (it binds the whole domain), so its warning is silenced.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# The business date (luoshi.core.clock.today): unset, the real local date. The demo pins it to a day of
# its 2018 plan; a production system must follow the calendar (a pinned date would stop reminders).
LUOSHI_TODAY = env_date("LUOSHI_TODAY")
if PRODUCTION and LUOSHI_TODAY is not None:
    raise ImproperlyConfigured("LUOSHI_TODAY pins the date for demos and tests; unset it in production.")

# The audit log (docs/security.md): `manage.py audit_prune` removes entries older than this many days, and
# only when run; 等保 level 3 asks for at least 180 days (6 months), so a smaller value is refused.
LUOSHI_AUDIT_RETENTION_DAYS = env_int("LUOSHI_AUDIT_RETENTION_DAYS", 3 * 365)
if LUOSHI_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("LUOSHI_AUDIT_RETENTION_DAYS must be at least 180 (days).")

# Documents and dashboards: the office named on 督查通报 (empty: the plan's issuer), and how long a rendered
# leader dashboard may be reused when a change wrote no audit entry (audited changes show at once).
LUOSHI_CIRCULAR_ISSUER = env_str("LUOSHI_CIRCULAR_ISSUER", "")
LUOSHI_DASHBOARD_CACHE_SECONDS = env_int("LUOSHI_DASHBOARD_CACHE_SECONDS", 60)

# The REST API (/api/v1/, see docs/api.md): a token per account or the browser session, logged-in only,
# paginated; each account is limited to LUOSHI_API_RATE requests (DRF's "N/second|minute|hour|day";
# empty: unlimited). The schema is OpenAPI 3 from drf-spectacular.
LUOSHI_API_RATE = env_str("LUOSHI_API_RATE", "600/minute")
# API tokens are stored hashed (luoshi.api.models.ApiToken) and expire this many days after they are issued.
LUOSHI_API_TOKEN_DAYS = env_int("LUOSHI_API_TOKEN_DAYS", 90)
if LUOSHI_API_TOKEN_DAYS < 1:
    raise ImproperlyConfigured("LUOSHI_API_TOKEN_DAYS must be at least 1.")
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "luoshi.api.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "luoshi.api.authentication.TokenScopePermission"],
    "DEFAULT_PAGINATION_CLASS": "luoshi.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["luoshi.api.filters.CheckedFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["luoshi.api.throttling.AccountRateThrottle"],
    "EXCEPTION_HANDLER": "luoshi.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],  # bodies carry lists (actual values)
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Luoshi API",
    "DESCRIPTION": "Luoshi REST API: plans, tasks, assignments, reports, indicators, index editions and "
                   "assessment scores, scoped to the calling account exactly like the pages. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "luoshi.plans.choices.PlanStatus",
        "AssignmentStatusEnum": "luoshi.plans.choices.AssignmentStatus",
        "ReportStatusEnum": "luoshi.reports.choices.ReportStatus",
        "RubricStatusEnum": "luoshi.assessment.choices.RubricStatus",
        "EditionStatusEnum": "luoshi.indicators.choices.EditionStatus",
        "ComparatorEnum": "luoshi.indicators.choices.Comparator",  # the same choices as plans' TargetOp
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "luoshi.api.schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"pypdf": {"level": "ERROR"}},
}
