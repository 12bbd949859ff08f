"""The channel backend interface.

A backend hands rendered messages to one provider. It knows nothing about
consent, preferences or quiet hours (notifications.policies decides those
before a backend is called) and nothing about the ORM: it receives
`OutboundMessage` values and returns one `DeliveryResult` per message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

SENT = "sent"
TRANSIENT = "transient"
PERMANENT = "permanent"


class ChannelError(Exception):
    """A provider refused or failed a message."""


class TransientChannelError(ChannelError):
    """Worth retrying later (timeouts, throttling, 5xx)."""


class PermanentChannelError(ChannelError):
    """Retrying cannot help (invalid address, unsubscribed at the carrier)."""


@dataclass(frozen=True)
class OutboundMessage:
    uuid: str
    channel: str
    topic: str
    recipient_key: str
    language: str
    address: str
    subject: str = ""
    body_text: str = ""
    body_html: str = ""
    address_data: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)
    urls: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryResult:
    status: str  # SENT, TRANSIENT or PERMANENT
    provider_id: str = ""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.status == SENT


class BaseChannel:
    """Subclass and implement `send()` (or `send_many()` for batch APIs).

    Capability flags, in the style of Django's task backends:

    - `supports_delivery_receipts`: the provider reports delivery later
      (webhooks update the log).
    - `supports_idempotency_key`: the provider de-duplicates on the message
      uuid, so a message interrupted mid-send may simply be sent again.
    - `supports_lookup`: `lookup()` can ask the provider whether a message
      was accepted (used to reconcile an interrupted send).
    - `max_batch_size`: how many messages one delivery task carries.
    """

    supports_delivery_receipts: ClassVar[bool] = False
    supports_idempotency_key: ClassVar[bool] = False
    supports_lookup: ClassVar[bool] = False
    max_batch_size: ClassVar[int] = 500

    def __init__(self, *, alias: str, **options) -> None:
        self.alias = alias
        self.options = options

    def send(self, message: OutboundMessage) -> DeliveryResult:
        raise NotImplementedError

    def send_many(self, messages: Sequence[OutboundMessage]) -> list[DeliveryResult]:
        results = []
        for message in messages:
            try:
                results.append(self.send(message))
            except PermanentChannelError as exc:
                results.append(DeliveryResult(PERMANENT, detail=str(exc)[:500]))
            except TransientChannelError as exc:
                results.append(DeliveryResult(TRANSIENT, detail=str(exc)[:500]))
        return results

    def lookup(self, message: OutboundMessage) -> DeliveryResult | None:
        """Return the provider's record of `message`, None if it has none."""
        raise NotImplementedError
