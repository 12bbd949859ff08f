"""Who may get what, where and when: consent, opt-outs, preferences and
quiet hours. Backends never decide these; services ask this module.

Opt-out semantics (seed 000, domain-facts §3-4):

- A *channel opt-out* is permanent. For a recipient, it stops that channel
  for every topic and the channel can never be turned back on. For an
  address (a phone number that texted STOP or pressed 9), no recipient is
  ever texted/called at that number again; the recipients whose contact
  point it was are opted out of the channel too (services do both).
- A *topic preference* is reversible: switching a topic off on a channel
  only stops that topic there.
- Texts need double opt-in: a mobile number gets nothing but the "Reply
  YES" request until it has replied YES.
- Texts and calls wait outside the send window (08:00-21:00 at the
  recipient's local time by default): deferred, never dropped.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings

from notifications.topics import SMS_OPT_IN, Channel, Topic

# Reasons recorded on suppressed / deferred messages (shown to staff).
OPTED_OUT = "opted out of this channel"
ADDRESS_OPTED_OUT = "address opted out (STOP / press 9)"
UNSUBSCRIBED = "topic turned off for this channel"
NO_ADDRESS = "no contact point for this channel"
AWAITING_OPT_IN = "mobile number has not replied YES yet"
NO_TEMPLATE = "no template for this topic and channel"
NOT_A_TOPIC_CHANNEL = "topic is not sent on this channel"
NO_STAFF_MEMBERS = "no active staff member with an e-mail in this group"
QUIET_HOURS = "deferred: quiet hours"


def send_window() -> tuple[time, time]:
    start, end = getattr(settings, "NOTIFICATIONS_SEND_WINDOW", ("08:00", "21:00"))
    return time.fromisoformat(start), time.fromisoformat(end)


def _zone(time_zone: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(time_zone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def quiet_hours_release_at(*, now: datetime, time_zone: str | None) -> datetime | None:
    """None when a text or call may go out at `now`; else the next instant
    the send window opens at the recipient's local time (aware, UTC)."""
    start, end = send_window()
    zone = _zone(time_zone)
    local = now.astimezone(zone)
    if start <= local.time() < end:
        return None
    day = local.date() if local.time() < start else local.date() + timedelta(days=1)
    opens = datetime.combine(day, start, tzinfo=zone)
    return opens.astimezone(zoneinfo.ZoneInfo("UTC"))


@dataclass
class ConsentState:
    """Everything needed to decide a set of recipients' channels, loaded
    with a handful of set-based queries (no per-recipient round trips)."""

    recipient_opt_outs: set[tuple[str, str]] = field(default_factory=set)
    address_opt_outs: set[tuple[str, str]] = field(default_factory=set)
    preferences: dict[tuple[str, str, str], bool] = field(default_factory=dict)
    contacts: dict[tuple[str, str], list] = field(default_factory=lambda: defaultdict(list))
    verified_numbers: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def load(
        cls,
        *,
        recipient_keys: Iterable[str],
        channels: Iterable[str],
        topic: str | None = None,
        with_contacts: bool = True,
    ) -> ConsentState:
        from notifications.models import ChannelOptOut, ContactPoint, TopicPreference

        keys = list(dict.fromkeys(recipient_keys))
        channels = list(channels)
        state = cls()
        if not keys or not channels:
            return state
        state.recipient_opt_outs = set(
            ChannelOptOut.objects.filter(recipient_key__any=keys, channel__in=channels).values_list(
                "recipient_key", "channel"
            )
        )
        if topic is not None:
            state.preferences = {
                (key, topic, channel): enabled
                for key, channel, enabled in TopicPreference.objects.filter(
                    recipient_key__any=keys, topic=topic, channel__in=channels
                ).values_list("recipient_key", "channel", "enabled")
            }
        if with_contacts:
            rows = (
                ContactPoint.objects.filter(recipient_key__any=keys, channel__in=channels)
                .order_by("recipient_key", "channel", "-verified", "-updated_at", "-pk")
                .values_list(
                    "recipient_key", "channel", "address", "verified", "platform", "push_keys"
                )
            )
            addresses = set()
            for key, channel, address, verified, platform, push_keys in rows:
                state.contacts[(key, channel)].append((address, verified, platform, push_keys))
                addresses.add(address)
            state.load_address_opt_outs(addresses=addresses, channels=channels)
        return state

    def load_address_opt_outs(self, *, addresses: Iterable[str], channels: Iterable[str]) -> None:
        from notifications.models import ChannelOptOut

        addresses = list(set(addresses))
        if addresses:
            self.address_opt_outs |= set(
                ChannelOptOut.objects.filter(
                    address__any=addresses, channel__in=list(channels)
                ).values_list("channel", "address")
            )

    def topic_enabled(self, *, recipient_key: str, topic: Topic, channel: str) -> bool:
        explicit = self.preferences.get((recipient_key, topic.key, channel))
        if explicit is not None:
            return explicit
        return channel in topic.default_channels

    def block_reason(
        self, *, recipient_key: str, channel: str, address: str, topic: str, verified: bool
    ) -> str:
        """Why a message must not go out now ("" when it may). Checked when
        a message is created and again right before it is handed over."""
        if (recipient_key, channel) in self.recipient_opt_outs:
            return OPTED_OUT
        if (channel, address) in self.address_opt_outs:
            return ADDRESS_OPTED_OUT
        if channel == Channel.SMS and not verified and topic != SMS_OPT_IN:
            return AWAITING_OPT_IN
        return ""

    def pick_contact(
        self, *, recipient_key: str, channel: str, topic: str, address: str | None = None
    ) -> tuple[tuple | None, str]:
        """The contact point to use, or None and the reason there is none."""
        candidates = self.contacts.get((recipient_key, channel), [])
        if address is not None:
            candidates = [c for c in candidates if c[0] == address]
        if not candidates:
            return None, NO_ADDRESS
        reason = ""
        for candidate in candidates:
            reason = self.block_reason(
                recipient_key=recipient_key,
                channel=channel,
                address=candidate[0],
                topic=topic,
                verified=candidate[1],
            )
            if not reason:
                return candidate, ""
        return None, reason
