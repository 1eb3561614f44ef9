"""Onestop settings.

One module, read from the environment. The defaults are the embedded mode (SQLite, a
filesystem Celery broker under var/, no server needed); production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, DEBUG=false and ALLOWED_HOSTS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ONESTOP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="onestop-insecure-embedded-key-change-me")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "django_htmx",
    "cases",
    "payments",
    "notifications",
    "documents",
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
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

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
                "cases.web.nav.nav_links",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'onestop.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode shares one file between the web server and the Celery worker:
    # WAL lets readers proceed during a write, IMMEDIATE avoids lock-upgrade deadlocks.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "cases.User"

# Staff and citizens log in on our own page; `desk` sends each to their role's desk.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STORAGES = {
    # S3-compatible object storage: pip install 'django-storages[s3]', then
    # STORAGE_BACKEND=storages.backends.s3.S3Storage and S3_BUCKET (+ S3_ENDPOINT_URL);
    # boto3 reads AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment.
    "default": {
        "BACKEND": env.str("STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
if env.str("S3_BUCKET", default=""):
    STORAGES["default"]["OPTIONS"] = {
        "bucket_name": env.str("S3_BUCKET"),
        "endpoint_url": env.str("S3_ENDPOINT_URL", default=None),
        "default_acl": "private",
        "querystring_auth": True,
    }
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))

REDIS_URL = env.str("REDIS_URL", default="")

if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    CELERY_BROKER_URL = REDIS_URL
    # Publishing after commit must not hold a request for seconds while Redis is down
    # (kombu's default: retry for broker_connection_timeout); the sweeps catch up.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_max": 0.2}
else:
    # Shared by the web process and the worker, so not locmem.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "broker"),
        "data_folder_out": str(VAR_DIR / "broker"),
        "processed_folder": str(VAR_DIR / "broker-processed"),
        "control_folder": str(VAR_DIR / "broker-control"),
        "polling_interval": 0.2,  # seconds; the default 1 s makes each notification wait
        "store_processed": False,
    }
    # The embedded mode keeps its database, cache and queues in var/: make sure it is there
    # for every process (server, worker, a management command run on its own).
    for folder in ("broker", "broker-processed", "broker-control", "cache"):
        (VAR_DIR / folder).mkdir(parents=True, exist_ok=True)

CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BEAT_SCHEDULE = {
    # The deadline watcher: alerts the cases whose next threshold has come.
    "sla-scan": {"task": "notifications.tasks.sla_scan", "schedule": 60.0},
    # Recovery sweep: sends what the on-commit enqueue missed (broker down, crash) and retries.
    "dispatch-outbox": {"task": "notifications.tasks.dispatch_outbox", "schedule": 60.0},
    # Payments: apply callbacks no task picked up; ask the gateway about stale requests.
    "apply-pending-callbacks": {
        "task": "payments.tasks.apply_pending_callbacks",
        "schedule": 30.0,
    },
    "reconcile-pending-payments": {
        "task": "payments.tasks.reconcile_pending_payments",
        "schedule": 300.0,
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="onestop@localhost")

# Notifications. SMS: the log by default; notifications.backends.HttpSmsGateway posts to
# SMS_GATEWAY_URL. Messages are written in NOTIFICATION_LANGUAGE (vi or en).
SMS_BACKEND = env.str("SMS_BACKEND", default="notifications.backends.ConsoleSmsBackend")
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
NOTIFICATION_LANGUAGE = env.str("NOTIFICATION_LANGUAGE", default=LANGUAGE_CODE)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000/")
# The outbox: a lease longer than any send; retries after 1, 2, 4... minutes (at most an
# hour); parked after OUTBOX_MAX_ATTEMPTS failures.
OUTBOX_LEASE_SECONDS = env.int("OUTBOX_LEASE_SECONDS", default=120)
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_SECONDS = env.int("OUTBOX_RETRY_MAX_SECONDS", default=3600)
OUTBOX_MAX_ATTEMPTS = env.int("OUTBOX_MAX_ATTEMPTS", default=8)
# /health/ answers 503 past these ages.
HEALTH_MAX_OUTBOX_AGE_SECONDS = env.int("HEALTH_MAX_OUTBOX_AGE_SECONDS", default=600)
HEALTH_MAX_SCAN_AGE_SECONDS = env.int("HEALTH_MAX_SCAN_AGE_SECONDS", default=300)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "public_lookup": env.str("PUBLIC_LOOKUP_RATE", default="600/hour"),
        "token": "30/minute",
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Onestop API",
    "DESCRIPTION": "Case tracking for one-stop public-service centres (bộ phận một cửa).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.case.Status",
        "CaseChannelEnum": "cases.models.case.Channel",
        "ReturnChannelEnum": "cases.models.case.ReturnChannel",
    },
}

# Public lookup by case code + PIN: at most this many failed lookups per client per hour,
# and a case locks its lookup for LOOKUP_CASE_LOCK_MINUTES after LOOKUP_CASE_MAX_FAILURES.
LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR = env.int("LOOKUP_CLIENT_MAX_FAILURES_PER_HOUR", default=100)
LOOKUP_CASE_MAX_FAILURES = env.int("LOOKUP_CASE_MAX_FAILURES", default=5)
LOOKUP_CASE_LOCK_MINUTES = env.int("LOOKUP_CASE_LOCK_MINUTES", default=15)
PIN_HASH_KEY = env.str("PIN_HASH_KEY", default=SECRET_KEY)

# Absolute links printed on paper and in QR codes (receipt lookup, result verification).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://127.0.0.1:8000")

# PDFs: fonts with Vietnamese glyphs (DejaVu Serif), result uploads' size limit.
DOCUMENTS_FONT_DIRS = env.list(
    "ONESTOP_FONT_DIR",
    default=[
        "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu: fonts-dejavu-core, -extra
        "/usr/share/fonts/dejavu",
        "/usr/local/share/fonts",
    ],
)
RESULT_MAX_BYTES = env.int("RESULT_MAX_BYTES", default=20 * 1024 * 1024)

# Signing results (PAdES). The default backend reads one PKCS#12 file per agency, named
# {agency code}.p12; `manage.py make_dev_pki` (run by `serve` in DEBUG) creates a dev PKI.
# documents.signing.Pkcs11Backend signs on a token: SIGNING_PKCS11_MODULE/_TOKEN/_PIN;
# documents.signing.CscBackend with a remote signing service: SIGNING_CSC_URL/_TOKEN/_PIN.
SIGNING_PKI_DIR = Path(env.str("SIGNING_PKI_DIR", default=str(VAR_DIR / "pki")))
SIGNING_KEY_BACKEND = env.str("SIGNING_KEY_BACKEND", default="documents.signing.Pkcs12Backend")
SIGNING_PKCS12_DIR = env.str("SIGNING_PKCS12_DIR", default=str(SIGNING_PKI_DIR / "agencies"))
SIGNING_PKCS12_PASSPHRASE = env.str("SIGNING_PKCS12_PASSPHRASE", default="onestop-dev")
SIGNING_PKCS11_MODULE = env.str("SIGNING_PKCS11_MODULE", default="")
SIGNING_PKCS11_TOKEN = env.str("SIGNING_PKCS11_TOKEN", default="")
SIGNING_PKCS11_PIN = env.str("SIGNING_PKCS11_PIN", default="")
SIGNING_CSC_URL = env.str("SIGNING_CSC_URL", default="")
SIGNING_CSC_TOKEN = env.str("SIGNING_CSC_TOKEN", default="")
SIGNING_CSC_PIN = env.str("SIGNING_CSC_PIN", default="")
# What verification trusts: root certificates (PEM or DER files) and CRLs.
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[str(SIGNING_PKI_DIR / "root.pem")])
SIGNING_CRLS = env.list("SIGNING_CRLS", default=[str(SIGNING_PKI_DIR / "issuing.crl")])
# The national payment platform (PayGov). PAYGOV_URL empty: the built-in simulator answers
# (embedded mode, tests); production sets the URL, the partner code and the shared secret.
PAYGOV_URL = env.str("PAYGOV_URL", default="")
PAYGOV_PARTNER_CODE = env.str("PAYGOV_PARTNER_CODE", default="ONESTOP")
PAYGOV_SECRET = env.str("PAYGOV_SECRET", default="onestop-paygov-simulator-secret")
PAYGOV_VERSION = env.str("PAYGOV_VERSION", default="1.0.0")
PAYGOV_TIMEOUT = env.float("PAYGOV_TIMEOUT", default=10.0)
# The simulator marks fees paid without money: on only where DEBUG is (embedded mode, demo).
PAYGOV_SIMULATOR = env.bool("PAYGOV_SIMULATOR", default=DEBUG)
# Callbacks not applied after this long are applied by the sweep; requests pending longer
# than PAYMENT_QUERY_AFTER are asked about (QUERY), and expire after PAYMENT_EXPIRE_AFTER.
PAYMENT_SWEEP_AFTER = timedelta(seconds=env.int("PAYMENT_SWEEP_AFTER_SECONDS", default=30))
PAYMENT_QUERY_AFTER = timedelta(minutes=env.int("PAYMENT_QUERY_AFTER_MINUTES", default=15))
PAYMENT_EXPIRE_AFTER = timedelta(hours=env.int("PAYMENT_EXPIRE_AFTER_HOURS", default=24))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
