"""A development backend: prints each message (the admin's message log shows
them too, with their rendered text)."""

from __future__ import annotations

import sys
import threading

from notifications.channels.base import SENT, BaseChannel, DeliveryResult, OutboundMessage

_lock = threading.Lock()


class ConsoleChannel(BaseChannel):
    max_batch_size = 200

    def __init__(self, *, alias: str, stream=None, **options) -> None:
        super().__init__(alias=alias, **options)
        self.stream = stream

    def send(self, message: OutboundMessage) -> DeliveryResult:
        stream = self.stream or sys.stdout
        lines = [
            "-" * 72,
            f"[{self.alias}] to {message.address}  topic={message.topic}  id={message.uuid}",
        ]
        if message.subject:
            lines.append(f"Subject: {message.subject}")
        for name, value in message.headers.items():
            lines.append(f"{name}: {value}")
        lines += ["", message.body_text, ""]
        with _lock:
            stream.write("\n".join(lines) + "\n")
            stream.flush()
        return DeliveryResult(SENT, provider_id=f"console-{message.uuid}")
