"""Automated calls through Twilio Programmable Voice.

The call speaks the rendered voice script inside a <Gather>: pressing 9
posts to the keypress webhook, which opts the number out of calls (the
script itself says "press 9 to stop these calls", domain-facts §3).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from notifications.channels.base import SENT, BaseChannel, DeliveryResult, OutboundMessage
from notifications.channels.twilio_common import TwilioMixin, twilio_error_result

VOICES = {"en": "en-US", "es": "es-US"}


def voice_twiml(message: OutboundMessage) -> str:
    from twilio.twiml.voice_response import VoiceResponse

    language = VOICES.get(message.language, "en-US")
    response = VoiceResponse()
    gather = response.gather(
        num_digits=1,
        action=message.urls.get("keypress", ""),
        method="POST",
        timeout=5,
    )
    gather.say(message.body_text, language=language)
    # Repeat once for whoever picked up late, then hang up.
    gather.pause(length=1)
    gather.say(message.body_text, language=language)
    response.hangup()
    return str(response)


class TwilioVoiceChannel(TwilioMixin, BaseChannel):
    """OPTIONS: from_number; plus TwilioMixin's."""

    supports_delivery_receipts = True
    supports_lookup = True
    max_batch_size = 20

    def send(self, message: OutboundMessage) -> DeliveryResult:
        kwargs = {
            "to": message.address,
            "from_": self.options.get("from_number", ""),
            "twiml": voice_twiml(message),
        }
        if self.options.get("status_callback"):
            # The uuid lets the receipt find its message without a lookup
            # by provider id.
            kwargs["status_callback"] = f"{self.options['status_callback']}?m={message.uuid}"
        try:
            call = self.client.calls.create(**kwargs)
        except Exception as exc:  # noqa: BLE001 - classified below
            return twilio_error_result(exc)
        return DeliveryResult(SENT, provider_id=call.sid)

    def lookup(self, message: OutboundMessage) -> DeliveryResult | None:
        since = timezone.now() - timedelta(days=1)
        calls = self.client.calls.list(to=message.address, start_time_after=since, limit=1)
        if calls:
            return DeliveryResult(SENT, provider_id=calls[0].sid, detail="found at provider")
        return None
