"""What the Twilio text and voice backends share: the client and errors."""

from __future__ import annotations

from django.conf import settings

from notifications.channels.base import PERMANENT, TRANSIENT, DeliveryResult


class TwilioMixin:
    """OPTIONS: account_sid, auth_token (default: settings.TWILIO_*),
    status_callback (absolute URL of the receipt webhook)."""

    options: dict
    _client = None

    @property
    def client(self):
        if self._client is None:
            from twilio.rest import Client

            self._client = Client(
                self.options.get("account_sid") or getattr(settings, "TWILIO_ACCOUNT_SID", ""),
                self.options.get("auth_token") or getattr(settings, "TWILIO_AUTH_TOKEN", ""),
            )
        return self._client


def twilio_error_result(exc: Exception) -> DeliveryResult:
    """Map a Twilio/transport error: throttling and 5xx retry, 4xx do not."""
    from twilio.base.exceptions import TwilioRestException

    if isinstance(exc, TwilioRestException):
        transient = exc.status == 429 or exc.status >= 500
        detail = f"Twilio {exc.status} error {exc.code}: {exc.msg}"[:500]
        return DeliveryResult(TRANSIENT if transient else PERMANENT, detail=detail)
    return DeliveryResult(TRANSIENT, detail=f"{type(exc).__name__}: {exc}"[:500])
