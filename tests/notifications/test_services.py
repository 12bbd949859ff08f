"""notify() / notify_bulk(): channel decisions, idempotency, quiet hours,
retries and the send state machine."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import ValidationError

from notifications import services
from notifications.channels import locmem
from notifications.channels.base import PermanentChannelError, TransientChannelError
from notifications.models import ChannelOptOut, ContactPoint, DeliveryAttempt, Message
from notifications.recipients import Recipient
from notifications.topics import (
    BILL_READY,
    PTR_POST_EVENT,
    PTR_PRE_EVENT,
    STAFF_IMPORT_FAILED,
    TOPICS,
)
from tests.factories import ContactPointFactory, StaffUserFactory

pytestmark = pytest.mark.django_db

ALEX = Recipient(key="customer:1", language="en", name="Alex Rivera")
# 15:00 in Chicago (CDT, UTC-5): inside the 08:00-21:00 window.
AFTERNOON = datetime(2026, 7, 13, 20, 0, tzinfo=UTC)
# 22:30 in Chicago: quiet hours.
NIGHT = datetime(2026, 7, 14, 3, 30, tzinfo=UTC)
CONTEXT = TOPICS[PTR_PRE_EVENT].sample_context


@pytest.fixture
def alex_contacts():
    return {
        "email": ContactPointFactory(recipient_key=ALEX.key, address="alex@example.com"),
        "sms": ContactPointFactory(recipient_key=ALEX.key, mobile=True, address="+13125550101"),
        "voice": ContactPointFactory(
            recipient_key=ALEX.key, channel="voice", address="+13125550101"
        ),
    }


def send(django_capture_on_commit_callbacks, **kwargs):
    kwargs.setdefault("recipient", ALEX)
    kwargs.setdefault("topic", PTR_PRE_EVENT)
    kwargs.setdefault("context", CONTEXT)
    kwargs.setdefault("idempotency_key", "event-1")
    with django_capture_on_commit_callbacks(execute=True):
        return services.notify(**kwargs)


@time_machine.travel(AFTERNOON)
def test_notify_uses_the_topic_default_channels(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    result = send(django_capture_on_commit_callbacks)
    assert sorted(result.queued_channels) == ["email", "sms"]
    assert result.suppressed == {
        "voice": "topic turned off for this channel",  # calls are opt-in for this topic
        "push": "no contact point for this channel",
    }
    assert sorted(m.channel for m in outbox) == ["email", "sms"]
    sms = next(m for m in outbox if m.channel == "sms")
    assert sms.address == "+13125550101"
    assert "Tuesday, July 14" in sms.body_text
    assert len(sms.body_text) <= 160
    assert set(Message.objects.values_list("channel", "status")) == {
        ("email", "sent"),
        ("sms", "sent"),
        ("voice", "suppressed"),
        ("push", "suppressed"),
    }


@time_machine.travel(AFTERNOON)
def test_the_same_idempotency_key_sends_once(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    first = send(django_capture_on_commit_callbacks, channels=["email"])
    second = send(django_capture_on_commit_callbacks, channels=["email"])
    assert first.created is True
    assert second.created is False
    assert len(outbox) == 1
    assert Message.objects.filter(channel="email").count() == 1


@time_machine.travel(AFTERNOON)
def test_texts_wait_for_double_opt_in(outbox, alex_contacts, django_capture_on_commit_callbacks):
    ContactPoint.objects.filter(channel="sms").update(verified=False)
    result = send(django_capture_on_commit_callbacks, channels=["sms"])
    assert result.suppressed == {"sms": "mobile number has not replied YES yet"}
    assert outbox == []


@time_machine.travel(AFTERNOON)
def test_channel_opt_out_stops_every_topic_and_cannot_be_undone(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    services.channel_opt_out(recipient_key=ALEX.key, channel="email", source="portal")
    for topic in (PTR_PRE_EVENT, PTR_POST_EVENT, BILL_READY):
        result = send(
            django_capture_on_commit_callbacks,
            topic=topic,
            channels=["email"],
            idempotency_key=f"k-{topic}",
        )
        assert result.suppressed == {"email": "opted out of this channel"}
    assert outbox == []
    with pytest.raises(ValidationError, match="cannot be turned back on"):
        services.preference_set(
            recipient_key=ALEX.key, topic=BILL_READY, channel="email", enabled=True
        )
    opt_out = ChannelOptOut.objects.get(recipient_key=ALEX.key)
    with pytest.raises(ValidationError):
        opt_out.delete()
    with pytest.raises(ValidationError):
        ChannelOptOut.objects.all().delete()
    with pytest.raises(ValidationError):
        ChannelOptOut.objects.update(note="undo")
    opt_out.note = "changed"
    with pytest.raises(ValidationError):
        opt_out.save()
    assert ChannelOptOut.objects.count() == 1


@time_machine.travel(AFTERNOON)
def test_topic_unsubscribe_is_reversible(outbox, alex_contacts, django_capture_on_commit_callbacks):
    services.preference_set(
        recipient_key=ALEX.key, topic=PTR_PRE_EVENT, channel="email", enabled=False
    )
    result = send(django_capture_on_commit_callbacks, channels=["email"], idempotency_key="a")
    assert result.suppressed == {"email": "topic turned off for this channel"}
    services.preference_set(
        recipient_key=ALEX.key, topic=PTR_PRE_EVENT, channel="email", enabled=True
    )
    result = send(django_capture_on_commit_callbacks, channels=["email"], idempotency_key="b")
    assert result.queued_channels == ["email"]
    assert len(outbox) == 1


def test_texts_at_night_are_deferred_to_eight_local_then_sent(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    with time_machine.travel(NIGHT, tick=False):
        send(django_capture_on_commit_callbacks)
    sms = Message.objects.get(channel="sms")
    assert sms.status == "queued"
    assert sms.reason == "deferred: quiet hours"
    # 08:00 CDT on July 14 = 13:00 UTC.
    assert sms.not_before == datetime(2026, 7, 14, 13, 0, tzinfo=UTC)
    assert [m.channel for m in outbox] == ["email"]
    with (
        time_machine.travel(datetime(2026, 7, 14, 12, 59, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.message_dispatch_due()
    assert [m.channel for m in outbox] == ["email"]
    with (
        time_machine.travel(datetime(2026, 7, 14, 13, 0, 30, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.message_dispatch_due()
    assert sorted(m.channel for m in outbox) == ["email", "sms"]
    sms.refresh_from_db()
    assert sms.status == "sent"


def test_quiet_hours_follow_the_recipients_time_zone(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    # 22:30 in Chicago is 20:30 in Los Angeles: allowed there.
    west = Recipient(key=ALEX.key, time_zone="America/Los_Angeles")
    with time_machine.travel(NIGHT, tick=False):
        send(django_capture_on_commit_callbacks, recipient=west, channels=["sms"])
    assert [m.channel for m in outbox] == ["sms"]


def test_a_message_queued_before_nine_but_sent_after_is_deferred_again(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    with time_machine.travel(datetime(2026, 7, 14, 1, 59, tzinfo=UTC), tick=False):
        services.notify(
            recipient=ALEX,
            topic=PTR_PRE_EVENT,
            context=CONTEXT,
            idempotency_key="late",
            channels=["sms"],
        )  # not sent yet
    message = Message.objects.get()
    with time_machine.travel(datetime(2026, 7, 14, 2, 5, tzinfo=UTC), tick=False):
        counts = services.message_batch_send(message_ids=[message.pk])
    assert counts == {"deferred": 1}
    message.refresh_from_db()
    assert message.status == "queued"
    assert message.not_before == datetime(2026, 7, 14, 13, 0, tzinfo=UTC)
    assert outbox == []


@time_machine.travel(AFTERNOON)
def test_transient_errors_retry_with_backoff_permanent_ones_do_not(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    locmem.fail_next("alex@example.com", TransientChannelError("timeout"))
    locmem.fail_next("+13125550101", PermanentChannelError("21211 invalid number"))
    send(django_capture_on_commit_callbacks, channels=["email", "sms"])
    email = Message.objects.get(channel="email")
    sms = Message.objects.get(channel="sms")
    assert (email.status, email.reason) == ("queued", "retrying: timeout")
    assert email.not_before is not None
    assert (sms.status, sms.reason) == ("failed", "21211 invalid number")
    assert outbox == []
    with (
        time_machine.travel(email.not_before + timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.message_dispatch_due()
    email.refresh_from_db()
    sms.refresh_from_db()
    assert email.status == "sent"
    assert sms.status == "failed"
    assert [m.channel for m in outbox] == ["email"]
    assert list(email.delivery_attempts.values_list("outcome", flat=True)) == ["transient", "sent"]


@time_machine.travel(AFTERNOON)
def test_gives_up_after_the_last_attempt(outbox, alex_contacts):
    message = services.notify(
        recipient=ALEX,
        topic=PTR_PRE_EVENT,
        context=CONTEXT,
        idempotency_key="x",
        channels=["email"],
    ).messages[0]
    locmem.fail_next("alex@example.com", *[TransientChannelError("down")] * services.MAX_ATTEMPTS)
    for _attempt in range(services.MAX_ATTEMPTS):
        Message.objects.filter(pk=message.message_id).update(not_before=None)
        services.message_batch_send(message_ids=[message.message_id])
    stored = Message.objects.get(pk=message.message_id)
    assert stored.status == "failed"
    assert stored.reason == f"gave up after {services.MAX_ATTEMPTS}: down"
    assert stored.attempts == services.MAX_ATTEMPTS


@time_machine.travel(AFTERNOON)
def test_an_opt_out_after_queueing_wins_over_the_send(outbox, alex_contacts):
    result = services.notify(
        recipient=ALEX, topic=PTR_PRE_EVENT, context=CONTEXT, idempotency_key="y", channels=["sms"]
    )
    services.address_opt_out(channel="sms", address="+13125550101", source="sms_stop")
    services.message_batch_send(message_ids=[result.messages[0].message_id])
    assert outbox == []
    assert Message.objects.get().status == "suppressed"


@time_machine.travel(AFTERNOON)
def test_staff_alerts_go_to_each_member_of_the_group(outbox, django_capture_on_commit_callbacks):
    group = Group.objects.get(name="Data administrator")
    for email in ("dana@utility.example", "lee@utility.example"):
        StaffUserFactory(email=email).groups.add(group)
    StaffUserFactory(email="other@utility.example")
    result = send(
        django_capture_on_commit_callbacks,
        recipient=Recipient(key="staff:Data administrator"),
        topic=STAFF_IMPORT_FAILED,
        context={"file_name": "usage.gz", "error": "line 3: bad date", "url": "/admin/"},
        idempotency_key="import-7",
    )
    assert len(result.messages) == 2
    assert sorted(m.address for m in outbox) == ["dana@utility.example", "lee@utility.example"]
    assert "usage.gz" in outbox[0].subject


@time_machine.travel(AFTERNOON)
def test_notify_bulk_batches_and_is_idempotent_per_recipient(
    outbox, django_capture_on_commit_callbacks
):
    recipients = [Recipient(key=f"customer:{n}") for n in range(1, 31)]
    for r in recipients:
        ContactPointFactory(recipient_key=r.key, address=f"{r.key.split(':')[1]}@example.com")
    items = [(r, CONTEXT) for r in recipients]
    with django_capture_on_commit_callbacks(execute=True):
        result = services.notify_bulk(
            topic=PTR_PRE_EVENT,
            items=items,
            idempotency_key="event-9",
            channels=["email"],
            chunk_size=7,
        )
    assert (result.recipients, result.created, result.queued) == (30, 30, 30)
    assert result.tasks == 5  # one delivery task per chunk, not per message
    assert len(outbox) == 30
    assert Message.objects.filter(idempotency_key="event-9:customer:4").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify_bulk(
            topic=PTR_PRE_EVENT, items=items, idempotency_key="event-9", channels=["email"]
        )
    assert (again.created, again.existing) == (0, 30)
    assert len(outbox) == 30


@time_machine.travel(AFTERNOON)
def test_email_is_multipart_with_one_click_unsubscribe(alex_contacts, settings):
    settings.NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": "notifications.channels.email.EmailChannel"}
    }
    result = services.notify(
        recipient=ALEX,
        topic=PTR_PRE_EVENT,
        context=CONTEXT,
        idempotency_key="z",
        channels=["email"],
    )
    services.message_batch_send(message_ids=[result.messages[0].message_id])
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["alex@example.com"]
    assert email.subject.startswith("Peak Time Rebate event on Tuesday, July 14")
    assert email.alternatives[0].mimetype == "text/html"
    assert email.alternatives[0].content.count("<!doctype html>") == 1
    assert "<strong>Tuesday, July 14 is a peak day.</strong>" in email.alternatives[0].content
    assert email.extra_headers["List-Unsubscribe"].startswith(
        "<https://portal.example/notifications/unsubscribe/"
    )
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Hello Alex Rivera," in email.body


@time_machine.travel(AFTERNOON)
def test_spanish_recipients_get_spanish_messages(outbox, alex_contacts):
    maria = Recipient(key=ALEX.key, language="es", name="María")
    result = services.notify(
        recipient=maria,
        topic=PTR_PRE_EVENT,
        context=CONTEXT,
        idempotency_key="es",
        channels=["email", "voice"],
    )
    assert result.suppressed == {"voice": "topic turned off for this channel"}
    message = Message.objects.get(channel="email")
    assert message.subject.startswith("Evento de Reembolso en Horas Pico")
    assert "Hola María:" in message.body_text


def test_a_killed_send_is_reconciled_without_a_second_message(outbox, alex_contacts, settings):
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 60
    with time_machine.travel(AFTERNOON, tick=False):
        result = services.notify(
            recipient=ALEX,
            topic=PTR_PRE_EVENT,
            context=CONTEXT,
            idempotency_key="k",
            channels=["email"],
        )
        message_id = result.messages[0].message_id
        message = Message.objects.get(pk=message_id)
        # The provider accepted it, then the worker died before recording it.
        locmem.LocMemChannel(alias="email").send(services._outbound(message))
        Message.objects.filter(pk=message_id).update(status="sending", sending_at=AFTERNOON)
        assert services.message_batch_send(message_ids=[message_id]) == {}
    with time_machine.travel(AFTERNOON + timedelta(minutes=2), tick=False):
        counts = services.message_batch_send(message_ids=[message_id])
    assert counts == {"reconciled": 1}
    message.refresh_from_db()
    assert message.status == "sent"
    assert len(outbox) == 1
    assert message.delivery_attempts.get().outcome == DeliveryAttempt.Outcome.RECONCILED


def test_without_idempotency_or_lookup_an_interrupted_send_is_not_resent(
    alex_contacts, settings, capsys
):
    settings.NOTIFICATIONS_SENDING_TIMEOUT = 60
    settings.NOTIFICATION_CHANNELS = {
        "email": {"BACKEND": "notifications.channels.console.ConsoleChannel"}
    }
    with time_machine.travel(AFTERNOON, tick=False):
        result = services.notify(
            recipient=ALEX,
            topic=PTR_PRE_EVENT,
            context=CONTEXT,
            idempotency_key="c",
            channels=["email"],
        )
        message_id = result.messages[0].message_id
        Message.objects.filter(pk=message_id).update(status="sending", sending_at=AFTERNOON)
    with time_machine.travel(AFTERNOON + timedelta(minutes=2), tick=False):
        services.message_dispatch_due()
        services.message_reconcile(message_id=message_id)
    message = Message.objects.get(pk=message_id)
    assert message.status == "failed"
    assert message.reason == "outcome unknown after an interruption; not resent"
    assert capsys.readouterr().out == ""


def test_receipts_move_status_forward_only(db):
    from tests.factories import MessageFactory

    message = MessageFactory(channel="sms", provider_id="SM123", status="sent")
    services.message_receipt_record(status="delivered", provider_id="SM123")
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.delivered_at is not None
    services.message_receipt_record(status="failed", provider_id="SM123")
    message.refresh_from_db()
    assert message.status == "delivered"
    assert message.delivery_attempts.count() == 2
    assert services.message_receipt_record(status="delivered", provider_id="nope") is None


def test_contact_point_upsert_normalizes_and_never_unverifies(db):
    contact = services.contact_point_upsert(
        recipient_key="customer:9", channel="sms", address="(312) 555-0199", verified=True
    )
    assert contact.address == "+13125550199"
    again = services.contact_point_upsert(
        recipient_key="customer:9", channel="sms", address="+1 312 555 0199", verified=False
    )
    assert again.pk == contact.pk
    assert again.verified is True
    email = services.contact_point_upsert(
        recipient_key="customer:9", channel="email", address="Pat@Example.COM"
    )
    assert email.address == "Pat@example.com"
    with pytest.raises(ValidationError):
        services.contact_point_upsert(recipient_key="customer:9", channel="sms", address="12")
    with pytest.raises(ValidationError):
        services.contact_point_upsert(recipient_key="customer:9", channel="fax", address="x")


def test_unknown_topics_are_refused(db):
    with pytest.raises(ValueError, match="unknown notification topic"):
        services.notify(recipient=ALEX, topic="nope", context={}, idempotency_key="n")


@time_machine.travel(AFTERNOON)
def test_sms_opt_in_request_is_the_only_text_before_yes(outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        contact = services.sms_opt_in_request(recipient=ALEX, address="312-555-0142")
    assert contact.verified is False
    assert contact.consent_requested_at is not None
    assert [m.address for m in outbox] == ["+13125550142"]
    assert "reply YES" in outbox[0].body_text
    assert len(outbox[0].body_text) <= 160
    result = send(django_capture_on_commit_callbacks, channels=["sms"])
    assert result.suppressed == {"sms": "mobile number has not replied YES yet"}
    assert len(outbox) == 1


def test_the_dispatcher_requeues_a_message_whose_task_was_lost(
    outbox, alex_contacts, django_capture_on_commit_callbacks
):
    with time_machine.travel(AFTERNOON, tick=False):
        # Queued, but its delivery task never reached a worker.
        services.notify(
            recipient=ALEX,
            topic=PTR_PRE_EVENT,
            context=CONTEXT,
            idempotency_key="lost",
            channels=["email"],
        )
    assert outbox == []
    with (
        time_machine.travel(AFTERNOON + timedelta(minutes=20), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = services.message_dispatch_due()
    assert counts["lost"] == 1
    assert [m.address for m in outbox] == ["alex@example.com"]
    assert Message.objects.get().status == "sent"
