"""Onestop settings.

One module, read from the environment. The defaults are the embedded mode (SQLite, a
filesystem Celery broker under var/, no server needed); production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, DEBUG=false and ALLOWED_HOSTS.
"""

import ipaddress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import csp.constants as csp
import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("ONESTOP_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY or SECRET_KEY.startswith("change-me"):  # the old docker-compose fallback
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Onestop needs a long random secret: "
            "SECRET_KEY=\"$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')\" "
            "(or DEBUG=true for the embedded mode on your own machine)."
        )
    SECRET_KEY = "onestop-insecure-embedded-key-for-debug-only"
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
    "axes",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "django_htmx",
    "csp",
    "onestop",  # the ground: its one table (onestop/once.py)
    # The case core, then its features, then the web and the demo on top (README: layers).
    "cases",
    "payments",
    "notifications",
    "documents",
    "reports",
    "nationalid",
    "dvcqg",
    "feedback",
    "desk",
    "portal",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads a form's body: refuses one too long by its header.
    "onestop.bodies.BodyLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a locked-out login into a 429 (see AXES_* below).
    "axes.middleware.AxesMiddleware",
]

# django-axes watches every `authenticate()` (admin, the staff login page, the API token).
AUTHENTICATION_BACKENDS = [
    "onestop.auth.LoginLimitBackend",
    "cases.user_context.CachedModelBackend",
]

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The site's frame (base.html), which every app's pages extend.
        "DIRS": [BASE_DIR / "onestop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "desk.nav.nav_links",
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
    # Django's PostgreSQL backend, a small insert written as VALUES (onestop/postgresql).
    DATABASES["default"]["ENGINE"] = "onestop.postgresql"
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    # No health check: it costs a `SELECT 1` round trip on every request. A connection
    # the server closed fails its first query and Django drops it at the end of that
    # request (errors_occurred), so the next request reconnects.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
    # Parameters bound by the server, and a statement run PREPARE_THRESHOLD times on a
    # connection prepared there: the hot paths' queries are planned once, not on every
    # request (a third of a lookup query's cost). Behind PgBouncer in transaction mode,
    # which cannot keep prepared statements, set PREPARE_THRESHOLD= (empty) to turn it off.
    if prepare_threshold := env.str("PREPARE_THRESHOLD", default="5"):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=int(prepare_threshold)
        )
    # Nor can a cursor outlive its transaction there: DISABLE_SERVER_SIDE_CURSORS=true makes
    # QuerySet.iterator() read through a client-side cursor.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )

# Reports and drill-downs read from a PostgreSQL replica when one is given; writes never go
# there (reports.routers). Give the replica the same credentials as the primary.
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    DATABASES["replica"]["ENGINE"] = "onestop.postgresql"
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
    # Behind PgBouncer too: the reports' exports read it with QuerySet.iterator().
    DATABASES["replica"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["reports.routers.PrimaryReplicaRouter"]

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
# The second: Vietnamese for the DRF messages its own catalog leaves in English.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "onestop" / "drf_locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "onestop" / "static"]  # the site's frame: styles, scripts
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
    CACHES = {"default": {"BACKEND": "onestop.cache.RedisCache", "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = REDIS_URL
    # A broker that is down must not hold a request: one quick try, then the outbox row
    # waits for the beat sweep.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 0.5, "max_retries": 0}
    CELERY_TASK_PUBLISH_RETRY = False
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
# Celery's fixup would close the database connection around every task (a new session per
# callback applied); onestop/celery.py keeps it for CONN_MAX_AGE instead, as for requests.
CELERY_DB_REUSE_MAX = 1_000_000_000
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Report work (rebuilding case facts) has its own queue and worker, so it never delays the
# notifications of the counter: `celery -A onestop worker -Q reports`.
CELERY_TASK_ROUTES = {"reports.tasks.*": {"queue": "reports"}}
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
    # Feedback: alert the answers due soon or overdue.
    "feedback-scan": {"task": "feedback.tasks.feedback_scan", "schedule": 60.0},
    # The national portal: send what no task picked up and the retries whose time came; ask
    # the portal about the cases that need it (nightly); last month's ratings until sent.
    "dvcqg-dispatch": {"task": "dvcqg.tasks.dispatch_messages", "schedule": 60.0},
    "dvcqg-reconcile": {
        "task": "dvcqg.tasks.reconcile_cases",
        "schedule": crontab(hour=2, minute=30),
    },
    "dvcqg-ratings": {"task": "dvcqg.tasks.send_ratings", "schedule": crontab(hour=3, minute=0)},
    # Reports: the roll-up's appended rows folded; every case's fact row, moved on step by
    # step, against its whole history (and the roll-up against the facts).
    "compact-fact-rollup": {"task": "reports.tasks.compact_rollup", "schedule": 60.0},
    "verify-case-facts": {
        "task": "reports.tasks.verify_case_facts",
        "schedule": crontab(hour=1, minute=30),
    },
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="notifications.backends.ConsoleEmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="onestop@localhost")

# Notifications. SMS: the log by default; notifications.backends.HttpSmsGateway posts to
# SMS_GATEWAY_URL. Messages are written in NOTIFICATION_LANGUAGE (vi or en).
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
# Messaging channels (notifications.channels): which class serves each; SMS is SMS_BACKEND
# (notifications.backends.* as before, or notifications.channels.sms.ViettelSms / VnptSms).
MESSAGING_CHANNELS = {
    "email": env.str("EMAIL_CHANNEL", default="notifications.channels.email.EmailChannel"),
    "zalo": env.str("ZALO_CHANNEL", default="notifications.channels.zalo.ZnsChannel"),
}
# Messages handed to providers at once by one dispatcher (threads waiting on the network).
MESSAGING_CONCURRENCY = env.int("MESSAGING_CONCURRENCY", default=32)
# Daily quota per channel (0: none); past it, messages wait for the next day, in order.
MESSAGING_DAILY_QUOTA = {
    "zalo": env.int("ZALO_DAILY_QUOTA", default=0),
    "sms": env.int("SMS_DAILY_QUOTA", default=0),
    "email": env.int("EMAIL_DAILY_QUOTA", default=0),
}
# Night (hours, Vietnam time): only transactional messages go on these channels then.
MESSAGING_NIGHT = tuple(int(h) for h in env.list("MESSAGING_NIGHT", default=["22", "6"]))
MESSAGING_NIGHT_CHANNELS = env.list("MESSAGING_NIGHT_CHANNELS", default=["zalo", "sms"])
# A send with no answer from a provider without idempotency keys: wait this long for its
# delivery report, then park it for an administrator (never sent again on its own).
MESSAGING_UNKNOWN_WAIT_SECONDS = env.int("MESSAGING_UNKNOWN_WAIT_SECONDS", default=900)
# The provider simulators (Zalo, Viettel, VNPT) inside the sending process ("simulator:"
# addresses, notifications.simulators), and the providers pointed at them: the embedded
# mode's default.
MESSAGING_SIMULATORS = env.bool("MESSAGING_SIMULATORS", default=DEBUG)
_SIMULATORS = "simulator:"
SMS_BACKEND = env.str(
    "SMS_BACKEND",
    default="notifications.channels.sms.ViettelSms"
    if MESSAGING_SIMULATORS
    else "notifications.backends.ConsoleSmsBackend",
)
ZALO_APP_ID = env.str("ZALO_APP_ID", default="simulator" if MESSAGING_SIMULATORS else "")
ZALO_SECRET_KEY = env.str("ZALO_SECRET_KEY", default="simulator-secret")
# Only to start with: the renewed refresh tokens are kept in the database (ZaloToken).
ZALO_REFRESH_TOKEN = env.str(
    "ZALO_REFRESH_TOKEN", default="simulator" if MESSAGING_SIMULATORS else ""
)
ZALO_API_URL = env.str(
    "ZALO_API_URL",
    default=_SIMULATORS + "zalo/" if MESSAGING_SIMULATORS else "https://business.openapi.zalo.me/",
)
ZALO_OAUTH_URL = env.str(
    "ZALO_OAUTH_URL",
    default=_SIMULATORS + "zalo/oauth/"
    if MESSAGING_SIMULATORS
    else "https://oauth.zaloapp.com/v4/oa/access_token",
)
ZALO_TIMEOUT = env.float("ZALO_TIMEOUT", default=10.0)
ZALO_TOKEN_MARGIN_SECONDS = env.int("ZALO_TOKEN_MARGIN_SECONDS", default=600)
# The OA's secret key, which signs the delivery callbacks (X-ZEvent-Signature).
# The simulator's is published here: only a default with DEBUG; without one, no webhook.
ZALO_WEBHOOK_SECRET = env.str("ZALO_WEBHOOK_SECRET", default="simulator-oa-secret" if DEBUG else "")
# SMS brand name: plain letters on routes without diacritics; cut past this length.
SMS_WITHOUT_DIACRITICS = env.bool("SMS_WITHOUT_DIACRITICS", default=True)
SMS_MAX_LENGTH = env.int("SMS_MAX_LENGTH", default=459)  # three concatenated parts
SMS_TIMEOUT = env.float("SMS_TIMEOUT", default=10.0)
VIETTEL_SMS_URL = env.str("VIETTEL_SMS_URL", default=_SIMULATORS + "viettel/")
VIETTEL_SMS_USER = env.str("VIETTEL_SMS_USER", default="simulator")
VIETTEL_SMS_PASSWORD = env.str("VIETTEL_SMS_PASSWORD", default="simulator")
VIETTEL_SMS_CPCODE = env.str("VIETTEL_SMS_CPCODE", default="ONESTOP")
VIETTEL_SMS_BRANDNAME = env.str("VIETTEL_SMS_BRANDNAME", default="MOTCUA")
VNPT_SMS_URL = env.str("VNPT_SMS_URL", default=_SIMULATORS + "vnpt/")
VNPT_SMS_USER = env.str("VNPT_SMS_USER", default="simulator")
VNPT_SMS_PASSWORD = env.str("VNPT_SMS_PASSWORD", default="simulator")
VNPT_SMS_LABELID = env.str("VNPT_SMS_LABELID", default="MOTCUA")
VNPT_SMS_CONTRACTID = env.str("VNPT_SMS_CONTRACTID", default="")
VNPT_SMS_AGENTID = env.str("VNPT_SMS_AGENTID", default="")
# The bounce webhook's shared secret (header X-Onestop-Token); empty: the webhook is off.
BOUNCE_WEBHOOK_TOKEN = env.str("BOUNCE_WEBHOOK_TOKEN", default="")

# /health/ answers 503 past these ages.
HEALTH_MAX_OUTBOX_AGE_SECONDS = env.int("HEALTH_MAX_OUTBOX_AGE_SECONDS", default=600)
HEALTH_MAX_SCAN_AGE_SECONDS = env.int("HEALTH_MAX_SCAN_AGE_SECONDS", default=300)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: an anonymous API call is told 401 with `WWW-Authenticate: Token`.
        "cases.user_context.CachedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's three, with JSON nested past a few dozen levels refused (onestop/safejson.py).
    "DEFAULT_PARSER_CLASSES": [
        "onestop.safejson.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "cases.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["cases.api.filters.FilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "cases.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Onestop API",
    "DESCRIPTION": "Case tracking for one-stop public-service centres (bộ phận một cửa).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ from our own static files: no CDN (a blank page offline, code we did not pin).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "cases.api.schema.text_query_parameters_have_no_nul",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.models.case.Status",
        "CaseChannelEnum": "cases.models.case.Channel",
        "ReturnChannelEnum": "cases.models.case.ReturnChannel",
        "KindEnum": "cases.models.catalogue.FeeItem.Kind",
        "FeedbackKindEnum": "feedback.models.Kind",
    },
}

# Who the client is: how many reverse proxies of ours stand in front of the app, each adding
# one X-Forwarded-For entry. 0: the socket address is the client (see onestop/clients.py).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# Per-client limits (onestop/ratelimit.py), "N/second|minute|hour|day".
PUBLIC_LOOKUP_RATE = env.str("PUBLIC_LOOKUP_RATE", default="600/hour")
TOKEN_RATE = env.str("TOKEN_RATE", default="30/minute")
ONLINE_FILING_RATE = env.str("ONLINE_FILING_RATE", default="20/hour")
# Signature checks on the public verify page and API (by link or upload), per client.
PUBLIC_VERIFY_RATE = env.str("PUBLIC_VERIFY_RATE", default="120/hour")
# Public lookup by case code + PIN: at most this many failed lookups per client per hour, and
# LOOKUP_CASE_MAX_FAILURES per LOOKUP_CASE_LOCK_MINUTES by one client on one case. Only the
# client that failed is held back; the right PIN from anyone else always works.
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
# The development passphrase is published here: only a default with DEBUG (onestop/checks.py).
SIGNING_PKCS12_PASSPHRASE = env.str(
    "SIGNING_PKCS12_PASSPHRASE", default="onestop-dev" if DEBUG else ""
)
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
# The simulator's secret is published here: only a default with DEBUG; without a secret no
# callback verifies (onestop/checks.py refuses the published one with DEBUG off).
PAYGOV_SECRET = env.str("PAYGOV_SECRET", default="onestop-paygov-simulator-secret" if DEBUG else "")
PAYGOV_VERSION = env.str("PAYGOV_VERSION", default="1.0.0")
PAYGOV_TIMEOUT = env.float("PAYGOV_TIMEOUT", default=10.0)
# The simulator marks fees paid without money: on only where DEBUG is (embedded mode, demo).
PAYGOV_SIMULATOR = env.bool("PAYGOV_SIMULATOR", default=DEBUG)
# A drain applies callbacks this many to a transaction: more are cheaper a callback, but
# hold their cases' and the reports' stamp rows locked longer.
PAYMENT_CALLBACK_BATCH = env.int("PAYMENT_CALLBACK_BATCH", default=50)
# The callback (IPN) inbox: a PayGov callback is a few hundred bytes; a larger body is refused
# (413) unread. Per client: at most PAYGOV_CALLBACK_RATE callbacks, and at most
# PAYGOV_CALLBACK_MAX_REJECTED_PER_HOUR that fail the checksum (past it nothing unsigned is
# kept). PAYGOV_CALLBACK_ALLOWED_IPS (addresses or networks, comma-separated): only the
# gateway's may call back (403 for others); empty: anyone, as the checksum decides.
PAYGOV_CALLBACK_MAX_BYTES = env.int("PAYGOV_CALLBACK_MAX_BYTES", default=4096)
PAYGOV_CALLBACK_RATE = env.str("PAYGOV_CALLBACK_RATE", default="600/minute")
PAYGOV_CALLBACK_MAX_REJECTED_PER_HOUR = env.int("PAYGOV_CALLBACK_MAX_REJECTED_PER_HOUR", default=30)
PAYGOV_CALLBACK_ALLOWED_IPS = [  # a wrong entry stops the start, not a callback
    str(ipaddress.ip_network(network, strict=False))
    for network in env.list("PAYGOV_CALLBACK_ALLOWED_IPS", default=[])
]
# Callbacks not applied after this long are applied by the sweep; requests pending longer
# than PAYMENT_QUERY_AFTER are asked about (QUERY), and expire after PAYMENT_EXPIRE_AFTER.
PAYMENT_SWEEP_AFTER = timedelta(seconds=env.int("PAYMENT_SWEEP_AFTER_SECONDS", default=30))
PAYMENT_QUERY_AFTER = timedelta(minutes=env.int("PAYMENT_QUERY_AFTER_MINUTES", default=15))
PAYMENT_EXPIRE_AFTER = timedelta(hours=env.int("PAYMENT_EXPIRE_AFTER_HOURS", default=24))

# Sign-in with the national electronic identity (VNeID, through the National Public Service
# Portal's single sign-on; OpenID Connect). NATIONAL_ID_ISSUER: the provider, whose discovery
# document is read (e.g. https://xacthuc.dichvucong.gov.vn; test: testxacthuc...). A provider
# without one: its endpoints below instead. Neither, with NATIONAL_ID_SIMULATOR on (default:
# DEBUG): the built-in simulator at /idp-sim/ of this site.
NATIONAL_ID_ISSUER = env.str("NATIONAL_ID_ISSUER", default="")
NATIONAL_ID_AUTHORIZE_URL = env.str("NATIONAL_ID_AUTHORIZE_URL", default="")
NATIONAL_ID_TOKEN_URL = env.str("NATIONAL_ID_TOKEN_URL", default="")
NATIONAL_ID_USERINFO_URL = env.str("NATIONAL_ID_USERINFO_URL", default="")
NATIONAL_ID_JWKS_URL = env.str("NATIONAL_ID_JWKS_URL", default="")
NATIONAL_ID_END_SESSION_URL = env.str("NATIONAL_ID_END_SESSION_URL", default="")
NATIONAL_ID_CLIENT_ID = env.str("NATIONAL_ID_CLIENT_ID", default="onestop")
NATIONAL_ID_CLIENT_SECRET = env.str(
    "NATIONAL_ID_CLIENT_SECRET", default="onestop-national-id-simulator-secret"
)
# How we authenticate at the token endpoint: client_secret_post (the portal's, as OpenCPS
# calls it) or client_secret_basic.
NATIONAL_ID_TOKEN_AUTH_METHOD = env.str(
    "NATIONAL_ID_TOKEN_AUTH_METHOD", default="client_secret_post"
)
NATIONAL_ID_SCOPES = env.str("NATIONAL_ID_SCOPES", default="openid")
# The level of assurance asked of the provider (acr_values), and the least one (loAs) at which
# a signed-in person's ID number counts as proven: then their account sees every case filed
# under it, and files online the procedures that require a verified identity.
NATIONAL_ID_ACR_VALUES = env.str("NATIONAL_ID_ACR_VALUES", default="LoA2")
NATIONAL_ID_REQUIRED_LOA = env.str("NATIONAL_ID_REQUIRED_LOA", default="LoA2")
NATIONAL_ID_TIMEOUT = env.float("NATIONAL_ID_TIMEOUT", default=5.0)
# The simulator signs in anyone as a demo person: on only where DEBUG is, unless told.
NATIONAL_ID_SIMULATOR = env.bool("NATIONAL_ID_SIMULATOR", default=DEBUG)
NATIONAL_ID_SIMULATOR_DIR = Path(
    env.str("NATIONAL_ID_SIMULATOR_DIR", default=str(VAR_DIR / "idp-sim"))
)
# The national public service portal (DVCQG): every case and step is synchronised (dvcqg/).
# DVCQG_URL empty: the built-in simulator answers in-process (embedded mode, tests). In
# production: the integration endpoint and the auth endpoint (behind LGSP/NGSP, with the
# routing header DVCQG_DSTCODE), our account, and the province's agency code (madonvi).
DVCQG_URL = env.str("DVCQG_URL", default="")
DVCQG_AUTH_URL = env.str("DVCQG_AUTH_URL", default="")
DVCQG_USERNAME = env.str("DVCQG_USERNAME", default="onestop")
DVCQG_PASSWORD = env.str("DVCQG_PASSWORD", default="onestop-dvcqg-simulator")
DVCQG_AGENCY_CODE = env.str("DVCQG_AGENCY_CODE", default="000.00.00.H38")
DVCQG_DSTCODE = env.str("DVCQG_DSTCODE", default="")
DVCQG_TIMEOUT = env.float("DVCQG_TIMEOUT", default=6.0)  # seconds for an answer (OpenCPS: 6)
DVCQG_SESSION_SECONDS = env.int("DVCQG_SESSION_SECONDS", default=1200)  # reuse a session
# Reply codes meaning "session expired" and "try again later" (not published; confirm).
DVCQG_AUTH_ERROR_CODES = env.list("DVCQG_AUTH_ERROR_CODES", default=["-1"])
DVCQG_RETRY_CODES = env.list("DVCQG_RETRY_CODES", default=["-9"])
# Cases sent at once by one dispatcher (threads); a case's messages always go one by one.
DVCQG_CONCURRENCY = env.int("DVCQG_CONCURRENCY", default=16)
DVCQG_LEASE_SECONDS = env.int("DVCQG_LEASE_SECONDS", default=120)
DVCQG_RETRY_BASE_SECONDS = env.int("DVCQG_RETRY_BASE_SECONDS", default=30)
DVCQG_RETRY_MAX_SECONDS = env.int("DVCQG_RETRY_MAX_SECONDS", default=1800)
# /health/ answers 503 when a message has waited longer than this to be delivered.
DVCQG_HEALTH_MAX_AGE_SECONDS = env.int("DVCQG_HEALTH_MAX_AGE_SECONDS", default=900)
# Reconciliation: at most this many cases a night, plus a random sample of this many.
DVCQG_RECONCILE_MAX = env.int("DVCQG_RECONCILE_MAX", default=2000)
DVCQG_RECONCILE_SAMPLE = env.int("DVCQG_RECONCILE_SAMPLE", default=100)
# Serve the simulator over HTTP at /dvcqg/simulator/ (so DVCQG_URL may point at it).
DVCQG_SIMULATOR = env.bool("DVCQG_SIMULATOR", default=DEBUG)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No PIN in any line (onestop/logs.py): request logs carry query strings.
    "filters": {"scrub_pins": {"()": "onestop.logs.ScrubPins"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["scrub_pins"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own console handler (DEBUG only) would print each line a second time.
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        # fontTools tells each step of subsetting the signature stamp's font at INFO.
        "fontTools": {"level": "ERROR"},
    },
}

# Failed logins (django-axes, counted in the database so they survive a Redis outage; see
# onestop/auth.py): LOGIN_CLIENT_MAX_FAILURES failures from one client, or AXES_FAILURE_LIMIT
# from one client on one username, refuse that client (429) until AXES_COOLOFF_MINUTES after
# its last failure. A username attacked from many clients slows down those clients (growing
# waits, at most LOGIN_SLOWDOWN_MAX_SECONDS), never one that did not fail on it.
# `manage.py axes_reset_username NAME` forgets a username's failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=10)
LOGIN_CLIENT_MAX_FAILURES = env.int("LOGIN_CLIENT_MAX_FAILURES", default=30)
LOGIN_SLOWDOWN_MAX_SECONDS = env.int("LOGIN_SLOWDOWN_MAX_SECONDS", default=300)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15) / 60  # hours
AXES_HANDLER = "onestop.auth.LoginLimitHandler"
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["ip_address", "username"]]
# A refused attempt is not a failure: a lock must not be renewed by whoever keeps knocking.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "onestop.clients.client_ip"
AXES_USERNAME_CALLABLE = "onestop.auth.login_username"
AXES_LOCKOUT_CALLABLE = "cases.api.errors.login_locked_out"
# Failures age out after the cool-off. A success does not wipe them: it would let anyone
# holding one account reset their client's count between guesses at another.
AXES_RESET_ON_SUCCESS = False
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Uploads: a scan is at most DOCUMENT_MAX_MB; larger bodies are refused before they are read.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # non-file fields: Django's 2.5 MB default
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files stream to a temporary file

# HTTPS, for production behind a TLS-terminating proxy (see the README).
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# e.g. "HTTP_X_FORWARDED_PROTO,https": only when the proxy always sets that header itself.
SECURE_PROXY_SSL_HEADER = (
    tuple(env.list("SECURE_PROXY_SSL_HEADER")) if env.str("SECURE_PROXY_SSL_HEADER", "") else None
)


# Content-Security-Policy (django-csp): scripts and styles only from our own files; no
# inline script or handler anywhere (behaviour lives in static files, onestop/site.js). An
# inline <style> that a library writes (the dashboard's SVG charts) carries the request's
# nonce. Forms may post to the payment platform and the national identity (their pages
# redirect there); a page may frame only our own documents (a scan shown inline).
def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


_FORM_TARGETS = sorted(
    {
        _origin(url)
        for url in (
            PAYGOV_URL,
            NATIONAL_ID_ISSUER,
            NATIONAL_ID_AUTHORIZE_URL,
            NATIONAL_ID_END_SESSION_URL,
        )
    }
    - {""}
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.NONCE],  # a fresh nonce per response, when a page uses it
        "img-src": [csp.SELF, "data:"],  # QR codes are drawn as data: URIs
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "frame-src": [csp.SELF],
        "frame-ancestors": [csp.SELF],
        "base-uri": [csp.NONE],
        "form-action": [csp.SELF, *_FORM_TARGETS],
    },
}
