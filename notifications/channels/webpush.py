"""Web push (VAPID) to the browsers customers subscribed on the portal."""

from __future__ import annotations

import json

from django.conf import settings

from notifications.channels.base import (
    PERMANENT,
    SENT,
    TRANSIENT,
    BaseChannel,
    DeliveryResult,
    OutboundMessage,
)

GONE = "subscription gone"


class WebPushChannel(BaseChannel):
    """OPTIONS: vapid_private_key, vapid_subject ("mailto:..."), ttl (s).

    Defaults come from settings.NOTIFICATIONS_VAPID. A 404/410 from the push
    service means the browser dropped the subscription: the result detail
    starts with "subscription gone" and the contact point is removed.
    """

    supports_delivery_receipts = False
    max_batch_size = 200

    def send(self, message: OutboundMessage) -> DeliveryResult:
        from pywebpush import WebPushException, webpush

        vapid = getattr(settings, "NOTIFICATIONS_VAPID", {})
        payload = {
            "title": message.subject,
            "body": message.body_text,
            "url": message.urls.get("open", "/"),
            "tag": message.topic,
        }
        try:
            response = webpush(
                subscription_info={
                    "endpoint": message.address,
                    "keys": message.address_data.get("keys", {}),
                },
                data=json.dumps(payload),
                vapid_private_key=self.options.get("vapid_private_key")
                or vapid.get("PRIVATE_KEY", ""),
                vapid_claims={"sub": self.options.get("vapid_subject") or vapid.get("SUBJECT", "")},
                ttl=int(self.options.get("ttl", 12 * 3600)),
                timeout=10,
            )
        except WebPushException as exc:
            status = getattr(exc.response, "status_code", None)
            if status in (404, 410):
                return DeliveryResult(PERMANENT, detail=f"{GONE} ({status})")
            if status is not None and 400 <= status < 500 and status != 429:
                return DeliveryResult(PERMANENT, detail=f"push service {status}: {exc}"[:500])
            return DeliveryResult(TRANSIENT, detail=str(exc)[:500])
        except (OSError, ValueError) as exc:
            return DeliveryResult(TRANSIENT, detail=f"{type(exc).__name__}: {exc}"[:500])
        return DeliveryResult(SENT, provider_id=response.headers.get("Location", "")[:200])
