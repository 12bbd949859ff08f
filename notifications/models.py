"""Contact points, consent, preferences, templates and the delivery log."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.topics import TOPICS, Channel
from portal.db import TimeStampedModel

TOPIC_CHOICES = [(key, topic.label) for key, topic in TOPICS.items()]
E164_REGEX = r"^\+[1-9][0-9]{6,14}$"


class ContactPoint(TimeStampedModel):
    """An address a recipient can be reached at on one channel.

    Phone numbers (texts and calls) are stored in E.164. A push subscription
    keeps its endpoint as the address and its keys in `push_keys`. A mobile
    number is `verified` once its owner replied YES (double opt-in); nothing
    but the opt-in request is texted to an unverified number.
    """

    class Platform(models.TextChoices):
        WEBPUSH = "webpush", _("Web push")
        FCM = "fcm", _("Firebase Cloud Messaging")
        APNS = "apns", _("Apple Push Notification service")

    recipient_key = models.CharField(_("recipient"), max_length=120)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=500)
    verified = models.BooleanField(_("verified"), default=False)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    consent_requested_at = models.DateTimeField(
        _("opt-in requested at"),
        null=True,
        blank=True,
        help_text=_("When the 'Reply YES' text was sent to this number."),
    )
    platform = models.CharField(
        _("push platform"), max_length=10, choices=Platform.choices, blank=True
    )
    push_keys = models.JSONField(_("push keys"), default=dict, blank=True)
    source = models.CharField(_("source"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "channel", "address"], name="contactpoint_unique"
            ),
            models.CheckConstraint(
                condition=~Q(channel__in=["sms", "voice"]) | Q(address__regex=E164_REGEX),
                name="contactpoint_phone_e164",
            ),
            models.CheckConstraint(
                condition=~Q(channel="push") | ~Q(platform=""),
                name="contactpoint_push_platform",
            ),
        ]
        indexes = [
            models.Index(fields=["channel", "address"], name="contactpoint_address_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_key} · {self.get_channel_display()} · {self.address[:60]}"


class ChannelOptOutQuerySet(models.QuerySet):
    def delete(self):
        raise ValidationError(_("Channel opt-outs are permanent and cannot be deleted."))

    def update(self, **kwargs):
        raise ValidationError(_("Channel opt-outs are permanent and cannot be changed."))


class ChannelOptOut(models.Model):
    """A permanent, comprehensive opt-out of one channel (seed 000).

    Either a recipient (the customer opted out on the portal or in the admin,
    or an address they used said STOP / pressed 9) or an address (a phone
    number that texted STOP or pressed 9: no recipient gets that channel at
    that number again). Rows are never changed or deleted: the model, its
    queryset and the admin all refuse.
    """

    class Source(models.TextChoices):
        PORTAL = "portal", _("Customer, on the portal")
        SMS_STOP = "sms_stop", _("Text reply (STOP)")
        VOICE_KEYPRESS = "voice_keypress", _("Phone keypress (9)")
        EMAIL_UNSUBSCRIBE = "email_unsubscribe", _("E-mail unsubscribe page")
        STAFF = "staff", _("Staff, on the customer's request")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_key = models.CharField(_("recipient"), max_length=120, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("opted out at"), auto_now_add=True)

    objects = ChannelOptOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel opt-out")
        verbose_name_plural = _("channel opt-outs")
        constraints = [
            models.CheckConstraint(
                condition=(Q(recipient_key="") & ~Q(address=""))
                | (~Q(recipient_key="") & Q(address="")),
                name="channeloptout_recipient_xor_address",
            ),
            models.UniqueConstraint(
                fields=["channel", "recipient_key"],
                condition=~Q(recipient_key=""),
                name="channeloptout_unique_recipient",
            ),
            models.UniqueConstraint(
                fields=["channel", "address"],
                condition=~Q(address=""),
                name="channeloptout_unique_address",
            ),
        ]

    def __str__(self) -> str:
        who = self.recipient_key or self.address
        return f"{who} · {self.get_channel_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValidationError(_("Channel opt-outs are permanent and cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Channel opt-outs are permanent and cannot be deleted."))


class TopicPreference(TimeStampedModel):
    """A recipient's choice for one topic on one channel (reversible)."""

    recipient_key = models.CharField(_("recipient"), max_length=120)
    topic = models.CharField(_("topic"), max_length=40, choices=TOPIC_CHOICES)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(_("enabled"))

    class Meta:
        verbose_name = _("topic preference")
        verbose_name_plural = _("topic preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "topic", "channel"], name="topicpreference_unique"
            ),
        ]

    def __str__(self) -> str:
        state = _("on") if self.enabled else _("off")
        return f"{self.recipient_key} · {self.topic} · {self.channel}: {state}"


class MessageTemplate(TimeStampedModel):
    """A staff override of a shipped default template (files in
    notifications/templates/notifications/messages/<topic>/<language>/).

    `subject` is the e-mail subject or the push title; `body_text` the e-mail
    text part, the text message, the voice script or the push body;
    `body_html` the e-mail HTML part (blank: the text part, formatted).
    """

    topic = models.CharField(_("topic"), max_length=40, choices=TOPIC_CHOICES)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject / title"), max_length=200, blank=True)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "channel", "language"], name="messagetemplate_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic} · {self.channel} · {self.language}"

    def clean(self) -> None:
        from notifications.rendering import template_validate

        template_validate(template=self)


class Message(models.Model):
    """One message to one address on one channel: the delivery log.

    Unique per (idempotency_key, channel): a second notify() with the same
    key never creates a second message. `status` is also the send state
    machine: queued -> sending -> sent -> delivered, or failed / suppressed.
    "sending" is committed before the provider is called, so a message found
    in it after a crash is reconciled, never blindly sent again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    batch_key = models.CharField(_("batch key"), max_length=255, db_index=True)
    recipient_key = models.CharField(_("recipient"), max_length=120, db_index=True)
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="en")
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    topic = models.CharField(_("topic"), max_length=40, choices=TOPIC_CHOICES)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("address"), max_length=500, blank=True)
    address_data = models.JSONField(_("address data"), default=dict, blank=True)
    subject = models.CharField(_("subject / title"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    not_before = models.DateTimeField(_("not before"), null=True, blank=True)
    send_token = models.UUIDField(_("send token"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sending_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key", "channel"], name="message_once_per_key_and_channel"
            ),
        ]
        # Only columns that never change after insert are indexed, so the
        # send state machine's updates are HOT (no index writes; the table's
        # fillfactor leaves room, see migration 0002). Deferred messages are
        # found through DeferredSend, receipts through the message uuid.
        indexes = [
            models.Index(fields=["created_at"], name="message_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.topic} → {self.recipient_key} · {self.channel} · {self.status}"


class DeferredSend(models.Model):
    """A queued message that must wait: quiet hours or a retry's backoff.

    Kept apart from Message so the dispatcher finds due messages through a
    small indexed table instead of an index on Message.status (which would
    make every state change of every message rewrite the index).
    """

    message = models.OneToOneField(
        Message, on_delete=models.CASCADE, primary_key=True, related_name="deferred"
    )
    due_at = models.DateTimeField(_("due at"), db_index=True)

    class Meta:
        verbose_name = _("deferred send")
        verbose_name_plural = _("deferred sends")

    def __str__(self) -> str:
        return f"{self.message_id} @ {self.due_at:%Y-%m-%d %H:%M}"


class DeliveryAttempt(models.Model):
    """One try at handing a message to its provider, or a receipt from it."""

    class Outcome(models.TextChoices):
        STARTED = "started", _("Started")
        SENT = "sent", _("Accepted by the provider")
        TRANSIENT_ERROR = "transient", _("Temporary error (will retry)")
        PERMANENT_ERROR = "permanent", _("Permanent error")
        RECONCILED = "reconciled", _("Reconciled after an interruption")
        UNKNOWN = "unknown", _("Outcome unknown (not resent)")
        RECEIPT = "receipt", _("Delivery receipt")

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="delivery_attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    detail = models.CharField(_("detail"), max_length=500, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"#{self.number} {self.outcome}"


class InboundMessage(models.Model):
    """A text or keypress received from a customer, and what it did."""

    class Action(models.TextChoices):
        OPT_OUT = "opt_out", _("Opted out")
        HELP = "help", _("Help sent")
        CONFIRM = "confirm", _("Double opt-in confirmed")
        OTHER = "other", _("Call-center reply sent")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("from"), max_length=500)
    body = models.TextField(_("body"), blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reply = models.TextField(_("reply"), blank=True)
    provider_id = models.CharField(_("provider id"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")

    def __str__(self) -> str:
        return f"{self.address}: {self.body[:40]}"


class AnyOf(models.Lookup):
    """`field__any=[...]`: one array parameter on PostgreSQL (`= ANY(%s)`)
    instead of thousands of `IN (%s, ...)` placeholders, which cost more to
    build and parse than the query takes to run. IN elsewhere."""

    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [list(value)])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs)
        if not values:
            return "1 = 0", list(lhs_params)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", [*lhs_params, *values]


for _model, _fields in (
    (ContactPoint, ("recipient_key", "address")),
    (ChannelOptOut, ("recipient_key", "address")),
    (TopicPreference, ("recipient_key",)),
    (Message, ("id", "idempotency_key", "address", "recipient_key")),
):
    for _name in _fields:
        _model._meta.get_field(_name).register_lookup(AnyOf)
