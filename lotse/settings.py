"""The one settings module. Every knob is an environment variable with a safe default.

Development and the demo run with LOTSE_DEBUG=1 on a SQLite file; production sets
LOTSE_SECRET_KEY, LOTSE_FIELD_KEYS, LOTSE_ALLOWED_HOSTS and DATABASE_URL (PostgreSQL). See
docs/operations.md.
"""

from __future__ import annotations

import base64
import hashlib
import os
import sys
from pathlib import Path

import dj_database_url
import django_stubs_ext
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Generic Django classes (ModelForm[Client] …) at run time, as the type checker sees them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("LOTSE_DEBUG")
TESTING = "pytest" in sys.modules
DATA_DIR = Path(env("LOTSE_DATA_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env("LOTSE_SECRET_KEY")
if not SECRET_KEY:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set LOTSE_SECRET_KEY (or LOTSE_DEBUG=1 for development).")
    SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105

# The keys of the encrypted text fields (lotse.core.fields): Fernet keys separated by
# commas. The first encrypts, every one decrypts; see docs/operations.md for rotation.
FIELD_KEYS = [key.strip() for key in env("LOTSE_FIELD_KEYS").split(",") if key.strip()]
if not FIELD_KEYS:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured("Set LOTSE_FIELD_KEYS (or LOTSE_DEBUG=1 for development).")
    development_key = hashlib.sha256(b"insecure-development-field-key-never-use-in-production")
    FIELD_KEYS = [base64.urlsafe_b64encode(development_key.digest()).decode()]
for key in FIELD_KEYS:
    try:
        Fernet(key)
    except ValueError:
        # The message never repeats the key.
        raise ImproperlyConfigured(
            "LOTSE_FIELD_KEYS holds a value that is not a Fernet key "
            "(32 URL-safe base64-encoded bytes)."
        ) from None

ALLOWED_HOSTS = [h for h in env("LOTSE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("LOTSE_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "lotse.core",
    "lotse.accounts",
    "lotse.organisations",
    "lotse.clients",
    "lotse.counselling",
    "lotse.cases",
    "lotse.network",
    "lotse.staffing",
    "lotse.structural",
    "lotse.reports",
    "lotse.api",
    "lotse.imports",
    "lotse.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

# Background tasks (reports): run inline by default, so the embedded set-up needs no
# worker; LOTSE_TASKS=database queues them in the database for `manage.py db_worker`.
if env("LOTSE_TASKS", "inline") == "database":
    INSTALLED_APPS.append("django_tasks_db")
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# The JSON API (lotse/api): tokens only, JSON only, described by an OpenAPI document whose
# docs page is served from this host (the sidecar package), not from a CDN.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["lotse.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["lotse.api.auth.ScopeAndCapability"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lotse API",
    "DESCRIPTION": "Clients, contacts, cases with plans, referrals, appointments, services "
    "and report figures, with the access rules of the pages.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lotse.api.schema.add_error_responses",
    ],
}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks the user as verified once a second factor was given in this session.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After authentication and messages: ends idle sessions with a message.
    "lotse.accounts.middleware.IdleTimeoutMiddleware",
    # After the idle timeout: keeps a signed-in user who owes the second factor on the
    # pages that ask for it.
    "lotse.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "lotse.urls"
WSGI_APPLICATION = "lotse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "lotse" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lotse.core.context_processors.navigation",
            ],
        },
    },
]

FORM_RENDERER = "lotse.core.forms.FormRenderer"


def database(url: str) -> dj_database_url.DBConfig:
    config = dj_database_url.parse(
        url, conn_max_age=int(env("LOTSE_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL compiles a query it estimates as costly before running it; for the
        # statewide report that took longer (0.9 s) than it saved.
        # Added to what the URL asks of the server (a schema, say), not in its place.
        options = config.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c jit=off".lstrip()
    return config


# SQLite file by default; PostgreSQL (production) through DATABASE_URL.
DATABASES = {"default": database(env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lotse.sqlite3'}"))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock at BEGIN, so read-then-write sequences (the audit
        # chain) cannot interleave.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too (not shared-cache memory), so that concurrent transactions
    # lock as they do in production.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
# Reports and the data-quality check read from a replica of the primary when one is
# given (lotse/core/replica.py); tests treat it as a mirror of the primary.
REPLICA_URL = env("LOTSE_REPLICA_DATABASE_URL")
if REPLICA_URL or TESTING:
    DATABASES["replica"] = database(REPLICA_URL) if REPLICA_URL else DATABASES["default"].copy()
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPORTS_DATABASE = "replica" if REPLICA_URL else ""
DATABASE_ROUTERS = ["lotse.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# Sign-in refuses a username that is locked (lotse/accounts/lockout.py) without checking
# its password.
AUTHENTICATION_BACKENDS = ["lotse.accounts.lockout.LockoutBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

SESSION_COOKIE_AGE = int(env("LOTSE_SESSION_SECONDS", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("LOTSE_SECURE_COOKIES", not DEBUG)
if TESTING:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False

# Protection of sign-in and of the riskiest actions (docs/operations.md): after
# LOCKOUT_FAILURES wrong passwords for one username within LOCKOUT_MINUTES, that username
# is refused for LOCKOUT_MINUTES; a session without a request for IDLE_MINUTES ends;
# exports, merges and erasure need the password confirmed within CONFIRM_MINUTES.
LOCKOUT_FAILURES = int(env("LOTSE_LOCKOUT_FAILURES", "5"))
LOCKOUT_MINUTES = int(env("LOTSE_LOCKOUT_MINUTES", "15"))
IDLE_MINUTES = int(env("LOTSE_IDLE_MINUTES", "30"))
CONFIRM_MINUTES = int(env("LOTSE_CONFIRM_MINUTES", "10"))

# The roles that must sign in with a second factor (a TOTP code from an app) after the
# password, comma-separated role names; a programme can require it of more roles
# (lotse/core/access.py, `needs_second_factor`). By default every role that sees
# personal data; an unknown role name stops the start (ImproperlyConfigured). Development
# (LOTSE_DEBUG=1) asks nobody by default, so that the printed demo logins work as they
# are; LOTSE_SECOND_FACTOR_ROLES=counsellor,team_lead tries it out there.
SECOND_FACTOR_ROLES = [
    role.strip()
    for role in env("LOTSE_SECOND_FACTOR_ROLES", "" if DEBUG else "counsellor,team_lead").split(",")
    if role.strip()
]
# The name authenticator apps show next to the code.
OTP_TOTP_ISSUER = env("LOTSE_SECOND_FACTOR_ISSUER", "Lotse")

# Transport: in production Lotse is reached over TLS only. Behind a proxy that terminates
# TLS, LOTSE_BEHIND_TLS_PROXY=1 trusts its X-Forwarded-Proto header (only safe if the
# proxy always sets it). Browsers are told to keep to HTTPS for a year (HSTS);
# LOTSE_HSTS_SECONDS=0 turns that off while a set-up is tried out.
SECURE_SSL_REDIRECT = env_bool("LOTSE_SSL_REDIRECT", not (DEBUG or TESTING))
if env_bool("LOTSE_BEHIND_TLS_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(env("LOTSE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy: scripts, styles, images and connections from Lotse only, no
# inline script or style, no plug-ins, not framed. Lotse's templates and charts carry
# no inline code, and htmx is told not to add its own (base.html).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "lotse" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("LOTSE_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Front-end packages come from the npm registry (package-lock.json) and are served by
# Lotse itself, never from a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "lotse" / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]

# Uploaded documents: outside the web root, served only through the access layer.
PRIVATE_MEDIA_ROOT = Path(env("LOTSE_PRIVATE_MEDIA_ROOT", str(DATA_DIR / "private")))
MAX_UPLOAD_BYTES = int(env("LOTSE_MAX_UPLOAD_MB", "10")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Imports of client lists and contact logs (docs/operations.md): the largest file, the
# most rows, and how long the cells of a file not imported are kept.
IMPORT_MAX_BYTES = int(env("LOTSE_IMPORT_MAX_MB", "20")) * 1024 * 1024
IMPORT_MAX_ROWS = int(env("LOTSE_IMPORT_MAX_ROWS", "10000"))
IMPORT_KEEP_HOURS = int(env("LOTSE_IMPORT_KEEP_HOURS", "24"))

EMAIL_BACKEND = env("LOTSE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("LOTSE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("LOTSE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("LOTSE_EMAIL_USER")
EMAIL_HOST_PASSWORD = env("LOTSE_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("LOTSE_EMAIL_TLS")
DEFAULT_FROM_EMAIL = env("LOTSE_EMAIL_FROM", "lotse@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOTSE_LOG_LEVEL", "INFO")},
    # fontTools reports every font subset at INFO while PDFs are made.
    "loggers": {"fontTools": {"level": "WARNING"}},
}
