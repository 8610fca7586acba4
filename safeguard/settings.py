"""Safeguard settings: one file, driven by the environment.

SAFEGUARD_ENV selects the posture:
- ``development`` (default; what `make run` uses): SQLite under var/, DEBUG on, MFA optional.
- ``test``: as development but DEBUG off and fast password hashing; set by the test suite.
- ``production``: refuses to start with DEBUG on, a missing or default secret key, or no ALLOWED_HOSTS;
  secure cookies, HSTS, SSL redirect, MFA required by default.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from safeguard.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env.str("SAFEGUARD_VAR_DIR", str(BASE_DIR / "var")))

SAFEGUARD_ENV = env.choice("SAFEGUARD_ENV", ("development", "test", "production"), "development")
PRODUCTION = SAFEGUARD_ENV == "production"
TESTING = SAFEGUARD_ENV == "test"

_DEV_SECRET = "insecure-development-key-never-use-in-production"  # noqa: S105 - refused in production below
SECRET_KEY = env.str("SECRET_KEY", None if PRODUCTION else _DEV_SECRET)
DEBUG = env.bool("DEBUG", default=SAFEGUARD_ENV == "development")

if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (SAFEGUARD_ENV=production).")
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random value of at least 50 characters.")

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the hosts Safeguard is served on.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

# Public address used in e-mail links (notifications carry a link, never a child's details).
SITE_URL = env.str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "safeguard.core",
    "safeguard.people",
    "safeguard.casework",
    "safeguard.reviews",
    "safeguard.monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safeguard.people.middleware.SessionLifetimeMiddleware",
    "safeguard.people.middleware.RequireMFAMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "safeguard.core.middleware.NoStoreMiddleware",
    "safeguard.core.middleware.SharedCalendarMiddleware",
    # Last, so that a locked-out sign-in is answered before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safeguard.urls"
WSGI_APPLICATION = "safeguard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "safeguard" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "safeguard.jinja2.environment",
            "autoescape": True,
            "context_processors": [
                "django.contrib.messages.context_processors.messages",
                "safeguard.core.context_processors.navigation",
            ],
        },
    },
    {
        # The admin, DRF's browsable API and django-otp's admin still use Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env.str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'safeguard.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env.int("DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the web server, the worker and the tick read while one of them writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The visibility rules make every action query look costly to the planner, so PostgreSQL's JIT compiled
    # each one, adding 0.7-2 s to queries that run in tens of milliseconds (bench/results/
    # large-postgres-findings.md). Off for Safeguard's own connections; override with DATABASE_OPTIONS.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", "test_safeguard")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username before a password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:
    # Argon2 is deliberately slow; the suite checks its use in one test instead of paying for it everywhere.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "people:sign_in"
LOGIN_REDIRECT_URL = "core:my_work"
LOGOUT_REDIRECT_URL = "people:sign_in"

# Sessions: 30 minutes idle, 12 hours at most from sign-in (enforced by SessionLifetimeMiddleware).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_LIFETIME = env.int("SESSION_ABSOLUTE_LIFETIME_SECONDS", 12 * 60 * 60, minimum=300)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_LIFETIME
# Database sessions with the user id in an indexed column, so ending a user's sessions is one DELETE.
SESSION_ENGINE = "safeguard.people.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = PRODUCTION
SESSION_COOKIE_NAME = "__Host-safeguard_session" if PRODUCTION else "safeguard_session"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_NAME = "__Host-safeguard_csrf" if PRODUCTION else "safeguard_csrf"
CSRF_FAILURE_VIEW = "safeguard.core.views.csrf_failure"

SAFEGUARD_REQUIRE_MFA = env.bool("SAFEGUARD_REQUIRE_MFA", default=PRODUCTION)
OTP_TOTP_ISSUER = "Safeguard"

# django-axes: lock the username (known or not) after repeated failures; the response is the same either way.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env.int("AXES_COOLOFF_MINUTES", 30, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for the IP address too. We lock the username whatever the IP, so rotating user agents or
# addresses gains nothing, and locking by IP would lock out a whole agency behind one NAT (ADR 0002).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safeguard.people.views.locked_out"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 63072000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env.bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# Static files: GOV.UK Frontend's compiled CSS asks for /assets/fonts and /assets/images.
STATIC_URL = "/assets/"
# Collected files are served from STATIC_ROOT in production; elsewhere WhiteNoise reads the finders.
STATIC_ROOT = Path(env.str("STATIC_ROOT", str(VAR_DIR / "static"))) if PRODUCTION else None
STATICFILES_DIRS = [BASE_DIR / "build" / "assets", BASE_DIR / "safeguard" / "static"]
WHITENOISE_USE_FINDERS = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", str(VAR_DIR / "media")))

# Evidence uploads: the types boards actually receive, and a size that keeps the server and backups sane.
SAFEGUARD_EVIDENCE_TYPES = frozenset(
    env.list(
        "SAFEGUARD_EVIDENCE_TYPES",
        ["pdf", "docx", "doc", "xlsx", "xls", "csv", "pptx", "odt", "ods", "txt", "png", "jpg", "jpeg"],
    )
)
SAFEGUARD_EVIDENCE_MAX_BYTES = env.int("SAFEGUARD_EVIDENCE_MAX_MB", 20, minimum=1, maximum=200) * 1024 * 1024
# Actions turn amber this many working days before they fall due.
SAFEGUARD_ACTION_AMBER_WORKING_DAYS = env.int(
    "SAFEGUARD_ACTION_AMBER_WORKING_DAYS", 10, minimum=0, maximum=120
)

# RAG counts over every action a user may see are kept until the next audited write, at most this long
# (safeguard/reviews/counts.py); 0 turns the cache off. Off in tests: their rolled-back transactions
# write records without audit events and reuse keys.
SAFEGUARD_COUNT_CACHE_SECONDS = env.int(
    "SAFEGUARD_COUNT_CACHE_SECONDS", 0 if TESTING else 300, minimum=0, maximum=3600
)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# E-mail: console in development, SMTP in production. Messages carry a link, never a child's details.
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "Safeguard <no-reply@safeguard.invalid>")

TASKS = {
    "default": {
        "BACKEND": env.str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": ["default"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header makes a missing credential a 401, not a 403.
        "safeguard.core.api_auth.StrictTokenAuthentication",
        "safeguard.core.api_auth.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "safeguard.core.api.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "safeguard.core.api_errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Safeguard API",
    "DESCRIPTION": "Multi-agency children's safeguarding platform. Every read is scoped to the caller.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema holds no personal data, but there is no reason to show the API's shape to strangers.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        # Document the standard error answers (400, 401, 403, 404, 415) on every operation.
        "safeguard.core.api_schema.add_error_responses",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs name URLs only; URLs carry identifiers, never names.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
    },
}
