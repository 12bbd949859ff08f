"""Test settings: fast hashing, in-memory mail and channels, fixed time zone."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-secret-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TIME_ZONE = "America/Chicago"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Rate limits stay on (allauth); each test gets a fresh locmem cache.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Every notification channel is the in-memory outbox
# (notifications.channels.locmem.outbox); options come from the environment so
# a real worker in the integration tests can journal and slow down sends.
NOTIFICATION_CHANNELS = {
    alias: {
        "BACKEND": "notifications.channels.locmem.LocMemChannel",
        "OPTIONS": env.json("NOTIFICATIONS_LOCMEM_OPTIONS", default={}),
    }
    for alias in ("email", "sms", "voice", "push")
}
NOTIFICATIONS_BASE_URL = "https://portal.example"
# A worker in the integration tests restores a killed worker's unacknowledged
# task quickly (kombu's default sweep is every ~100 s).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
# Tests inspect the built dashboard; tests/insights/test_cache.py turns the cache on.
INSIGHTS_DASHBOARD_CACHE_SECONDS = 0
