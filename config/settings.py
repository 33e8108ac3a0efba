"""Settings for Thi Đua, read from the environment (see .env.example for every variable)."""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import email_settings, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without one; "
            "set DJANGO_DEBUG=1 for a development default."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "treebeard",
    "rules.apps.AutodiscoverRulesConfig",
    "unions",
    "notifications",
    "movements",
    "awards",
    "commendations",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.KeepSessionAliveMiddleware",
    "config.middleware.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.middleware.RefuseNullCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "unions.accounts.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unions.context_processors.roles",
                "unions.context_processors.slots",
                "unions.context_processors.nav_counts",
            ],
        },
    },
]

# --- Embedded services ----------------------------------------------------------------------
# Production needs DATABASE_URL and REDIS_URL: a forgotten one must stop the process, not leave
# it on an SQLite file inside the container and tasks that never reach the workers. The demo
# (DEBUG) and a deliberate single-machine install (EMBEDDED_SERVICES=1) may leave them unset:
# then an SQLite file under var/ and Celery tasks run in-process stand in for them.
EMBEDDED_SERVICES = env_bool("EMBEDDED_SERVICES", False)
DATABASE_URL = env_str("DATABASE_URL")
REDIS_URL = env_str("REDIS_URL")
if not (DEBUG or EMBEDDED_SERVICES):
    _services = {"DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL}
    _missing = [name for name, value in _services.items() if not value]
    if _missing:
        raise ImproperlyConfigured(
            f"{' and '.join(_missing)} {'is' if len(_missing) == 1 else 'are'} not set. Production "
            "refuses to start without PostgreSQL and Redis; set EMBEDDED_SERVICES=1 to run on an "
            "SQLite file under VAR_DIR with Celery tasks in-process (a single machine), or "
            "DJANGO_DEBUG=1 for development."
        )

# --- Database -------------------------------------------------------------------------------
# Unset (DEBUG or EMBEDDED_SERVICES only): an SQLite file under var/. Production and CI: PostgreSQL.
if not DATABASE_URL:
    # A fresh clone has no var/ yet: SQLite creates the file, not its folder.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'thidua.sqlite3'}"
# Connections are kept between requests (CONN_MAX_AGE) and checked before a request reuses one
# (CONN_HEALTH_CHECKS): after PostgreSQL restarts, the next request reconnects instead of failing
# on a dead connection; while it is down, requests get the 503 page (config.views.server_error).
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=env_int("CONN_MAX_AGE", 60), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # The demo server and the in-process Celery tasks share one file: wait for locks.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    # The member lists' covering indexes (unions.models.Member) carry columns for PostgreSQL's
    # index-only walks; SQLite builds them on their key columns alone, which is what it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Celery ---------------------------------------------------------------------------------
# Unset REDIS_URL (DEBUG or EMBEDDED_SERVICES only): tasks run eagerly in-process. Set: a real
# broker and worker.
# The in-memory broker names a host so that kombu does not warn "No hostname was supplied".
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A worker that dies mid-task must not lose it. A task is acknowledged when it ends (acks_late),
# and one whose pool process was killed (out of memory, SIGKILL) goes back to the queue at once
# (reject_on_worker_lost). When the whole worker dies, Redis gives its unacknowledged tasks to
# another worker after the visibility timeout; it must exceed the longest task plus the longest
# retry delay, or a slow task would run twice: an hour. Sooner than that, the periodic sweep
# (CELERY_BEAT_SCHEDULE) resumes a decision whose rendering has not moved for
# RENDER_STALE_SECONDS. Tasks are written to be run twice: rendering skips what is rendered,
# under a row lock, and register numbers are given once, when the decision is issued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
}
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 300)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 240)
# A worker process is replaced after the task during which it grew past this (KiB): WeasyPrint's
# memory stays bounded over a long queue of certificate chunks.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 700_000)
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
# Celery beat (`celery -A config beat`, the `beat` service of docker-compose.yml; one only) runs
# the periodic sweep and the daily jobs, in CELERY_TIMEZONE. Each is also a management command,
# for a cron instead of the beat.
CELERY_BEAT_SCHEDULE = {
    "queue-waiting-renders": {  # python manage.py queue_waiting_renders
        "task": "commendations.tasks.queue_waiting_renders",
        "schedule": env_int("RENDER_SWEEP_SECONDS", 60),
    },
    "deadline-reminders": {  # python manage.py send_deadline_reminders
        "task": "awards.tasks.send_deadline_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    "notification-digests": {  # python manage.py send_notification_digests
        "task": "notifications.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
}
# A rendering that has not moved for this long is resumed by the sweep (a chunk's time limit is
# 90 s: longer than that).
RENDER_STALE_SECONDS = env_int("RENDER_STALE_SECONDS", 180)
# How many days before a round's deadline its reminders go out.
DEADLINE_REMINDER_DAYS = env_int("DEADLINE_REMINDER_DAYS", 3)

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Authentication (django-allauth) --------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "unions.adapters.NoSignupAccountAdapter"
ACCOUNT_FORMS = {"login": "unions.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Thi Đua] "
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Reviewers, clerks and staff must use an authenticator app (unions/accounts.py).
REQUIRE_MFA = env_bool("REQUIRE_MFA", not DEBUG)
# A session ends after this many minutes without a request (config.middleware keeps it alive).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 60) * 60
MFA_TOTP_ISSUER = "Thi Đua"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# --- Email ----------------------------------------------------------------------------------
globals().update(email_settings(env_str("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Thi Đua <noreply@thidua.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail the server refuses is tried again after EMAIL_RETRY_BACKOFF seconds, doubling each time
# (at most 30 min apart), EMAIL_MAX_RETRIES times; then it is listed as a failed email in the
# activity history (unions.background.MailTask).
EMAIL_RETRY_BACKOFF = env_int("EMAIL_RETRY_BACKOFF", 30)
EMAIL_MAX_RETRIES = env_int("EMAIL_MAX_RETRIES", 6)

# --- Language, time -------------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# locale/: the project's catalogue. locale/third_party/: Vietnamese for the pages of libraries
# that ship none (django-allauth has no Vietnamese catalogue).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale" / "third_party"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "staticfiles")))
# Uploaded evidence and rendered certificates are private: they live outside any served path
# and are streamed by views that check who may see them. There is deliberately no MEDIA_URL.
PRIVATE_STORAGE_ROOT = Path(env_str("PRIVATE_STORAGE_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT, "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
# Believe the X-Forwarded-Proto header (request.is_secure(), absolute URLs, CSRF origins) only
# when told to: set it behind a TLS proxy that overwrites the header and is the only way in.
# Anywhere else a client could send "X-Forwarded-Proto: https" over plain HTTP.
TRUST_X_FORWARDED_PROTO = env_bool("TRUST_X_FORWARDED_PROTO", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if TRUST_X_FORWARDED_PROTO else None
# HTTPS only, and browsers told to remember it (HSTS), unless DEBUG. Behind a proxy that
# redirects and sends HSTS itself, both may be turned off; behind any TLS proxy, Django needs
# TRUST_X_FORWARDED_PROTO to see which requests came over HTTPS (else the redirect loops).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: everything from this site, nothing inline (templates keep their
# scripts in static/js and their styles in static/css). Certificate previews are PDFs shown in
# an iframe from a blob: address; QR codes and images of the admin are data: URIs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
}

# --- Demo data ------------------------------------------------------------------------------
# seed_demo calls each of these in order; each app adds its own part of the demo without the
# lower apps importing the higher ones.
DEMO_SEEDERS = [
    "unions.demo.seed",
    "movements.demo.seed",
    # The phase 2019–2024 of "Tham mưu giỏi, phục vụ tốt", told before the current round.
    "commendations.demo_phase.seed",
    "awards.demo.seed",
    "commendations.demo.seed",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Tasks run in-process (no REDIS_URL) would log a line per task into the server's output.
    "loggers": {} if REDIS_URL else {"celery.app.trace": {"level": "WARNING"}},
}
