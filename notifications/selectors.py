"""Reads for the preference page and the admin, scoped by recipient."""

from __future__ import annotations

from dataclasses import dataclass, field

import phonenumbers
from django.conf import settings
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from notifications.models import ChannelOptOut, ContactPoint, TopicPreference
from notifications.recipients import Recipient
from notifications.topics import ALL_CHANNELS, Channel, customer_topics


def recipient_for_request(request: HttpRequest) -> Recipient | None:
    """The recipient the signed-in user is looking at.

    Delegates to settings.NOTIFICATIONS_RECIPIENT_RESOLVER (a dotted path,
    e.g. billing.recipients.recipient_for_request) so this app never
    imports the apps above it.
    """
    if not request.user.is_authenticated:
        return None
    path = getattr(settings, "NOTIFICATIONS_RECIPIENT_RESOLVER", "")
    if path:
        return import_string(path)(request)
    user = request.user
    return Recipient(key=f"user:{user.pk}", language=user.language, name=user.name)


PLURALS = {
    Channel.EMAIL: _("e-mails"),
    Channel.SMS: _("text messages"),
    Channel.VOICE: _("automated phone calls"),
    Channel.PUSH: _("browser notifications"),
}


@dataclass
class ChannelRow:
    channel: str
    label: str
    opted_out: ChannelOptOut | None
    contacts: list[ContactPoint] = field(default_factory=list)

    @property
    def plural(self) -> str:
        return PLURALS[self.channel]


@dataclass
class TopicCell:
    channel: str
    offered: bool
    enabled: bool
    locked: bool  # channel opted out: shown, never editable


@dataclass
class TopicRow:
    key: str
    label: str
    description: str
    cells: list[TopicCell]


@dataclass
class PreferencePage:
    channels: list[ChannelRow]
    topics: list[TopicRow]

    def channel(self, channel: str) -> ChannelRow:
        return next(row for row in self.channels if row.channel == channel)


def _display(contact: ContactPoint) -> str:
    if contact.channel in (Channel.SMS, Channel.VOICE):
        try:
            number = phonenumbers.parse(contact.address)
        except phonenumbers.NumberParseException:
            return contact.address
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return contact.address


def preference_page_for_recipient(*, recipient: Recipient) -> PreferencePage:
    opt_outs = {o.channel: o for o in ChannelOptOut.objects.filter(recipient_key=recipient.key)}
    contacts: dict[str, list[ContactPoint]] = {c: [] for c in ALL_CHANNELS}
    for contact in ContactPoint.objects.filter(recipient_key=recipient.key).order_by(
        "channel", "-verified", "address"
    ):
        contacts[contact.channel].append(contact)
    address_opt_outs = set(
        ChannelOptOut.objects.filter(
            address__in=[c.address for group in contacts.values() for c in group]
        ).values_list("channel", "address")
    )
    for group in contacts.values():
        for contact in group:
            contact.address_opted_out = (contact.channel, contact.address) in address_opt_outs
            contact.display = _display(contact)
    prefs = {
        (p.topic, p.channel): p.enabled
        for p in TopicPreference.objects.filter(recipient_key=recipient.key)
    }
    channels = [
        ChannelRow(
            channel=c, label=Channel(c).label, opted_out=opt_outs.get(c), contacts=contacts[c]
        )
        for c in ALL_CHANNELS
    ]
    topics = []
    for topic in customer_topics():
        cells = []
        for channel in ALL_CHANNELS:
            offered = channel in topic.channels
            enabled = prefs.get((topic.key, channel), channel in topic.default_channels)
            locked = channel in opt_outs
            cells.append(TopicCell(channel, offered, offered and enabled and not locked, locked))
        topics.append(TopicRow(topic.key, topic.label, topic.description, cells))
    return PreferencePage(channels=channels, topics=topics)
