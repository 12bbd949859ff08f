"""Channel backends: registry, console, e-mail errors, Twilio (its HTTP
client replaced by a recorder), web push against a local push service."""

import base64
import io
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from twilio.base.exceptions import TwilioRestException
from twilio.http.response import Response

from notifications.channels import channel_get
from notifications.channels.base import PERMANENT, SENT, TRANSIENT, OutboundMessage
from notifications.channels.console import ConsoleChannel
from notifications.channels.push import PushRouterChannel
from notifications.channels.sms import TwilioSmsChannel
from notifications.channels.twilio_common import twilio_error_result
from notifications.channels.voice import TwilioVoiceChannel, voice_twiml
from notifications.channels.webpush import WebPushChannel


def message(**kwargs):
    defaults = {
        "uuid": "11111111-2222-3333-4444-555555555555",
        "channel": "sms",
        "topic": "ptr.pre_event",
        "recipient_key": "customer:1",
        "language": "en",
        "address": "+13125550100",
        "subject": "Peak event",
        "body_text": "Peak event tomorrow 2-7 p.m.",
    }
    return OutboundMessage(**{**defaults, **kwargs})


def test_the_registry_loads_configured_backends_lazily(settings):
    settings.NOTIFICATION_CHANNELS = {
        "sms": {"BACKEND": "notifications.channels.console.ConsoleChannel"}
    }
    assert isinstance(channel_get("sms"), ConsoleChannel)
    assert channel_get("sms") is channel_get("sms")
    with pytest.raises(ValueError, match="no backend configured"):
        channel_get("voice")


def test_console_prints_the_message():
    stream = io.StringIO()
    result = ConsoleChannel(alias="sms", stream=stream).send(message())
    assert result.status == SENT
    assert "to +13125550100" in stream.getvalue()
    assert "Peak event tomorrow" in stream.getvalue()


class RecordingHttpClient:
    """Stands in for Twilio's HTTP client: records requests, returns canned
    responses (what leaves the machine is replaced, nothing else)."""

    def __init__(self, status=201, body=None):
        self.requests = []
        self.status = status
        self.body = body or {"sid": "SM123", "status": "queued"}
        self.last_response = None
        self.last_request = None

    def request(
        self,
        method,
        url,
        params=None,
        data=None,
        headers=None,
        auth=None,
        timeout=None,
        allow_redirects=False,
    ):
        self.requests.append({"method": method, "url": url, "data": data, "params": params})
        return Response(self.status, json.dumps(self.body))


def _twilio(backend_class, http, **options):
    from twilio.rest import Client

    backend = backend_class(alias="x", **options)
    backend._client = Client("ACtest", "token", http_client=http)
    return backend


def test_twilio_sms_sends_through_the_messaging_service():
    http = RecordingHttpClient()
    backend = _twilio(
        TwilioSmsChannel,
        http,
        messaging_service_sid="MG1",
        status_callback="https://portal.example/status/",
    )
    result = backend.send(message())
    assert (result.status, result.provider_id) == (SENT, "SM123")
    sent = http.requests[0]
    assert sent["url"].endswith("/Accounts/ACtest/Messages.json")
    assert sent["data"]["To"] == "+13125550100"
    assert sent["data"]["MessagingServiceSid"] == "MG1"
    assert sent["data"]["StatusCallback"] == (
        "https://portal.example/status/?m=11111111-2222-3333-4444-555555555555"
    )


def test_twilio_errors_are_classified():
    http = RecordingHttpClient(status=400, body={"code": 21211, "message": "Invalid 'To'"})
    assert _twilio(TwilioSmsChannel, http).send(message()).status == PERMANENT
    http = RecordingHttpClient(status=429, body={"code": 20429, "message": "Too many"})
    assert _twilio(TwilioSmsChannel, http).send(message()).status == TRANSIENT
    assert twilio_error_result(TwilioRestException(503, "u", "down")).status == TRANSIENT
    assert twilio_error_result(ConnectionError("reset")).status == TRANSIENT


def test_twilio_voice_speaks_the_script_and_gathers_a_keypress():
    http = RecordingHttpClient(body={"sid": "CA9", "status": "queued"})
    backend = _twilio(TwilioVoiceChannel, http, from_number="+18005550000")
    call = message(
        channel="voice",
        body_text="This is an alert. To stop these calls, press 9 now.",
        urls={"keypress": "https://portal.example/keypress/"},
    )
    result = backend.send(call)
    assert result.provider_id == "CA9"
    twiml = http.requests[0]["data"]["Twiml"]
    assert '<Gather action="https://portal.example/keypress/" method="POST" numDigits="1"' in twiml
    assert "press 9 now" in twiml
    assert twiml.endswith("<Hangup /></Response>")
    assert 'language="es-US"' in voice_twiml(message(language="es"))


class PushService(BaseHTTPRequestHandler):
    received: list = []
    status = 201

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        PushService.received.append(
            {
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": self.rfile.read(length),
            }
        )
        self.send_response(PushService.status)
        self.send_header("Location", "https://push.example/msg/1")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def push_service():
    server = HTTPServer(("127.0.0.1", 0), PushService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PushService.received, PushService.status = [], 201
    yield f"http://127.0.0.1:{server.server_port}/push/abc"
    server.shutdown()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _subscription_keys():
    browser_key = ec.generate_private_key(ec.SECP256R1())
    public = browser_key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return {"p256dh": _b64(public), "auth": _b64(os.urandom(16))}


def _vapid_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return _b64(key.private_numbers().private_value.to_bytes(32, "big"))


def test_web_push_encrypts_and_signs_with_vapid(push_service):
    backend = WebPushChannel(
        alias="push",
        vapid_private_key=_vapid_private_key(),
        vapid_subject="mailto:help@prairievalley.example",
    )
    result = backend.send(
        message(channel="push", address=push_service, address_data={"keys": _subscription_keys()})
    )
    assert result.status == SENT
    request = PushService.received[0]
    assert request["headers"]["content-encoding"] == "aes128gcm"
    assert request["headers"]["authorization"].startswith("vapid t=")
    assert b"Peak event tomorrow" not in request["body"]  # encrypted


def test_a_gone_subscription_fails_permanently(push_service):
    PushService.status = 410
    backend = WebPushChannel(
        alias="push", vapid_private_key=_vapid_private_key(), vapid_subject="mailto:x@example.com"
    )
    result = backend.send(
        message(channel="push", address=push_service, address_data={"keys": _subscription_keys()})
    )
    assert result.status == PERMANENT
    assert result.detail.startswith("subscription gone")


def test_the_push_router_sends_by_platform():
    router = PushRouterChannel(
        alias="push",
        platforms={"webpush": {"BACKEND": "notifications.channels.locmem.LocMemChannel"}},
    )
    results = router.send_many(
        [
            message(channel="push", address_data={"platform": "webpush"}),
            message(channel="push", uuid="x", address_data={"platform": "fcm"}),
        ]
    )
    assert results[0].status == SENT
    assert (results[1].status, results[1].detail) == (
        PERMANENT,
        "no push backend for platform 'fcm'",
    )


def test_email_channel_reports_an_unreachable_mailer_as_transient(settings):
    from notifications.channels.email import EmailChannel

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2},
        }
    }
    results = EmailChannel(alias="email").send_many(
        [message(channel="email", address="a@example.com")]
    )
    assert results[0].status == TRANSIENT
