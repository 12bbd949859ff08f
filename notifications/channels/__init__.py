"""Channel backends, configured like Django's own backends.

    NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": "notifications.channels.email.EmailChannel",
                  "OPTIONS": {"mailer": "default"}},
        "sms": {"BACKEND": "notifications.channels.sms.TwilioSmsChannel", ...},
    }

Backends are imported lazily and cached until the setting changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from notifications.channels.base import BaseChannel

CONSOLE = "notifications.channels.console.ConsoleChannel"
DEFAULT_CHANNELS = {
    "email": {"BACKEND": "notifications.channels.email.EmailChannel"},
    "sms": {"BACKEND": CONSOLE},
    "voice": {"BACKEND": CONSOLE},
    "push": {"BACKEND": CONSOLE},
}

_backends: dict[str, BaseChannel] = {}


def channel_config() -> dict:
    return getattr(settings, "NOTIFICATION_CHANNELS", None) or DEFAULT_CHANNELS


def channel_get(alias: str) -> BaseChannel:
    backend = _backends.get(alias)
    if backend is None:
        try:
            config = channel_config()[alias]
        except KeyError:
            raise ValueError(f"no backend configured for channel {alias!r}") from None
        backend_class = import_string(config["BACKEND"])
        backend = backend_class(alias=alias, **config.get("OPTIONS", {}))
        _backends[alias] = backend
    return backend


def channels_reset() -> None:
    _backends.clear()


@receiver(setting_changed)
def _reset_on_setting_change(*, setting, **kwargs) -> None:
    if setting in {"NOTIFICATION_CHANNELS", "MAILERS"}:
        channels_reset()
