"""Notifications: the one way the portal sends anything.

`notify()` / `notify_bulk()` decide each channel from preferences, consent
and opt-outs (notifications.policies), render the topic's template in the
recipient's language, record one `Message` per channel (unique per
idempotency key and channel) and queue delivery on commit. Delivery tasks
carry many messages; the send state machine (queued -> sending -> sent)
is committed around the provider call so a retried task or a killed
worker never sends a message twice (see docs/notifications.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import itertools
import json
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications import policies
from notifications.channels import channel_get
from notifications.channels.base import PERMANENT, SENT, TRANSIENT, DeliveryResult, OutboundMessage
from notifications.channels.webpush import GONE
from notifications.models import (
    ChannelOptOut,
    ContactPoint,
    DeferredSend,
    DeliveryAttempt,
    InboundMessage,
    Message,
    TopicPreference,
)
from notifications.recipients import Recipient
from notifications.rendering import base_context, email_document, message_render
from notifications.topics import (
    QUIET_HOURS_CHANNELS,
    SMS_OPT_IN,
    Channel,
    Topic,
    topic_get,
)

logger = logging.getLogger(__name__)

Status = Message.Status
UNSUBSCRIBE_SALT = "notifications.unsubscribe"
MAX_ATTEMPTS = 5


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageOutcome:
    channel: str
    status: str
    reason: str
    message_id: int
    created: bool


@dataclass(frozen=True)
class NotifyResult:
    idempotency_key: str
    messages: list[MessageOutcome] = field(default_factory=list)

    @property
    def queued_channels(self) -> list[str]:
        return [m.channel for m in self.messages if m.status == Status.QUEUED]

    @property
    def suppressed(self) -> dict[str, str]:
        return {m.channel: m.reason for m in self.messages if m.status == Status.SUPPRESSED}

    @property
    def created(self) -> bool:
        return any(m.created for m in self.messages)


@dataclass
class BulkNotifyResult:
    idempotency_key: str
    recipients: int = 0
    created: int = 0
    existing: int = 0
    queued: int = 0
    deferred: int = 0
    suppressed: int = 0
    tasks: int = 0


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.NOTIFICATIONS_BASE_URL.rstrip("/") + path


@lru_cache(maxsize=4)
def _unsubscribe_key(secret: str) -> bytes:
    return hashlib.sha256(f"{UNSUBSCRIBE_SALT}:{secret}".encode()).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsubscribe_token(*, recipient_key: str, topic: str, address: str) -> str:
    """A signed, URL-safe token naming who unsubscribes from what.

    No expiry: CAN-SPAM wants the link to work for at least 30 days, and it
    can only ever turn messages off. (Hand-rolled instead of
    django.core.signing because a fan-out signs one per e-mail: ~5 us vs
    ~100 us.)"""
    payload = json.dumps([recipient_key, topic, address], separators=(",", ":")).encode()
    signature = hmac.new(_unsubscribe_key(settings.SECRET_KEY), payload, hashlib.sha256)
    return f"{_b64(payload)}.{_b64(signature.digest()[:18])}"


def unsubscribe_token_read(token: str) -> dict | None:
    try:
        encoded, signature = token.split(".")
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        expected = hmac.new(_unsubscribe_key(settings.SECRET_KEY), payload, hashlib.sha256)
        if not hmac.compare_digest(_b64(expected.digest()[:18]), signature):
            return None
        recipient_key, topic, address = json.loads(payload)
    except (ValueError, TypeError, binascii.Error):
        return None
    if not all(isinstance(v, str) for v in (recipient_key, topic, address)):
        return None
    return {"r": recipient_key, "t": topic, "a": address}


@lru_cache(maxsize=4)
def _unsubscribe_url_template(base_url: str) -> str:
    return base_url.rstrip("/") + reverse("notifications:unsubscribe", args=["TOKEN"])


@lru_cache(maxsize=4)
def _preferences_url(base_url: str) -> str:
    return base_url.rstrip("/") + reverse("notifications:preferences")


def _unsubscribe_url(*, recipient_key: str, topic: str, address: str) -> str:
    token = unsubscribe_token(recipient_key=recipient_key, topic=topic, address=address)
    return _unsubscribe_url_template(settings.NOTIFICATIONS_BASE_URL).replace("TOKEN", token)


def address_normalize(*, channel: str, address: str) -> str:
    """The canonical form of an address, or ValidationError."""
    address = (address or "").strip()
    if channel == Channel.EMAIL:
        validate_email(address)
        local, _at, domain = address.rpartition("@")
        return f"{local}@{domain.lower()}"
    if channel in (Channel.SMS, Channel.VOICE):
        try:
            number = phonenumbers.parse(address, settings.PHONENUMBER_DEFAULT_REGION)
        except phonenumbers.NumberParseException as exc:
            raise ValidationError(_("Enter a valid phone number.")) from exc
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(_("Enter a valid phone number."))
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if channel == Channel.PUSH:
        URLValidator(schemes=["https"])(address)
        return address
    raise ValidationError(_("Unknown channel."))


def _staff_members(group: str) -> list[tuple[int, str]]:
    return list(
        get_user_model()
        .objects.filter(groups__name=group, is_active=True, is_staff=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email")
    )


# ---------------------------------------------------------------------------
# notify / notify_bulk
# ---------------------------------------------------------------------------


@dataclass
class _Item:
    recipient: Recipient
    context: dict
    idempotency_key: str


def notify(
    *,
    recipient: Recipient,
    topic: str,
    context: dict,
    idempotency_key: str,
    channels: Sequence[str] | None = None,
) -> NotifyResult:
    """Notify one recipient about `topic` (see NOTIFY_CONTRACT.md)."""
    outcomes = _notify_many(
        topic=topic_get(topic),
        items=[_Item(recipient, dict(context), idempotency_key)],
        batch_key=idempotency_key,
        channels=channels,
    )
    return NotifyResult(idempotency_key=idempotency_key, messages=outcomes)


def notify_bulk(
    *,
    topic: str,
    items: Iterable[tuple[Recipient, dict]],
    idempotency_key: str,
    channels: Sequence[str] | None = None,
    chunk_size: int = 2000,
) -> BulkNotifyResult:
    """Notify many recipients: set-based writes, batched delivery tasks.

    The per-recipient idempotency key is f"{idempotency_key}:{recipient.key}".
    Each chunk commits on its own unless the caller holds a transaction.
    """
    topic_obj = topic_get(topic)
    result = BulkNotifyResult(idempotency_key=idempotency_key)
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, chunk_size)):
        batch = [
            _Item(recipient, dict(context), f"{idempotency_key}:{recipient.key}")
            for recipient, context in chunk
        ]
        outcomes = _notify_many(
            topic=topic_obj, items=batch, batch_key=idempotency_key, channels=channels, stats=result
        )
        result.recipients += len(batch)
        for outcome in outcomes:
            if not outcome.created:
                result.existing += 1
                continue
            result.created += 1
            if outcome.status == Status.SUPPRESSED:
                result.suppressed += 1
            elif outcome.reason == policies.QUIET_HOURS:
                result.deferred += 1
            else:
                result.queued += 1
    if result.created >= 10_000 and connection.vendor == "postgresql":
        # Fresh planner statistics for the delivery tasks about to claim
        # these rows (autovacuum's analyze may be minutes away).
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Message._meta.db_table}")
    return result


@transaction.atomic
def _notify_many(
    *,
    topic: Topic,
    items: list[_Item],
    batch_key: str,
    channels: Sequence[str] | None,
    stats: BulkNotifyResult | None = None,
    address: str | None = None,
) -> list[MessageOutcome]:
    now = timezone.now()
    wanted = list(channels or topic.channels)
    customer_items = [i for i in items if not i.recipient.is_staff_group]
    state = policies.ConsentState.load(
        recipient_keys=[i.recipient.key for i in customer_items],
        channels=[c for c in wanted if c in topic.channels],
        topic=topic.key,
    )
    messages: list[dict] = []
    render_cache: dict = {}
    for item in items:
        if item.recipient.is_staff_group:
            messages += _staff_messages(topic=topic, item=item, batch_key=batch_key, wanted=wanted)
            continue
        for channel in wanted:
            messages.append(
                _customer_message(
                    topic=topic,
                    item=item,
                    channel=channel,
                    batch_key=batch_key,
                    state=state,
                    now=now,
                    address=address,
                    render_cache=render_cache,
                )
            )
    if not messages:
        return []
    outcomes = []
    to_send: dict[str, list[int]] = defaultdict(list)
    deferred: dict[int, datetime] = {}
    for pk, channel, status, reason, not_before, created in _messages_insert(messages):
        outcomes.append(MessageOutcome(channel, status, reason, pk, created))
        if created and status == Status.QUEUED:
            if not_before is None:
                to_send[channel].append(pk)
            else:
                deferred[pk] = not_before
    _defer(deferred)
    tasks = message_send_enqueue(ids_by_channel=to_send)
    if stats is not None:
        stats.tasks += tasks
    return outcomes


def _message(*, topic: Topic, item: _Item, channel: str, batch_key: str, **fields) -> dict:
    """A message row's values (Message's fields), not yet a model instance:
    a fan-out writes them with COPY."""
    return {
        "uuid": uuid.uuid4(),
        "idempotency_key": item.idempotency_key,
        "batch_key": batch_key[:255],
        "recipient_key": item.recipient.key,
        "recipient_name": item.recipient.name[:200],
        "language": item.recipient.language,
        "time_zone": item.recipient.time_zone or "",
        "topic": topic.key,
        "channel": channel,
        "address": "",
        "address_data": {},
        "subject": "",
        "body_text": "",
        "body_html": "",
        "status": Status.QUEUED,
        "reason": "",
        "not_before": None,
        **fields,
    }


_INSERT_COLUMNS = (
    "uuid", "idempotency_key", "batch_key", "recipient_key", "recipient_name", "language",
    "time_zone", "topic", "channel", "address", "address_data", "subject", "body_text",
    "body_html", "status", "reason", "not_before",
)  # fmt: skip


def _messages_insert(rows: list[dict]) -> list[tuple]:
    """Insert message rows, skipping any whose (idempotency key, channel)
    exists. Return (pk, channel, status, reason, not_before, created) for
    every row: COPY into a temporary table plus one INSERT ... ON CONFLICT
    DO NOTHING on PostgreSQL, bulk_create elsewhere."""
    if connection.vendor == "postgresql":
        created = _messages_copy(rows)
    else:
        Message.objects.bulk_create(
            [Message(**row) for row in rows], ignore_conflicts=True, batch_size=500
        )
        mine = {row["uuid"] for row in rows}
        created = [
            (pk, channel, status, reason, not_before, True)
            for pk, message_uuid, channel, status, reason, not_before in Message.objects.filter(
                uuid__in=mine
            ).values_list("pk", "uuid", "channel", "status", "reason", "not_before")
        ]
    if len(created) == len(rows):
        return created
    new = {row[0] for row in created}
    existing = Message.objects.filter(
        idempotency_key__any={row["idempotency_key"] for row in rows}
    ).exclude(id__any=new)
    return created + [
        (*values, False)
        for values in existing.values_list("pk", "channel", "status", "reason", "not_before")
    ]


def _messages_copy(rows: list[dict]) -> list[tuple]:
    from psycopg.types.json import Jsonb

    table = Message._meta.db_table
    temp = f"notify_rows_{uuid.uuid4().hex[:12]}"
    columns = ", ".join(_INSERT_COLUMNS)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "  # noqa: S608 - no user input
            f"SELECT {columns}, created_at, updated_at FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(
            f"COPY {temp} ({columns}, created_at, updated_at) FROM STDIN"
        ) as copy:
            for row in rows:
                values = [row[c] for c in _INSERT_COLUMNS]
                values[10] = Jsonb(values[10])
                copy.write_row([*values, now, now])
        cursor.execute(
            f"INSERT INTO {table} ({columns}, created_at, updated_at, provider_id, attempts) "  # noqa: S608
            f"SELECT {columns}, created_at, updated_at, '', 0 FROM {temp} "
            f"ON CONFLICT DO NOTHING RETURNING id, channel, status, reason, not_before"
        )
        created = [(*row, True) for row in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {temp}")
    return created


def _shared_context(language: str, cache: dict | None = None) -> dict:
    """What every message's context holds, computed once per call."""
    if cache is not None and language in cache:
        return cache[language]
    shared = {
        **base_context(language=language),
        "preferences_url": _preferences_url(settings.NOTIFICATIONS_BASE_URL),
        "portal_url": _absolute("/"),
    }
    if cache is not None:
        cache[language] = shared
    return shared


def _render_fields(
    *, topic: Topic, item: _Item, channel: str, address: str, render_cache: dict | None = None
) -> dict | None:
    recipient = item.recipient
    context = {
        **_shared_context(recipient.language, render_cache),
        "recipient_name": recipient.name,
        **item.context,
    }
    extra = {}
    if channel == Channel.EMAIL and not recipient.is_staff_group:
        extra["unsubscribe"] = context["unsubscribe_url"] = _unsubscribe_url(
            recipient_key=recipient.key, topic=topic.key, address=address
        )
    rendered = message_render(
        topic=topic.key, channel=channel, language=recipient.language, context=context
    )
    if rendered is None:
        return None
    return {
        "subject": rendered.subject[:300],
        "body_text": rendered.body_text,
        "body_html": rendered.body_html,
        "address_data": extra,
    }


def _customer_message(
    *,
    topic: Topic,
    item: _Item,
    channel: str,
    batch_key: str,
    state: policies.ConsentState,
    now: datetime,
    address: str | None,
    render_cache: dict,
) -> dict:
    key = item.recipient.key

    def suppressed(reason: str, address: str = "") -> dict:
        return _message(
            topic=topic,
            item=item,
            channel=channel,
            batch_key=batch_key,
            address=address,
            status=Status.SUPPRESSED,
            reason=reason,
        )

    if channel not in topic.channels:
        return suppressed(policies.NOT_A_TOPIC_CHANNEL)
    if (key, channel) in state.recipient_opt_outs:
        return suppressed(policies.OPTED_OUT)
    if topic.customer_editable and not state.topic_enabled(
        recipient_key=key, topic=topic, channel=channel
    ):
        return suppressed(policies.UNSUBSCRIBED)
    contact, reason = state.pick_contact(
        recipient_key=key, channel=channel, topic=topic.key, address=address
    )
    if contact is None:
        return suppressed(reason, address or "")
    contact_address, _verified, platform, push_keys = contact
    fields = _render_fields(
        topic=topic, item=item, channel=channel, address=contact_address, render_cache=render_cache
    )
    if fields is None:
        return suppressed(policies.NO_TEMPLATE, contact_address)
    not_before, reason = None, ""
    if channel in QUIET_HOURS_CHANNELS:
        not_before = policies.quiet_hours_release_at(now=now, time_zone=item.recipient.time_zone)
        reason = policies.QUIET_HOURS if not_before else ""
    if channel == Channel.PUSH:
        fields["address_data"] = {"platform": platform, "keys": push_keys}
    return _message(
        topic=topic,
        item=item,
        channel=channel,
        batch_key=batch_key,
        address=contact_address,
        not_before=not_before,
        reason=reason,
        **fields,
    )


def _staff_messages(*, topic: Topic, item: _Item, batch_key: str, wanted: list[str]) -> list:
    """A staff group's alert: one e-mail per active member of the group."""
    if Channel.EMAIL not in wanted or Channel.EMAIL not in topic.channels:
        return []
    members = _staff_members(item.recipient.staff_group)
    if not members:
        return [
            _message(
                topic=topic,
                item=item,
                channel=Channel.EMAIL,
                batch_key=batch_key,
                status=Status.SUPPRESSED,
                reason=policies.NO_STAFF_MEMBERS,
            )
        ]
    messages = []
    for user_pk, email in members:
        member_item = _Item(item.recipient, item.context, f"{item.idempotency_key}:user:{user_pk}")
        fields = _render_fields(topic=topic, item=member_item, channel=Channel.EMAIL, address=email)
        if fields is None:
            continue
        messages.append(
            _message(
                topic=topic,
                item=member_item,
                channel=Channel.EMAIL,
                batch_key=batch_key,
                address=email,
                **fields,
            )
        )
    return messages


def message_send_enqueue(*, ids_by_channel: dict[str, list[int]]) -> int:
    """Queue delivery tasks (after commit), each carrying a batch of ids."""
    from notifications.tasks import message_batch_send_task

    tasks = 0
    for channel, ids in ids_by_channel.items():
        size = channel_get(channel).max_batch_size
        for start in range(0, len(ids), size):
            message_batch_send_task.delay_on_commit(ids[start : start + size])
            tasks += 1
    return tasks


def _defer(due: dict[int, datetime]) -> None:
    """Record when deferred messages may go (the dispatcher's worklist)."""
    if due:
        DeferredSend.objects.bulk_create(
            [DeferredSend(message_id=pk, due_at=at) for pk, at in due.items()],
            update_conflicts=True,
            unique_fields=["message"],
            update_fields=["due_at"],
            batch_size=1000,
        )


# ---------------------------------------------------------------------------
# Sending: the state machine
# ---------------------------------------------------------------------------


def _backoff(attempts: int) -> timedelta:
    base = getattr(settings, "NOTIFICATIONS_RETRY_BACKOFF", 30)
    return timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), 3600))


def _outbound(message: Message) -> OutboundMessage:
    headers, urls, body_html = {}, {}, message.body_html
    if message.channel == Channel.EMAIL:
        unsubscribe = message.address_data.get("unsubscribe", "")
        if unsubscribe:
            headers = {
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            }
        body_html = email_document(
            fragment=message.body_html,
            subject=message.subject,
            language=message.language,
            unsubscribe_url=unsubscribe,
            preferences_url=_preferences_url(settings.NOTIFICATIONS_BASE_URL),
        )
    if message.channel == Channel.VOICE:
        urls["keypress"] = _absolute(
            reverse("notifications:twilio-voice-keypress", args=[message.uuid])
        )
    if message.channel == Channel.PUSH:
        urls["open"] = _preferences_url(settings.NOTIFICATIONS_BASE_URL)
    return OutboundMessage(
        uuid=str(message.uuid),
        channel=message.channel,
        topic=message.topic,
        recipient_key=message.recipient_key,
        language=message.language,
        address=message.address,
        subject=message.subject,
        body_text=message.body_text,
        body_html=body_html,
        address_data=message.address_data,
        headers=headers,
        urls=urls,
    )


def _send_state(messages: list[Message]) -> policies.ConsentState:
    """Fresh opt-outs, and which mobile numbers said YES, for messages about
    to go out."""
    keys = {m.recipient_key for m in messages}
    channels = {m.channel for m in messages}
    state = policies.ConsentState.load(recipient_keys=keys, channels=channels, with_contacts=False)
    state.load_address_opt_outs(addresses={m.address for m in messages}, channels=channels)
    texted = {m.recipient_key for m in messages if m.channel == Channel.SMS}
    state.verified_numbers = (
        set(
            ContactPoint.objects.filter(
                channel=Channel.SMS, verified=True, recipient_key__any=texted
            ).values_list("recipient_key", "address")
        )
        if texted
        else set()
    )
    return state


def _verified(state: policies.ConsentState, message: Message) -> bool:
    return (message.recipient_key, message.address) in state.verified_numbers


def message_batch_send(*, message_ids: Sequence[int], now: datetime | None = None) -> dict:
    """Send the due, queued messages among `message_ids`.

    1. In one transaction, claim them (one UPDATE ... RETURNING: queued ->
       "sending" with this run's send token; rows another worker claimed are
       skipped), re-check consent and quiet hours and hand back the ones
       that may not go out now. Commit: from now on a crash leaves evidence.
    2. Hand them to the channel backend.
    3. In one transaction, record each result, but only on rows still
       "sending" with this run's token.
    Then reconcile any of `message_ids` stuck in "sending" (a killed worker).
    Every write is set-based: a handful of statements per batch.
    """
    now = now or timezone.now()
    counts: dict[str, int] = defaultdict(int)
    token = uuid.uuid4()
    to_send: list[Message] = []
    with transaction.atomic():
        claimed = _claim(message_ids=message_ids, token=token, now=now)
        suppressed: dict[str, list[int]] = defaultdict(list)
        deferred: dict[datetime, list[int]] = defaultdict(list)
        state = _send_state(claimed) if claimed else None
        for message in claimed:
            reason = state.block_reason(
                recipient_key=message.recipient_key,
                channel=message.channel,
                address=message.address,
                topic=message.topic,
                verified=_verified(state, message),
            )
            if reason:
                suppressed[reason].append(message.pk)
                continue
            if message.channel in QUIET_HOURS_CHANNELS:
                release = policies.quiet_hours_release_at(
                    now=now, time_zone=message.time_zone or None
                )
                if release:
                    deferred[release].append(message.pk)
                    continue
            to_send.append(message)
        for reason, ids in suppressed.items():
            Message.objects.filter(id__any=ids).update(
                status=Status.SUPPRESSED,
                reason=reason,
                attempts=F("attempts") - 1,
                send_token=None,
                updated_at=now,
            )
            counts["suppressed"] += len(ids)
        for release, ids in deferred.items():
            Message.objects.filter(id__any=ids).update(
                status=Status.QUEUED,
                not_before=release,
                reason=policies.QUIET_HOURS,
                attempts=F("attempts") - 1,
                send_token=None,
                updated_at=now,
            )
            _defer(dict.fromkeys(ids, release))
            counts["deferred"] += len(ids)
    by_channel: dict[str, list[Message]] = defaultdict(list)
    for message in to_send:
        by_channel[message.channel].append(message)
    for channel, messages in by_channel.items():
        results = channel_get(channel).send_many([_outbound(m) for m in messages])
        recorded = _results_record(messages=messages, results=results, token=token)
        for key, value in recorded.items():
            counts[key] += value
    # Only ids this run did not claim can be stuck from an earlier run.
    claimed_ids = {m.pk for m in claimed}
    unclaimed = [pk for pk in message_ids if pk not in claimed_ids]
    for message_id in message_stuck_ids(message_ids=unclaimed, now=now) if unclaimed else []:
        counts[message_reconcile(message_id=message_id, now=now)] += 1
    return dict(counts)


_CLAIM_COLUMNS = (
    "id", "uuid", "recipient_key", "topic", "channel", "address", "address_data", "language",
    "time_zone", "subject", "body_text", "body_html", "attempts", "provider_id",
)  # fmt: skip


def _db_datetime(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _claim(*, message_ids: Sequence[int], token, now: datetime) -> list[Message]:
    """queued -> sending for the due messages among `message_ids`, in one
    statement; returns the claimed rows (attempts already counted)."""
    ids = [int(pk) for pk in message_ids]
    if not ids:
        return []
    table = Message._meta.db_table
    if connection.vendor == "postgresql":
        # A join on the ids, not "id = ANY(...) AND status = 'queued'": with
        # a large queue the planner would scan every queued row per batch.
        source, where_ids, id_params = (
            "FROM unnest(%s::bigint[]) AS claim(id) ",
            (f"{table}.id = claim.id"),
            [ids],
        )
    else:
        source, where_ids, id_params = "", f"id IN ({', '.join(['%s'] * len(ids))})", ids
    returning = ", ".join(f"{table}.{column}" for column in _CLAIM_COLUMNS)
    sql = (
        f"UPDATE {table} SET status = %s, send_token = %s, sending_at = %s, "  # noqa: S608
        f"attempts = {table}.attempts + 1, reason = '', updated_at = %s {source}"
        f"WHERE {where_ids} AND {table}.status = %s "
        f"AND ({table}.not_before IS NULL OR {table}.not_before <= %s) RETURNING {returning}"
    )
    stamp = _db_datetime(now)
    params = [Status.SENDING, _uuid_param(token), stamp, stamp, *id_params, Status.QUEUED, stamp]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    claimed = []
    for row in rows:
        values = dict(zip(_CLAIM_COLUMNS, row, strict=True))
        if not isinstance(values["uuid"], uuid.UUID):
            values["uuid"] = uuid.UUID(values["uuid"])
        if isinstance(values["address_data"], str):
            values["address_data"] = json.loads(values["address_data"])
        claimed.append(Message(**values, status=Status.SENDING, send_token=token, sending_at=now))
    claimed.sort(key=lambda m: m.pk)
    return claimed


def _provider_ids_set(sent: list[tuple[int, str]], *, token, now: datetime) -> set[int]:
    """Mark messages sent with each one's provider id in one statement;
    return the ids it updated (still "sending" with this run's token)."""
    table = Message._meta.db_table
    stamp = _db_datetime(now)
    if connection.vendor == "postgresql":
        source = "unnest(%s::bigint[], %s::text[]) AS v(id, pid)"
        params: list = [[pk for pk, _p in sent], [pid for _pk, pid in sent]]
        prefix = ""
    else:
        values = ", ".join(["(CAST(%s AS bigint), CAST(%s AS text))"] * len(sent))
        prefix = f"WITH v(id, pid) AS (VALUES {values}) "
        source = "v"
        params = [p for pair in sent for p in pair]
    sql = (
        f"{prefix}UPDATE {table} SET status = %s, sent_at = %s, reason = '', "  # noqa: S608
        f"provider_id = v.pid, updated_at = %s FROM {source} WHERE {table}.id = v.id "
        f"AND {table}.send_token = %s AND {table}.status = %s RETURNING {table}.id"
    )
    status_params = [Status.SENT, stamp, stamp]
    token_params = [_uuid_param(token), Status.SENDING]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql, [*status_params, *params, *token_params])
        else:
            cursor.execute(sql, [*params, *status_params, *token_params])
        return {row[0] for row in cursor.fetchall()}


def _uuid_param(value):
    """A UUID as the database stores it (SQLite: 32 hex characters)."""
    return value if connection.vendor == "postgresql" else value.hex


def _attempts_insert(attempts: list[tuple]) -> None:
    """(message id, number, outcome, detail, provider id) rows, COPY on
    PostgreSQL."""
    if not attempts:
        return
    if connection.vendor != "postgresql":
        DeliveryAttempt.objects.bulk_create(
            [
                DeliveryAttempt(message_id=m, number=n, outcome=o, detail=d, provider_id=p)
                for m, n, o, d, p in attempts
            ],
            batch_size=500,
        )
        return
    now = timezone.now()
    table = DeliveryAttempt._meta.db_table
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(
            f"COPY {table} (message_id, number, outcome, detail, provider_id, created_at) "
            "FROM STDIN"
        ) as copy,
    ):
        for row in attempts:
            copy.write_row([*row, now])


@transaction.atomic
def _results_record(
    *,
    messages: list[Message],
    results: list[DeliveryResult],
    token,
    outcome_sent: str = DeliveryAttempt.Outcome.SENT,
) -> dict:
    finished = timezone.now()
    counts: dict[str, int] = defaultdict(int)
    sent: list[tuple[int, str]] = []
    retry: dict[tuple[datetime, str], list[int]] = defaultdict(list)
    failed: dict[str, list[int]] = defaultdict(list)
    attempts: dict[int, tuple] = {}
    gone = []
    for message, result in zip(messages, results, strict=True):
        provider_id = result.provider_id[:200]
        if result.status == SENT:
            sent.append((message.pk, provider_id or message.provider_id))
            outcome = outcome_sent
        elif result.status == TRANSIENT and message.attempts < MAX_ATTEMPTS:
            release = finished + _backoff(message.attempts)
            retry[(release, f"retrying: {result.detail}"[:200])].append(message.pk)
            outcome = DeliveryAttempt.Outcome.TRANSIENT_ERROR
        else:
            prefix = "" if result.status == PERMANENT else f"gave up after {message.attempts}: "
            failed[f"{prefix}{result.detail}"[:200]].append(message.pk)
            outcome = DeliveryAttempt.Outcome.PERMANENT_ERROR
            if message.channel == Channel.PUSH and result.detail.startswith(GONE):
                gone.append(message.address)
        attempts[message.pk] = (
            message.pk,
            message.attempts,
            outcome,
            result.detail[:500],
            provider_id,
        )
    recorded: set[int] = set()
    for start in range(0, len(sent), 1000):
        recorded |= _provider_ids_set(sent[start : start + 1000], token=token, now=finished)
    counts[Status.SENT] += len(recorded)
    mine = Message.objects.filter(status=Status.SENDING, send_token=token)
    for (release, reason), ids in retry.items():
        ids = list(mine.filter(id__any=ids).values_list("pk", flat=True))
        Message.objects.filter(id__any=ids).update(
            status=Status.QUEUED, not_before=release, reason=reason, updated_at=finished
        )
        _defer(dict.fromkeys(ids, release))
        recorded.update(ids)
        counts[Status.QUEUED] += len(ids)
    for reason, ids in failed.items():
        ids = list(mine.filter(id__any=ids).values_list("pk", flat=True))
        Message.objects.filter(id__any=ids).update(
            status=Status.FAILED, failed_at=finished, reason=reason, updated_at=finished
        )
        recorded.update(ids)
        counts[Status.FAILED] += len(ids)
    # Rows no longer ours were settled by a reconciler meanwhile.
    counts["superseded"] = len(messages) - len(recorded)
    if not counts["superseded"]:
        del counts["superseded"]
    _attempts_insert([row for pk, row in attempts.items() if pk in recorded])
    if gone:
        ContactPoint.objects.filter(channel=Channel.PUSH, address__in=gone).delete()
    return counts


def _sending_timeout() -> timedelta:
    return timedelta(seconds=getattr(settings, "NOTIFICATIONS_SENDING_TIMEOUT", 600))


def message_stuck_ids(*, message_ids: Sequence[int] | None = None, now: datetime) -> list[int]:
    stuck = Message.objects.filter(status=Status.SENDING, sending_at__lt=now - _sending_timeout())
    if message_ids is not None:
        stuck = stuck.filter(id__any=list(message_ids))
    else:
        stuck = stuck.filter(created_at__gte=_recent(now))
    return list(stuck.values_list("pk", flat=True)[:5000])


def message_reconcile(*, message_id: int, now: datetime | None = None) -> str:
    """Settle a message left in "sending" by an interrupted worker.

    The provider may or may not have it. A backend that de-duplicates on the
    message uuid gets it again (harmless); one that can look messages up is
    asked; otherwise the message is marked failed with "outcome unknown" and
    never sent again: at most once beats twice.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=Status.SENDING, sending_at__lt=now - _sending_timeout())
            .first()
        )
        if message is None:
            return "not_stuck"
        # Claim it: a concurrent reconciler or the original worker (if it
        # was only slow) no longer matches this token.
        message.send_token = uuid.uuid4()
        message.sending_at = now
        message.save(update_fields=["send_token", "sending_at", "updated_at"])
    token = message.send_token
    backend = channel_get(message.channel)
    outbound = _outbound(message)
    reconciled = DeliveryAttempt.Outcome.RECONCILED
    if backend.supports_idempotency_key:
        result = backend.send_many([outbound])[0]
    elif backend.supports_lookup:
        try:
            result = backend.lookup(outbound) or backend.send_many([outbound])[0]
        except Exception as exc:  # noqa: BLE001 - provider unreachable: try later
            logger.warning("lookup of message %s failed: %s", message.pk, exc)
            return "lookup_failed"
    else:
        result = DeliveryResult(
            PERMANENT, detail="outcome unknown after an interruption; not resent"
        )
        reconciled = DeliveryAttempt.Outcome.UNKNOWN
    _results_record(messages=[message], results=[result], token=token, outcome_sent=reconciled)
    return "reconciled"


def _recent(now: datetime) -> datetime:
    """How far back sweeps look: anything older was settled long ago."""
    return now - timedelta(days=getattr(settings, "NOTIFICATIONS_SWEEP_DAYS", 7))


def message_dispatch_due(*, now: datetime | None = None, limit: int = 20000) -> dict:
    """The beat dispatcher: release deferred messages whose time has come
    and, every few minutes, re-queue messages whose task was lost and
    reconcile sends interrupted by a dead worker."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            DeferredSend.objects.select_for_update(skip_locked=True)
            .filter(due_at__lte=now)
            .order_by("due_at")
            .values_list("message_id", "message__channel", "message__status")[:limit]
        )
        DeferredSend.objects.filter(message_id__in=[pk for pk, _c, _s in due]).delete()
        ids_by_channel: dict[str, list[int]] = defaultdict(list)
        for pk, channel, status in due:
            if status == Status.QUEUED:
                ids_by_channel[channel].append(pk)
        released = [pk for ids in ids_by_channel.values() for pk in ids]
        Message.objects.filter(id__any=released).update(not_before=None, updated_at=now)
        lost, stuck = [], []
        interval = getattr(settings, "NOTIFICATIONS_SWEEP_INTERVAL", 300)
        if cache.add("notifications:sweep", now.isoformat(), timeout=interval):
            lost = list(
                Message.objects.filter(
                    created_at__gte=_recent(now),
                    status=Status.QUEUED,
                    not_before__isnull=True,
                    updated_at__lt=now - _sending_timeout(),
                ).values_list("pk", "channel")[:limit]
            )
            for pk, channel in lost:
                ids_by_channel[channel].append(pk)
            Message.objects.filter(id__any=[pk for pk, _c in lost]).update(updated_at=now)
            stuck = message_stuck_ids(now=now)
        tasks = message_send_enqueue(ids_by_channel=ids_by_channel)
        if stuck:
            from notifications.tasks import message_reconcile_task

            for message_id in stuck:
                message_reconcile_task.delay_on_commit(message_id)
    return {"released": len(released), "lost": len(lost), "tasks": tasks, "stuck": len(stuck)}


# ---------------------------------------------------------------------------
# Receipts
# ---------------------------------------------------------------------------

RECEIPT_STATUS = {
    # Twilio messages
    "delivered": Status.DELIVERED,
    "read": Status.DELIVERED,
    "undelivered": Status.FAILED,
    "failed": Status.FAILED,
    # Twilio calls
    "completed": Status.DELIVERED,
    "busy": Status.FAILED,
    "no-answer": Status.FAILED,
    "canceled": Status.FAILED,
    # e-mail (anymail's normalized event types)
    "bounced": Status.FAILED,
    "rejected": Status.FAILED,
    "complained": Status.DELIVERED,
}


@transaction.atomic
def message_receipt_record(
    *,
    status: str,
    provider_id: str = "",
    message_uuid: str = "",
    detail: str = "",
) -> Message | None:
    """Apply a provider's delivery receipt. Statuses only move forward."""
    new_status = RECEIPT_STATUS.get(status)
    query = Message.objects.select_for_update()
    if message_uuid:
        try:
            message = query.filter(uuid=uuid.UUID(str(message_uuid))).first()
        except ValueError:
            message = None
    elif provider_id:
        # No index on provider_id (it changes with the send state); look
        # among recent messages. Twilio callbacks carry the uuid instead.
        since = timezone.now() - timedelta(days=30)
        message = query.filter(created_at__gte=since, provider_id=provider_id).first()
    else:
        message = None
    if message is None:
        return None
    DeliveryAttempt.objects.create(
        message=message,
        number=message.attempts,
        outcome=DeliveryAttempt.Outcome.RECEIPT,
        detail=f"{status} {detail}".strip()[:500],
        provider_id=provider_id[:200],
    )
    if new_status is None or message.status not in (Status.SENT, Status.SENDING):
        return message
    message.status = new_status
    if new_status == Status.DELIVERED:
        message.delivered_at = timezone.now()
    else:
        message.failed_at = timezone.now()
        message.reason = f"provider reported {status} {detail}".strip()[:200]
    message.save(update_fields=["status", "delivered_at", "failed_at", "reason", "updated_at"])
    return message


# ---------------------------------------------------------------------------
# Contact points, preferences and opt-outs
# ---------------------------------------------------------------------------


def contact_point_upsert(
    *,
    recipient_key: str,
    channel: str,
    address: str,
    verified: bool = False,
    source: str = "",
    platform: str = "",
    push_keys: dict | None = None,
) -> ContactPoint:
    """Register an address a recipient can be reached at (idempotent).

    Verification only ever goes up: an upsert never un-verifies a number
    that replied YES.
    """
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."))
    address = address_normalize(channel=channel, address=address)
    if channel == Channel.PUSH and not platform:
        platform = ContactPoint.Platform.WEBPUSH
    with transaction.atomic():
        contact, created = ContactPoint.objects.select_for_update().get_or_create(
            recipient_key=recipient_key,
            channel=channel,
            address=address,
            defaults={
                "verified": verified,
                "verified_at": timezone.now() if verified else None,
                "source": source[:40],
                "platform": platform,
                "push_keys": push_keys or {},
            },
        )
        if not created:
            changed = []
            if verified and not contact.verified:
                contact.verified, contact.verified_at = True, timezone.now()
                changed += ["verified", "verified_at"]
            if push_keys and push_keys != contact.push_keys:
                contact.push_keys = push_keys
                changed.append("push_keys")
            if changed:
                contact.save(update_fields=[*changed, "updated_at"])
    return contact


class ContactPointRow(NamedTuple):
    """One address to register in bulk (`contact_points_upsert_bulk`)."""

    recipient_key: str
    channel: str
    address: str
    source: str = ""


@dataclass
class ContactPointBulkResult:
    rows: int = 0
    created: int = 0
    existing: int = 0
    blank: int = 0
    invalid: int = 0
    opted_out: int = 0


# Bulk registration is for addresses on file (e-mail, phone): push
# subscriptions come one by one from a browser, with their keys.
BULK_CHANNELS = (Channel.EMAIL, Channel.SMS, Channel.VOICE)
# Placeholders per IN (...) outside PostgreSQL (SQLite's default limit is 32,766).
_IN_CHUNK = 5000


def _chunks(values: list, size: int) -> Iterable[list]:
    if connection.vendor == "postgresql":
        yield values  # one `= ANY(array)` parameter whatever the count
        return
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _opted_out_recipients(keys: set[str]) -> set[tuple[str, str]]:
    found = set()
    for chunk in _chunks(sorted(keys), _IN_CHUNK):
        found.update(
            ChannelOptOut.objects.filter(recipient_key__any=chunk).values_list(
                "recipient_key", "channel"
            )
        )
    return found


def _opted_out_addresses(addresses: set[str]) -> set[tuple[str, str]]:
    found = set()
    for chunk in _chunks(sorted(addresses), _IN_CHUNK):
        found.update(
            ChannelOptOut.objects.filter(address__any=chunk).values_list("channel", "address")
        )
    return found


def contact_points_upsert_bulk(
    *, rows: Iterable[ContactPointRow | tuple]
) -> ContactPointBulkResult:
    """Register many addresses on file at once (idempotent, set-based).

    The rules of `contact_point_upsert` for addresses the utility has on
    file, plus consent: addresses are validated and normalized (phones to
    E.164; a malformed or blank one is skipped and counted), nothing is
    created for a recipient opted out of the channel or an address that
    opted out (STOP, 9), and existing contact points are left as they are
    (a number that replied YES stays verified). New ones are unverified, so
    a phone still needs the YES double opt-in before it gets texts.

    A few queries whatever the count: the opt-outs of the rows' recipients,
    those of their addresses, and one INSERT ... ON CONFLICT DO NOTHING
    (unnest of arrays on PostgreSQL; batched bulk_create elsewhere).
    """
    result = ContactPointBulkResult()
    normalized: dict[tuple[str, str], str | None] = {}
    wanted: dict[tuple[str, str, str], str] = {}
    for row in rows:
        recipient_key, channel, address, source = ContactPointRow(*row)
        result.rows += 1
        address = (address or "").strip()
        if not address:
            result.blank += 1
            continue
        if channel not in BULK_CHANNELS:
            result.invalid += 1
            continue
        # Texts and calls share the phone's normal form: parse it once.
        kind = "phone" if channel in (Channel.SMS, Channel.VOICE) else channel
        if (kind, address) not in normalized:
            try:
                normalized[kind, address] = address_normalize(channel=channel, address=address)
            except ValidationError:
                normalized[kind, address] = None
        address = normalized[kind, address]
        if address is None or len(address) > 500 or not recipient_key or len(recipient_key) > 120:
            result.invalid += 1
            continue
        wanted.setdefault((recipient_key, channel, address), source[:40])
    if not wanted:
        return result
    blocked_recipients = _opted_out_recipients({key for key, _c, _a in wanted})
    blocked_addresses = _opted_out_addresses({address for _k, _c, address in wanted})
    new = []
    for (key, channel, address), source in wanted.items():
        if (key, channel) in blocked_recipients or (channel, address) in blocked_addresses:
            result.opted_out += 1
            continue
        new.append((key, channel, address, source))
    if new:
        result.created = _contact_points_insert(new)
    result.existing = len(new) - result.created
    return result


def _contact_points_insert(rows: list[tuple[str, str, str, str]]) -> int:
    """Insert (recipient_key, channel, address, source) rows that do not
    exist yet; return how many were created.

    Rows on file are filtered out before the INSERT (not left to ON
    CONFLICT, which would draw an id from the sequence for each of them:
    every page view and every import re-registers what exists)."""
    now = timezone.now()
    table = ContactPoint._meta.db_table
    if connection.vendor == "postgresql":
        keys, channels, addresses, sources = (list(column) for column in zip(*rows, strict=True))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (recipient_key, channel, address, source, verified, "  # noqa: S608 - no user input
                "verified_at, consent_requested_at, platform, push_keys, created_at, updated_at) "
                "SELECT k, c, a, s, false, NULL, NULL, '', '{}'::jsonb, %s, %s "
                "FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[]) AS t(k, c, a, s) "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} x "
                "WHERE x.recipient_key = t.k AND x.channel = t.c AND x.address = t.a) "
                "ON CONFLICT DO NOTHING",
                [now, now, keys, channels, addresses, sources],
            )
            return cursor.rowcount
    created = 0
    with transaction.atomic():
        for start in range(0, len(rows), _IN_CHUNK):
            chunk = rows[start : start + _IN_CHUNK]
            on_file = set(
                ContactPoint.objects.filter(
                    recipient_key__any={key for key, _c, _a, _s in chunk}
                ).values_list("recipient_key", "channel", "address")
            )
            new = [
                ContactPoint(
                    recipient_key=key,
                    channel=channel,
                    address=address,
                    source=source,
                    created_at=now,
                    updated_at=now,
                )
                for key, channel, address, source in chunk
                if (key, channel, address) not in on_file
            ]
            ContactPoint.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
            created += len(new)
    return created


def channel_opted_out(*, recipient_key: str, channel: str) -> bool:
    return ChannelOptOut.objects.filter(recipient_key=recipient_key, channel=channel).exists()


def _refuse_if_opted_out(*, recipient_key: str, channel: str) -> None:
    if channel_opted_out(recipient_key=recipient_key, channel=channel):
        raise ValidationError(
            _("You opted out of %(channel)s permanently; it cannot be turned back on.")
            % {"channel": Channel(channel).label.lower()}
        )


@transaction.atomic
def preference_set(
    *, recipient_key: str, topic: str, channel: str, enabled: bool
) -> TopicPreference:
    """Turn one topic on or off on one channel (reversible)."""
    topic_obj = topic_get(topic)
    if not topic_obj.customer_editable or channel not in topic_obj.channels:
        raise ValidationError(_("This topic is not offered on this channel."))
    if enabled:
        _refuse_if_opted_out(recipient_key=recipient_key, channel=channel)
    preference, _created = TopicPreference.objects.update_or_create(
        recipient_key=recipient_key, topic=topic, channel=channel, defaults={"enabled": enabled}
    )
    return preference


@transaction.atomic
def channel_opt_out(
    *, recipient_key: str, channel: str, source: str, note: str = ""
) -> ChannelOptOut:
    """Opt a recipient out of a channel, permanently and for every topic."""
    if channel not in Channel.values:
        raise ValidationError(_("Unknown channel."))
    opt_out, _created = ChannelOptOut.objects.get_or_create(
        recipient_key=recipient_key, channel=channel, defaults={"source": source, "note": note}
    )
    # Anything still waiting on this channel is suppressed now, not at send.
    Message.objects.filter(
        recipient_key=recipient_key, channel=channel, status=Status.QUEUED
    ).update(status=Status.SUPPRESSED, reason=policies.OPTED_OUT, updated_at=timezone.now())
    return opt_out


@transaction.atomic
def address_opt_out(*, channel: str, address: str, source: str, note: str = "") -> bool:
    """Opt an address out (STOP, press 9): that number gets nothing on this
    channel again, and every recipient using it is opted out of the channel.
    Returns True the first time (so the confirmation is sent once)."""
    _opt_out, created = ChannelOptOut.objects.get_or_create(
        channel=channel, address=address, defaults={"source": source, "note": note}
    )
    recipient_keys = set(
        ContactPoint.objects.filter(channel=channel, address=address).values_list(
            "recipient_key", flat=True
        )
    )
    for key in recipient_keys:
        channel_opt_out(recipient_key=key, channel=channel, source=source, note=note)
    # Deliveries re-check opt-outs anyway; this settles what is waiting now.
    Message.objects.filter(
        created_at__gte=_recent(timezone.now()),
        channel=channel,
        address=address,
        status=Status.QUEUED,
    ).update(status=Status.SUPPRESSED, reason=policies.ADDRESS_OPTED_OUT, updated_at=timezone.now())
    return created


def sms_opt_in_request(*, recipient: Recipient, address: str) -> ContactPoint:
    """Register a mobile number and text it the "Reply YES" request."""
    _refuse_if_opted_out(recipient_key=recipient.key, channel=Channel.SMS)
    address = address_normalize(channel=Channel.SMS, address=address)
    if ChannelOptOut.objects.filter(channel=Channel.SMS, address=address).exists():
        raise ValidationError(_("This number texted STOP and can no longer receive our texts."))
    with transaction.atomic():
        contact = contact_point_upsert(
            recipient_key=recipient.key, channel=Channel.SMS, address=address, source="portal"
        )
        if contact.verified:
            return contact
        now = timezone.now()
        _notify_many(
            topic=topic_get(SMS_OPT_IN),
            items=[_Item(recipient, {}, f"sms-opt-in:{recipient.key}:{address}:{now:%Y%m%d%H}")],
            batch_key="sms-opt-in",
            channels=[Channel.SMS],
            address=address,
        )
        contact.consent_requested_at = now
        contact.save(update_fields=["consent_requested_at", "updated_at"])
    return contact


def contact_point_add(*, recipient: Recipient, channel: str, address: str) -> ContactPoint:
    """A customer adds an address on the preferences page."""
    _refuse_if_opted_out(recipient_key=recipient.key, channel=channel)
    if channel == Channel.SMS:
        return sms_opt_in_request(recipient=recipient, address=address)
    normalized = address_normalize(channel=channel, address=address)
    if ChannelOptOut.objects.filter(channel=channel, address=normalized).exists():
        raise ValidationError(_("This address opted out and can no longer be used."))
    return contact_point_upsert(
        recipient_key=recipient.key, channel=channel, address=normalized, source="portal"
    )


@transaction.atomic
def contact_point_remove(*, recipient_key: str, contact_point_id: int) -> bool:
    deleted, _rows = ContactPoint.objects.filter(
        pk=contact_point_id, recipient_key=recipient_key
    ).delete()
    return bool(deleted)


def push_subscribe(*, recipient: Recipient, subscription: dict) -> ContactPoint:
    """Store a browser's PushSubscription (its JSON) as a push contact point."""
    _refuse_if_opted_out(recipient_key=recipient.key, channel=Channel.PUSH)
    if not isinstance(subscription, dict):
        raise ValidationError(_("Invalid push subscription."))
    endpoint = subscription.get("endpoint")
    keys = subscription.get("keys")
    if (
        not isinstance(endpoint, str)
        or not isinstance(keys, dict)
        or not all(isinstance(keys.get(k), str) and keys.get(k) for k in ("p256dh", "auth"))
    ):
        raise ValidationError(_("Invalid push subscription."))
    return contact_point_upsert(
        recipient_key=recipient.key,
        channel=Channel.PUSH,
        address=endpoint,
        verified=True,
        source="portal",
        platform=ContactPoint.Platform.WEBPUSH,
        push_keys={"p256dh": keys["p256dh"], "auth": keys["auth"]},
    )


# ---------------------------------------------------------------------------
# Inbound: texts and keypresses
# ---------------------------------------------------------------------------


def _inbound_language(address: str, keyword_language: str | None) -> str:
    if keyword_language:
        return keyword_language
    last = (
        Message.objects.filter(address=address)
        .order_by("-created_at")
        .values_list("language", flat=True)
        .first()
    )
    return last or settings.LANGUAGE_CODE


@transaction.atomic
def inbound_sms_handle(*, from_number: str, body: str, provider_id: str = "") -> str:
    """Act on a text from a customer; return the reply ("" for none)."""
    from notifications import keywords

    try:
        address = address_normalize(channel=Channel.SMS, address=from_number)
    except ValidationError:
        address = from_number[:500]
    kind, keyword_language = keywords.classify(body)
    language = _inbound_language(address, keyword_language)
    if kind == keywords.STOP:
        first = address_opt_out(
            channel=Channel.SMS,
            address=address,
            source=ChannelOptOut.Source.SMS_STOP,
            note=body[:200],
        )
        reply = keywords.reply(keywords.STOP, language) if first else ""
        action = InboundMessage.Action.OPT_OUT
    elif kind == keywords.HELP:
        reply, action = keywords.reply(keywords.HELP, language), InboundMessage.Action.HELP
    elif kind == keywords.YES and _sms_confirm(address):
        reply, action = keywords.reply(keywords.YES, language), InboundMessage.Action.CONFIRM
    else:
        reply, action = keywords.reply(keywords.OTHER, language), InboundMessage.Action.OTHER
    InboundMessage.objects.create(
        channel=Channel.SMS,
        address=address,
        body=body[:2000],
        action=action,
        reply=reply,
        provider_id=provider_id[:200],
    )
    return reply


def _sms_confirm(address: str) -> bool:
    """Double opt-in: a YES verifies every pending contact point with this
    number, unless the number (or its owner) opted out."""
    if ChannelOptOut.objects.filter(channel=Channel.SMS, address=address).exists():
        return False
    opted_out = ChannelOptOut.objects.filter(channel=Channel.SMS).exclude(recipient_key="")
    pending = ContactPoint.objects.filter(
        channel=Channel.SMS, address=address, verified=False
    ).exclude(recipient_key__in=opted_out.values("recipient_key"))
    return bool(
        pending.update(verified=True, verified_at=timezone.now(), updated_at=timezone.now())
    )


@transaction.atomic
def voice_keypress_handle(*, message_uuid: str, digits: str) -> bool:
    """Pressing 9 during a call opts the called number out of calls."""
    try:
        message = Message.objects.filter(uuid=uuid.UUID(str(message_uuid))).first()
    except ValueError:
        message = None
    if message is None or message.channel != Channel.VOICE:
        return False
    opted_out = digits.strip() == "9"
    if opted_out:
        address_opt_out(
            channel=Channel.VOICE,
            address=message.address,
            source=ChannelOptOut.Source.VOICE_KEYPRESS,
            note=f"message {message.uuid}",
        )
        channel_opt_out(
            recipient_key=message.recipient_key,
            channel=Channel.VOICE,
            source=ChannelOptOut.Source.VOICE_KEYPRESS,
        )
    InboundMessage.objects.create(
        channel=Channel.VOICE,
        address=message.address,
        body=f"pressed {digits[:10]}",
        action=InboundMessage.Action.OPT_OUT if opted_out else InboundMessage.Action.OTHER,
    )
    return opted_out


def unsubscribe_apply(*, token: str, scope: str) -> dict | None:
    """The e-mail unsubscribe link: scope "topic" turns this topic's e-mail
    off (reversible; what one-click does); "channel" opts out of e-mail."""
    data = unsubscribe_token_read(token)
    if data is None:
        return None
    if scope == "channel":
        channel_opt_out(
            recipient_key=data["r"],
            channel=Channel.EMAIL,
            source=ChannelOptOut.Source.EMAIL_UNSUBSCRIBE,
            note=f"via {data['t']} e-mail",
        )
    else:
        try:
            preference_set(
                recipient_key=data["r"], topic=data["t"], channel=Channel.EMAIL, enabled=False
            )
        except (ValidationError, ValueError, IntegrityError):
            return None
    return data
