"""Route push messages by the subscription's platform (web push, FCM, APNs).

    "push": {
        "BACKEND": "notifications.channels.push.PushRouterChannel",
        "OPTIONS": {"platforms": {
            "webpush": {"BACKEND": "notifications.channels.webpush.WebPushChannel"},
            "fcm": {"BACKEND": "myproject.push.FcmChannel", "OPTIONS": {...}},
        }},
    }

A platform backend is an ordinary BaseChannel; a subscription whose platform
has no backend fails permanently with a clear reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.module_loading import import_string

from notifications.channels.base import PERMANENT, BaseChannel, DeliveryResult, OutboundMessage


class PushRouterChannel(BaseChannel):
    max_batch_size = 200

    def __init__(self, *, alias: str, platforms: dict | None = None, **options) -> None:
        super().__init__(alias=alias, **options)
        self.platforms = {
            name: import_string(config["BACKEND"])(alias=alias, **config.get("OPTIONS", {}))
            for name, config in (platforms or {}).items()
        }

    def send_many(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]:
        results: list[DeliveryResult | None] = [None] * len(messages)
        by_platform: dict[str, list[int]] = {}
        for index, message in enumerate(messages):
            platform = message.address_data.get("platform", "webpush")
            by_platform.setdefault(platform, []).append(index)
        for platform, indexes in by_platform.items():
            backend = self.platforms.get(platform)
            if backend is None:
                for index in indexes:
                    results[index] = DeliveryResult(
                        PERMANENT, detail=f"no push backend for platform {platform!r}"
                    )
                continue
            for index, result in zip(
                indexes, backend.send_many([messages[i] for i in indexes]), strict=True
            ):
                results[index] = result
        return results  # type: ignore[return-value]
