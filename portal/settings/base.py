"""
Settings shared by every environment.

Everything that differs between deployments is read from the environment
(see `.env.example`); `dev.py`, `test.py` and `production.py` only override.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# GENERAL
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/ref/settings/#debug
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# Billing days, event windows and quiet hours are in the utility's time zone;
# every stored datetime is aware and in UTC.
TIME_ZONE = env("UTILITY_TIME_ZONE", default="America/Chicago")
USE_TZ = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True

# THE UTILITY
# ------------------------------------------------------------------------------
# One deployment serves one utility. Staff can override these in the admin
# (portal.UtilityProfile); the environment provides the defaults.
UTILITY = {
    "NAME": env("UTILITY_NAME", default="Prairie Valley Energy"),
    "SHORT_NAME": env("UTILITY_SHORT_NAME", default="PVE"),
    "SUPPORT_PHONE": env("UTILITY_SUPPORT_PHONE", default="+1 800 555 0134"),
    "SUPPORT_EMAIL": env("UTILITY_SUPPORT_EMAIL", default="help@prairievalley.example"),
    "WEBSITE": env("UTILITY_WEBSITE", default="https://prairievalley.example"),
    "POSTAL_ADDRESS": env(
        "UTILITY_POSTAL_ADDRESS", default="100 Main Street, Springfield, IL 62701"
    ),
    "LOGO": env("UTILITY_LOGO", default="img/logo.svg"),
    "PRIMARY_COLOR": env("UTILITY_PRIMARY_COLOR", default="#0b5d3b"),
}

# DATABASES
# ------------------------------------------------------------------------------
# Embedded default: SQLite. Production and CI: PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Reconnecting per request costs ~5x on a one-query page
    # (docs: platform-limits.md); the pool keeps connections open.
    DATABASES["default"].setdefault("OPTIONS", {})
    if env.bool("DATABASE_POOL", default=True):
        DATABASES["default"]["OPTIONS"]["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=1),
            "max_size": env.int("DATABASE_POOL_MAX", default=8),
            "timeout": 10,
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    # A test database per checkout, so parallel runs do not collide.
    if env("DATABASE_TEST_NAME", default=""):
        DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME")}
else:
    (BASE_DIR / "var").mkdir(exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL + a busy timeout let the dev server and inline tasks share the file.
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# APPS
# ------------------------------------------------------------------------------
DJANGO_APPS = [
    "portal.admin_site.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "phonenumber_field",
]
LOCAL_APPS = [
    "portal",
    "users",
    "billing",
    "notifications",
    "insights",
    "segments",
    "catalog",
    "enrollment",
    "promotions",
    "rebates",
    "content",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

# AUTHENTICATION
# ------------------------------------------------------------------------------
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
# Passwordless sign-in by a code sent by e-mail (issue 4).
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
# Password reset by a code as well, so no reset link sits in a mailbox.
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{UTILITY['NAME']}] "
ACCOUNT_ADAPTER = "users.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env("DJANGO_HTTP_PROTOCOL", default="http")
# Staff log in to the admin through allauth (and its rate limits and MFA).
ADMIN_FORCE_ALLAUTH = True
# Behind a load balancer: how many proxies in front of the portal append to
# X-Forwarded-For, or the header a trusted proxy puts the client's address
# in (e.g. X-Real-IP). Used for every per-address limit (portal/client_ip.py).
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = env("TRUSTED_CLIENT_IP_HEADER", default="") or None
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = UTILITY["NAME"]
USERSESSIONS_TRACK_ACTIVITY = True

# MIDDLEWARE
# ------------------------------------------------------------------------------
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "users.middleware.UserLanguageMiddleware",
    "users.middleware.StaffMFARequiredMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# CONTENT SECURITY POLICY (Django 6 built-in)
# ------------------------------------------------------------------------------
# No inline scripts or styles anywhere: charts draw from JSON via static JS.
# https://docs.djangoproject.com/en/6.1/ref/csp/
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

# TEMPLATES
# ------------------------------------------------------------------------------
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.utility",
            ],
        },
    },
]

# STATIC AND MEDIA
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# EMAIL (Django 6.1 MAILERS)
# ------------------------------------------------------------------------------
# https://docs.djangoproject.com/en/6.1/topics/email/
MAILERS = {
    "default": {
        "BACKEND": env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
    },
}
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default=f"{UTILITY['NAME']} <no-reply@prairievalley.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# CACHE
# ------------------------------------------------------------------------------
# allauth's rate limits need a shared cache: Redis in production.
if env("REDIS_CACHE_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("REDIS_CACHE_URL"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# CELERY
# ------------------------------------------------------------------------------
# Without a broker (the embedded default) tasks run inline.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic dispatchers; each picks due work from the database.
from celery.schedules import crontab  # noqa: E402

CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "portal.worker_heartbeat", "schedule": 60.0},
    # Deferred texts/calls (quiet hours), retry backoff, lost or stuck sends.
    "notifications-dispatch-due": {"task": "notifications.dispatch_due", "schedule": 30.0},
    # Neighbor comparisons are precomputed nightly, never per page view.
    "insights-neighbor-comparisons": {
        "task": "insights.neighbor_comparisons_refresh",
        "schedule": crontab(hour=3, minute=15),
    },
    # Peak events: announce, start, complete; send due message waves and results.
    "rebates-dispatch": {"task": "rebates.dispatch", "schedule": 60.0},
    # Retry settlements still waiting for interval data.
    "rebates-settle-pending": {"task": "rebates.settle_pending", "schedule": 30 * 60.0},
}
# A task whose worker died is redelivered after this many seconds (Redis).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}

# PROGRAM CATALOG AND ENROLLMENT (docs/catalog-and-enrollment.md)
# ------------------------------------------------------------------------------
# Product kind -> fulfilment handler (dotted path, loaded lazily). The Peak
# Time Rebate's handler lives in rebates: "ptr": "rebates.fulfilment.PtrFulfilment".
ENROLLMENT_FULFILMENT_HANDLERS = {
    "generic": "enrollment.fulfilment.GenericFulfilment",
    "rate_change": "enrollment.fulfilment.RateChangeFulfilment",
    "paperless_billing": "enrollment.fulfilment.InstantServiceFulfilment",
    "autopay": "enrollment.fulfilment.InstantServiceFulfilment",
}
CELERY_BEAT_SCHEDULE["segments-refresh-nightly"] = {
    "task": "segments.refresh_all",
    "schedule": 24 * 60 * 60.0,
}

# DATA FILE IMPORTS (billing; docs/data-files.md)
# ------------------------------------------------------------------------------
# A file with more than this share of rejected rows is rejected whole.
BILLING_IMPORT_MAX_REJECTED_SHARE = env.float("BILLING_IMPORT_MAX_REJECTED_SHARE", default=0.01)
# Negative usage (net metering): "never", "net_metering" (only on accounts whose
# rate is flagged net metering) or "always".
BILLING_IMPORT_NEGATIVE_USAGE = env("BILLING_IMPORT_NEGATIVE_USAGE", default="never")
# Row errors kept per import (the count of rejected rows is always exact).
BILLING_IMPORT_MAX_STORED_ERRORS = env.int("BILLING_IMPORT_MAX_STORED_ERRORS", default=100_000)
# How often a running import records its progress for the admin (PostgreSQL).
BILLING_IMPORT_PROGRESS_SECONDS = env.float("BILLING_IMPORT_PROGRESS_SECONDS", default=1.0)
# "Your bill is ready" only for new periods that ended within this many days.
BILLING_BILL_READY_MAX_AGE_DAYS = env.int("BILLING_BILL_READY_MAX_AGE_DAYS", default=45)
# The staff group e-mailed when an import is rejected or fails ("" for none).
BILLING_IMPORT_ALERT_GROUP = env("BILLING_IMPORT_ALERT_GROUP", default="Data administrator")
# PEAK TIME REBATES (rebates)
# ------------------------------------------------------------------------------
# Baseline methods by name (dotted paths to rebates.baselines.BaselineMethod).
REBATES_BASELINE_METHODS = {
    "high-x-of-y": "rebates.baselines.HIGH_X_OF_Y",
    "middle-8-of-10": "rebates.baselines.MIDDLE_8_OF_10",
    "average-adjusted": "rebates.baselines.AVERAGE_ADJUSTED",
}
# The one function that hands planned messages to the notifications app
# (rebates.communications.notifications_discard drops them: dry runs).
REBATES_NOTIFY_SENDER = env(
    "REBATES_NOTIFY_SENDER", default="rebates.communications.notifications_send"
)
# The catalog's Peak Time Rebates product (kind "ptr") enrols through rebates.
ENROLLMENT_FULFILMENT_HANDLERS["ptr"] = "rebates.fulfilment.PtrFulfilment"

# HELP AND CONTENT (docs/content.md)
# ------------------------------------------------------------------------------
# Contact form submissions per IP address and per login within the window.
CONTENT_CONTACT_RATE_LIMIT = {
    "requests": env.int("CONTENT_CONTACT_RATE_REQUESTS", default=5),
    "seconds": env.int("CONTENT_CONTACT_RATE_WINDOW", default=3600),
}
# The login's own premises for the contact form, and the current one
# (content does not import billing).
CONTENT_PREMISE_SELECTOR = "billing.selectors.premise_choices_for_request"

# REST FRAMEWORK
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Utility self-service portal API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

PHONENUMBER_DEFAULT_REGION = "US"

# INSIGHTS (issue 4)
# ------------------------------------------------------------------------------
# Dotted paths to callables (request, customer) -> HTML or None, shown at the
# top of the dashboard, e.g. "rebates.banners.peak_event_banner".
INSIGHTS_DASHBOARD_BANNERS: list[str] = ["rebates.banners.peak_event_banner"]
# The dashboard's HTML is cached per customer, language and data version
# (invalidated by any new bill, read or comparison); 0 turns the cache off.
INSIGHTS_DASHBOARD_CACHE_SECONDS = env.int("INSIGHTS_DASHBOARD_CACHE_SECONDS", default=6 * 60 * 60)

# SECURITY
# ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# LOGGING
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# NOTIFICATIONS (docs/notifications.md)
# ------------------------------------------------------------------------------
# Absolute links in messages (unsubscribe, preferences, voice keypress webhook).
NOTIFICATIONS_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Channel backends, like Django's own backends. Real providers switch on when
# their credentials are present; without them everything prints to the console.
TWILIO_ACCOUNT_SID = env("TWILIO_ACCOUNT_SID", default="")
TWILIO_AUTH_TOKEN = env("TWILIO_AUTH_TOKEN", default="")
NOTIFICATIONS_VAPID = {
    "PUBLIC_KEY": env("VAPID_PUBLIC_KEY", default=""),
    "PRIVATE_KEY": env("VAPID_PRIVATE_KEY", default=""),
    "SUBJECT": env("VAPID_SUBJECT", default=f"mailto:{UTILITY['SUPPORT_EMAIL']}"),
}
_CONSOLE_CHANNEL = {"BACKEND": "notifications.channels.console.ConsoleChannel"}
NOTIFICATION_CHANNELS = {
    "email": {
        "BACKEND": "notifications.channels.email.EmailChannel",
        "OPTIONS": {"mailer": "default"},
    },
    "sms": _CONSOLE_CHANNEL,
    "voice": _CONSOLE_CHANNEL,
    "push": _CONSOLE_CHANNEL,
}
if TWILIO_ACCOUNT_SID:
    _twilio_status = NOTIFICATIONS_BASE_URL + "/notifications/webhooks/twilio/status/"
    NOTIFICATION_CHANNELS["sms"] = {
        "BACKEND": "notifications.channels.sms.TwilioSmsChannel",
        "OPTIONS": {
            "messaging_service_sid": env("TWILIO_MESSAGING_SERVICE_SID", default=""),
            "from_number": env("TWILIO_FROM_NUMBER", default=""),
            "status_callback": _twilio_status,
        },
    }
    NOTIFICATION_CHANNELS["voice"] = {
        "BACKEND": "notifications.channels.voice.TwilioVoiceChannel",
        "OPTIONS": {
            "from_number": env(
                "TWILIO_VOICE_FROM_NUMBER", default=env("TWILIO_FROM_NUMBER", default="")
            ),
            "status_callback": _twilio_status,
        },
    }
if NOTIFICATIONS_VAPID["PRIVATE_KEY"]:
    NOTIFICATION_CHANNELS["push"] = {
        "BACKEND": "notifications.channels.push.PushRouterChannel",
        "OPTIONS": {
            "platforms": {"webpush": {"BACKEND": "notifications.channels.webpush.WebPushChannel"}}
        },
    }
# Texts and calls only inside this window, at the recipient's local time.
NOTIFICATIONS_SEND_WINDOW = (
    env("NOTIFICATIONS_SEND_WINDOW_START", default="08:00"),
    env("NOTIFICATIONS_SEND_WINDOW_END", default="21:00"),
)
# A message "sending" for longer than this is reconciled (worker died mid-send).
NOTIFICATIONS_SENDING_TIMEOUT = env.int("NOTIFICATIONS_SENDING_TIMEOUT", default=600)
# How often the dispatcher sweeps for lost tasks and stuck sends, and how far back.
NOTIFICATIONS_SWEEP_INTERVAL = env.int("NOTIFICATIONS_SWEEP_INTERVAL", default=300)
NOTIFICATIONS_SWEEP_DAYS = 7
NOTIFICATIONS_RETRY_BACKOFF = env.int("NOTIFICATIONS_RETRY_BACKOFF", default=30)
# Shared secret of the generic e-mail receipt webhook (or use anymail's).
NOTIFICATIONS_EMAIL_WEBHOOK_SECRET = env("NOTIFICATIONS_EMAIL_WEBHOOK_SECRET", default="")
# Which recipient the signed-in user is looking at (a dotted path, loaded lazily).
NOTIFICATIONS_RECIPIENT_RESOLVER = "billing.recipients.recipient_for_request"
