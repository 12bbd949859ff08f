"""Signed Twilio and e-mail webhooks: STOP/HELP/YES, keypresses, receipts."""

import hashlib
import hmac
import json

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from notifications.models import ChannelOptOut, ContactPoint, InboundMessage, Message
from tests.factories import ContactPointFactory, MessageFactory

pytestmark = pytest.mark.django_db

TOKEN = "test-twilio-auth-token"
NUMBER = "+13125550177"


@pytest.fixture(autouse=True)
def _twilio(settings):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    settings.NOTIFICATIONS_EMAIL_WEBHOOK_SECRET = "email-secret"


def twilio_post(client, url_name, params, *, args=(), signed=True):
    path = reverse(f"notifications:{url_name}", args=args)
    headers = {}
    if signed:
        signature = RequestValidator(TOKEN).compute_signature(
            "https://portal.example" + path, params
        )
        headers["X-Twilio-Signature"] = signature
    return client.post(path, params, headers=headers)


def sms(client, body, number=NUMBER):
    return twilio_post(client, "twilio-sms", {"From": number, "Body": body, "MessageSid": "SM1"})


def test_stop_opts_the_number_and_its_owners_out_with_one_confirmation(client):
    ContactPointFactory(recipient_key="customer:1", mobile=True, address=NUMBER)
    ContactPointFactory(recipient_key="customer:2", mobile=True, address=NUMBER)
    queued = MessageFactory(channel="sms", address=NUMBER, status="queued")
    response = sms(client, "STOP")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert "You are unsubscribed from text alerts" in response.text
    assert ChannelOptOut.objects.filter(channel="sms", address=NUMBER).exists()
    assert set(
        ChannelOptOut.objects.filter(channel="sms")
        .exclude(recipient_key="")
        .values_list("recipient_key", flat=True)
    ) == {"customer:1", "customer:2"}
    queued.refresh_from_db()
    assert queued.status == "suppressed"
    again = sms(client, "unsubscribe")
    assert "<Message>" not in again.text  # one confirmation only
    assert InboundMessage.objects.filter(action="opt_out").count() == 2


def test_help_answers_with_who_what_how_often_and_how_to_stop(client):
    response = sms(client, "HELP")
    assert "Prairie Valley Energy Alerts" in response.text
    assert "Msg &amp; data rates may apply" in response.text
    assert "Reply STOP to cancel" in response.text


def test_yes_confirms_double_opt_in(client):
    contact = ContactPointFactory(
        recipient_key="customer:1", channel="sms", address=NUMBER, verified=False
    )
    response = sms(client, "Yes")
    assert "Text alerts are on" in response.text
    contact.refresh_from_db()
    assert contact.verified is True


def test_yes_cannot_undo_a_stop(client):
    contact = ContactPointFactory(
        recipient_key="customer:1", channel="sms", address=NUMBER, verified=False
    )
    sms(client, "STOP")
    response = sms(client, "YES")
    assert "can't read replies" in response.text
    contact.refresh_from_db()
    assert contact.verified is False


def test_anything_else_gets_the_call_center_reply(client):
    response = sms(client, "Is my power back?")
    assert "This number can&#x27;t read replies" in response.text or "can't read" in response.text
    assert "+1 800 555 0134" in response.text


def test_unsigned_or_badly_signed_requests_are_refused(client):
    path = reverse("notifications:twilio-sms")
    assert client.post(path, {"From": NUMBER, "Body": "STOP"}).status_code == 403
    response = client.post(
        path, {"From": NUMBER, "Body": "STOP"}, headers={"X-Twilio-Signature": "bogus"}
    )
    assert response.status_code == 403
    assert "X-Twilio-Signature" in response.text
    assert not ChannelOptOut.objects.exists()
    assert client.get(path).status_code == 405


def test_webhooks_are_refused_when_twilio_is_not_configured(client, settings):
    settings.TWILIO_AUTH_TOKEN = ""
    response = sms(client, "STOP")
    assert response.status_code == 403
    assert "not configured" in response.text


def test_missing_from_is_a_400(client):
    response = twilio_post(client, "twilio-sms", {"Body": "STOP"})
    assert response.status_code == 400


def test_pressing_9_stops_calls_to_that_number(client):
    ContactPointFactory(recipient_key="customer:1", channel="voice", address=NUMBER)
    call = MessageFactory(channel="voice", address=NUMBER, recipient_key="customer:1")
    response = twilio_post(client, "twilio-voice-keypress", {"Digits": "9"}, args=[call.uuid])
    assert response.status_code == 200
    assert "no longer receive these calls" in response.text
    assert ChannelOptOut.objects.filter(channel="voice", address=NUMBER).exists()
    assert ChannelOptOut.objects.filter(channel="voice", recipient_key="customer:1").exists()


def test_another_key_does_not_opt_out(client):
    call = MessageFactory(channel="voice", address=NUMBER)
    response = twilio_post(client, "twilio-voice-keypress", {"Digits": "1"}, args=[call.uuid])
    assert response.status_code == 200
    assert not ChannelOptOut.objects.exists()


def test_status_callbacks_update_the_log(client):
    message = MessageFactory(channel="sms", provider_id="SM42", status="sent")
    response = twilio_post(
        client,
        "twilio-status",
        {"MessageSid": "SM42", "MessageStatus": "undelivered", "ErrorCode": "30003"},
    )
    assert response.status_code == 204
    message.refresh_from_db()
    assert message.status == "failed"
    assert "30003" in message.reason
    call = MessageFactory(channel="voice", provider_id="CA7", status="sent")
    path = reverse("notifications:twilio-status") + f"?m={call.uuid}"
    params = {"CallSid": "CA-other", "CallStatus": "completed"}
    signature = RequestValidator(TOKEN).compute_signature("https://portal.example" + path, params)
    response = client.post(path, params, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 204
    call.refresh_from_db()
    assert call.status == "delivered"  # found by the uuid in the callback URL
    assert twilio_post(client, "twilio-status", {"CallSid": "CA7"}).status_code == 400


def email_post(client, payload, secret="email-secret"):  # noqa: S107
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return client.post(
        reverse("notifications:email-receipt"),
        body,
        content_type="application/json",
        headers={"X-Portal-Signature": signature},
    )


def test_email_receipts_are_signed_and_update_the_log(client):
    message = MessageFactory(channel="email", status="sent")
    response = email_post(
        client, {"message_id": str(message.uuid), "event": "bounced", "detail": "mailbox full"}
    )
    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "failed"
    assert (
        email_post(
            client, {"message_id": str(message.uuid), "event": "x"}, secret="wrong"
        ).status_code
        == 403
    )
    assert email_post(client, b"not json").status_code == 400
    assert email_post(client, {"message_id": "nope", "event": "delivered"}).status_code == 404


def test_contact_points_unaffected_by_unsigned_yes(client):
    contact = ContactPointFactory(channel="sms", address=NUMBER, verified=False)
    client.post(reverse("notifications:twilio-sms"), {"From": NUMBER, "Body": "YES"})
    contact.refresh_from_db()
    assert contact.verified is False
    assert ContactPoint.objects.count() == 1
    assert Message.objects.count() == 0
