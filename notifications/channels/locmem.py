"""An in-memory backend for tests: every message lands in `outbox`.

It behaves like a provider that de-duplicates on the message uuid (an
idempotency key). With OPTIONS {"journal": "/path"} each accepted message is
also appended to a JSON-lines file shared by processes, so a test can see
what a killed Celery worker had already handed over; "delay" sleeps after
accepting (a slow provider response), "delay_before" before; "record": false
keeps only the uuids, not the messages (benchmarks).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import time
from collections import deque
from pathlib import Path

from notifications.channels.base import (
    SENT,
    BaseChannel,
    DeliveryResult,
    OutboundMessage,
    PermanentChannelError,
    TransientChannelError,
)

outbox: list[OutboundMessage] = []
_accepted: dict[str, str] = {}
# address -> errors to raise on the next sends to it (tests).
failures: dict[str, deque] = {}


def outbox_clear() -> None:
    outbox.clear()
    _accepted.clear()
    failures.clear()


def fail_next(address: str, *errors: Exception) -> None:
    """Make the next sends to `address` raise these errors, in order."""
    failures.setdefault(address, deque()).extend(errors)


class LocMemChannel(BaseChannel):
    supports_delivery_receipts = False
    supports_idempotency_key = True
    supports_lookup = True
    max_batch_size = 1000

    def send(self, message: OutboundMessage) -> DeliveryResult:
        pending = failures.get(message.address)
        if pending:
            error = pending.popleft()
            if isinstance(error, PermanentChannelError | TransientChannelError):
                raise error
        if self.options.get("delay_before"):
            time.sleep(float(self.options["delay_before"]))
        journal = self.options.get("journal")
        existing = self._journal_lookup(journal, message.uuid) if journal else None
        existing = existing or _accepted.get(message.uuid)
        if existing:
            return DeliveryResult(SENT, provider_id=existing, detail="duplicate ignored")
        provider_id = f"locmem-{message.uuid}"
        if journal:
            self._journal_append(journal, message, provider_id)
        _accepted[message.uuid] = provider_id
        if self.options.get("record", True):
            outbox.append(message)
        if self.options.get("delay"):
            time.sleep(float(self.options["delay"]))
        return DeliveryResult(SENT, provider_id=provider_id)

    def lookup(self, message: OutboundMessage) -> DeliveryResult | None:
        journal = self.options.get("journal")
        provider_id = _accepted.get(message.uuid) or (
            self._journal_lookup(journal, message.uuid) if journal else None
        )
        return DeliveryResult(SENT, provider_id=provider_id) if provider_id else None

    @staticmethod
    def _journal_append(path: str, message: OutboundMessage, provider_id: str) -> None:
        line = json.dumps(
            {
                "uuid": message.uuid,
                "channel": message.channel,
                "address": message.address,
                "provider_id": provider_id,
            }
        )
        with Path(path).open("a") as journal:
            fcntl.flock(journal, fcntl.LOCK_EX)
            journal.write(line + "\n")
            journal.flush()

    @staticmethod
    def _journal_lookup(path: str, uuid: str) -> str | None:
        with contextlib.suppress(FileNotFoundError), Path(path).open() as journal:
            for line in journal:
                entry = json.loads(line)
                if entry["uuid"] == uuid:
                    return entry["provider_id"]
        return None
