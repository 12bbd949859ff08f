"""Texts through Twilio Programmable Messaging."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from notifications.channels.base import SENT, BaseChannel, DeliveryResult, OutboundMessage
from notifications.channels.twilio_common import TwilioMixin, twilio_error_result


class TwilioSmsChannel(TwilioMixin, BaseChannel):
    """OPTIONS: messaging_service_sid (preferred: sender pool, short code)
    or from_number; plus TwilioMixin's."""

    supports_delivery_receipts = True
    supports_lookup = True
    max_batch_size = 50

    def send(self, message: OutboundMessage) -> DeliveryResult:
        kwargs = {"to": message.address, "body": message.body_text}
        if self.options.get("messaging_service_sid"):
            kwargs["messaging_service_sid"] = self.options["messaging_service_sid"]
        else:
            kwargs["from_"] = self.options.get("from_number", "")
        if self.options.get("status_callback"):
            # The uuid lets the receipt find its message without a lookup
            # by provider id.
            kwargs["status_callback"] = f"{self.options['status_callback']}?m={message.uuid}"
        try:
            sent = self.client.messages.create(**kwargs)
        except Exception as exc:  # noqa: BLE001 - classified below
            return twilio_error_result(exc)
        return DeliveryResult(SENT, provider_id=sent.sid)

    def lookup(self, message: OutboundMessage) -> DeliveryResult | None:
        since = timezone.now() - timedelta(days=1)
        for sent in self.client.messages.list(to=message.address, date_sent_after=since, limit=50):
            if sent.body == message.body_text:
                return DeliveryResult(SENT, provider_id=sent.sid, detail="found at provider")
        return None
