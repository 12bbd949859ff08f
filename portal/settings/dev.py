"""Local development: the embedded default (SQLite, inline tasks, console channels)."""

from .base import *  # noqa: F403
from .base import BASE_DIR, NOTIFICATIONS_VAPID, env
from .dev_vapid import dev_vapid_keys

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-secret-key-not-for-production")

# Every notification channel prints to the console (the admin's message log
# shows them too); no provider credentials needed.
NOTIFICATION_CHANNELS = {
    alias: {"BACKEND": "notifications.channels.console.ConsoleChannel"}
    for alias in ("email", "sms", "voice", "push")
}
# Web push works in development too (pushes print to the console like the
# other channels): a key pair is made once in var/ unless the environment has one.
if not NOTIFICATIONS_VAPID["PRIVATE_KEY"]:
    _public, _private = dev_vapid_keys(BASE_DIR / "var" / "dev-vapid.json")
    NOTIFICATIONS_VAPID = {**NOTIFICATIONS_VAPID, "PUBLIC_KEY": _public, "PRIVATE_KEY": _private}
# Passkeys and security keys on http://127.0.0.1 during development only.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# The demo staff login has two-factor authentication (required for staff);
# in development any TOTP prompt also accepts this code. allauth refuses it
# unless DEBUG is on.
MFA_TOTP_INSECURE_BYPASS_CODE = (
    env("MFA_TOTP_INSECURE_BYPASS_CODE", default="000000") if DEBUG else None
)
