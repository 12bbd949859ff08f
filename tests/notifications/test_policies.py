"""Consent rules as properties: no sequence of preference changes, opt-outs
and sends ever delivers to an opted-out channel; quiet hours."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notifications import policies, services
from notifications.channels import locmem
from notifications.models import ContactPoint, Message
from notifications.recipients import Recipient
from notifications.topics import BILL_READY, OUTAGE, PTR_PRE_EVENT, TOPICS

START = datetime(2026, 7, 13, 18, 0, tzinfo=UTC)  # 13:00 in Chicago


@pytest.mark.parametrize(
    ("now", "time_zone", "expected"),
    [
        (datetime(2026, 7, 13, 18, 0, tzinfo=UTC), None, None),  # 13:00 CDT
        (datetime(2026, 7, 14, 1, 59, tzinfo=UTC), None, None),  # 20:59 CDT
        (datetime(2026, 7, 14, 2, 0, tzinfo=UTC), None, datetime(2026, 7, 14, 13, 0, tzinfo=UTC)),
        (datetime(2026, 7, 14, 12, 59, tzinfo=UTC), None, datetime(2026, 7, 14, 13, 0, tzinfo=UTC)),
        (datetime(2026, 7, 14, 13, 0, tzinfo=UTC), None, None),
        # New York is an hour ahead: 21:30 there.
        (
            datetime(2026, 7, 14, 1, 30, tzinfo=UTC),
            "America/New_York",
            datetime(2026, 7, 14, 12, 0, tzinfo=UTC),
        ),
        # The night clocks fall back (Nov 1 2026): 08:00 CST is 14:00 UTC.
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), None, datetime(2026, 11, 1, 14, 0, tzinfo=UTC)),
        # An unknown zone falls back to the utility's.
        (
            datetime(2026, 7, 14, 2, 0, tzinfo=UTC),
            "Mars/Olympus",
            datetime(2026, 7, 14, 13, 0, tzinfo=UTC),
        ),
    ],
)
def test_quiet_hours_release(now, time_zone, expected):
    assert policies.quiet_hours_release_at(now=now, time_zone=time_zone) == expected


def test_the_send_window_is_configurable(settings):
    settings.NOTIFICATIONS_SEND_WINDOW = ("09:00", "20:00")
    at_eight_thirty = datetime(2026, 7, 13, 13, 30, tzinfo=UTC)
    assert policies.quiet_hours_release_at(now=at_eight_thirty, time_zone=None) == datetime(
        2026, 7, 13, 14, 0, tzinfo=UTC
    )


KEYS = ["customer:1", "customer:2"]
SHARED_PHONE = "+13125550100"
TOPIC_KEYS = [PTR_PRE_EVENT, BILL_READY, OUTAGE]
CHANNELS = ["email", "sms", "voice", "push"]

operations = st.one_of(
    st.tuples(
        st.just("pref"),
        st.sampled_from(KEYS),
        st.sampled_from(TOPIC_KEYS),
        st.sampled_from(CHANNELS),
        st.booleans(),
    ),
    st.tuples(st.just("opt_out"), st.sampled_from(KEYS), st.sampled_from(CHANNELS)),
    st.tuples(st.just("stop"), st.sampled_from(["sms", "voice"])),
    st.tuples(st.just("yes")),
    st.tuples(
        st.just("send"),
        st.sampled_from(KEYS),
        st.sampled_from(TOPIC_KEYS),
        st.sampled_from([None, ["sms", "voice"], CHANNELS]),
    ),
    st.tuples(st.just("wait"), st.integers(min_value=1, max_value=14)),
    st.tuples(st.just("deliver")),
)


def _contacts():
    for n, key in enumerate(KEYS):
        ContactPoint.objects.create(recipient_key=key, channel="email", address=f"c{n}@example.com")
        ContactPoint.objects.create(
            recipient_key=key, channel="sms", address=SHARED_PHONE, verified=n == 0
        )
        ContactPoint.objects.create(recipient_key=key, channel="voice", address=SHARED_PHONE)
        ContactPoint.objects.create(
            recipient_key=key,
            channel="push",
            address=f"https://push.example/{n}",
            platform="webpush",
        )


def _deliver_everything_due():
    ids = list(Message.objects.filter(status="queued").values_list("pk", flat=True))
    services.message_batch_send(message_ids=ids)


@pytest.mark.django_db
@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operations, min_size=1, max_size=25))
def test_no_sequence_ever_delivers_to_an_opted_out_channel(ops):
    locmem.outbox_clear()
    opted_out: set[tuple[str, str]] = set()  # (recipient key, channel)
    stopped: set[tuple[str, str]] = set()  # (channel, address)
    off: set[tuple[str, str, str]] = set()  # (key, topic, channel) turned off
    with transaction.atomic(), time_machine.travel(START, tick=False) as clock:
        _contacts()
        for step, op in enumerate(ops):
            before = len(locmem.outbox)
            kind = op[0]
            if kind == "pref":
                _k, key, topic, channel, enabled = op
                try:
                    services.preference_set(
                        recipient_key=key, topic=topic, channel=channel, enabled=enabled
                    )
                except ValidationError:
                    assert (enabled and (key, channel) in opted_out) or channel not in TOPICS[
                        topic
                    ].channels
                else:
                    (off.discard if enabled else off.add)((key, topic, channel))
            elif kind == "opt_out":
                services.channel_opt_out(recipient_key=op[1], channel=op[2], source="portal")
                opted_out.add((op[1], op[2]))
            elif kind == "stop":
                services.address_opt_out(channel=op[1], address=SHARED_PHONE, source="sms_stop")
                stopped.add((op[1], SHARED_PHONE))
                opted_out.update((key, op[1]) for key in KEYS)
            elif kind == "yes":
                services.inbound_sms_handle(from_number=SHARED_PHONE, body="YES")
            elif kind == "send":
                _k, key, topic, channels = op
                result = services.notify(
                    recipient=Recipient(key=key),
                    topic=topic,
                    context={},
                    idempotency_key=f"op-{step}",
                    channels=channels,
                )
                queued = [m.message_id for m in result.messages if m.status == "queued"]
                services.message_batch_send(message_ids=queued)
            elif kind == "wait":
                clock.shift(timedelta(hours=op[1]))
            else:
                _deliver_everything_due()
            for sent in locmem.outbox[before:]:
                assert (sent.recipient_key, sent.channel) not in opted_out, (op, sent)
                assert (sent.channel, sent.address) not in stopped, (op, sent)
                assert (sent.recipient_key, sent.topic, sent.channel) not in off, (op, sent)
                if sent.channel in ("sms", "voice"):
                    local = datetime.now(UTC) - timedelta(hours=5)  # CDT in July
                    assert 8 <= local.hour < 21, (op, sent)
        transaction.set_rollback(True)
