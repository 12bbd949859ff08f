"""Inbound webhooks: Twilio texts, keypresses and status callbacks, e-mail
receipts. Every request is signature-checked; a bad or unsigned request
gets a clear 4xx, never a 500.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications import services

logger = logging.getLogger(__name__)
TWIML = "application/xml"


def _twilio_signature_ok(request: HttpRequest) -> bool:
    from twilio.request_validator import RequestValidator

    token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    # Twilio signs the URL it called: behind a proxy, the public base URL.
    url = settings.NOTIFICATIONS_BASE_URL.rstrip("/") + request.get_full_path()
    params = request.POST.dict()
    validator = RequestValidator(token)
    return validator.validate(url, params, signature) or validator.validate(
        request.build_absolute_uri(), params, signature
    )


def twilio_signed(view):
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not getattr(settings, "TWILIO_AUTH_TOKEN", ""):
            return HttpResponse(
                "Twilio webhooks are not configured.\n", status=403, content_type="text/plain"
            )
        if not _twilio_signature_ok(request):
            return HttpResponse(
                "Invalid or missing X-Twilio-Signature.\n", status=403, content_type="text/plain"
            )
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return csrf_exempt(require_POST(wrapper))


def _twiml_message(reply: str) -> HttpResponse:
    from twilio.twiml.messaging_response import MessagingResponse

    response = MessagingResponse()
    if reply:
        response.message(reply)
    return HttpResponse(str(response), content_type=TWIML)


@twilio_signed
def twilio_sms_inbound(request: HttpRequest) -> HttpResponse:
    """A customer's text: STOP/HELP/YES/other (notifications.keywords)."""
    from_number = request.POST.get("From", "")
    if not from_number:
        return HttpResponse("Missing From.\n", status=400, content_type="text/plain")
    reply = services.inbound_sms_handle(
        from_number=from_number,
        body=request.POST.get("Body", ""),
        provider_id=request.POST.get("MessageSid", ""),
    )
    return _twiml_message(reply)


@twilio_signed
def twilio_voice_keypress(request: HttpRequest, message_uuid) -> HttpResponse:
    """The <Gather> action of an outbound call: 9 stops these calls."""
    from twilio.twiml.voice_response import VoiceResponse

    opted_out = services.voice_keypress_handle(
        message_uuid=str(message_uuid), digits=request.POST.get("Digits", "")
    )
    response = VoiceResponse()
    if opted_out:
        response.say("You will no longer receive these calls. Goodbye.")
    response.hangup()
    return HttpResponse(str(response), content_type=TWIML)


@twilio_signed
def twilio_status(request: HttpRequest) -> HttpResponse:
    """Delivery receipts for texts (MessageStatus) and calls (CallStatus)."""
    sid = request.POST.get("MessageSid") or request.POST.get("CallSid") or ""
    status = request.POST.get("MessageStatus") or request.POST.get("CallStatus") or ""
    if not sid or not status:
        return HttpResponse(
            "Missing MessageSid/CallSid or status.\n", status=400, content_type="text/plain"
        )
    error = request.POST.get("ErrorCode", "")
    services.message_receipt_record(
        status=status,
        provider_id=sid,
        message_uuid=request.GET.get("m", ""),
        detail=f"error {error}" if error else "",
    )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def email_receipt(request: HttpRequest) -> HttpResponse:
    """A generic e-mail receipt webhook for ESPs without anymail support.

    Body: {"message_id": "<uuid>", "event": "delivered|bounced|...",
    "provider_id": "...", "detail": "..."}; header X-Portal-Signature:
    hex HMAC-SHA256 of the raw body with NOTIFICATIONS_EMAIL_WEBHOOK_SECRET.
    """
    secret = getattr(settings, "NOTIFICATIONS_EMAIL_WEBHOOK_SECRET", "")
    if not secret:
        return JsonResponse({"error": "e-mail webhook is not configured"}, status=403)
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, request.headers.get("X-Portal-Signature", "")):
        return JsonResponse({"error": "invalid or missing X-Portal-Signature"}, status=403)
    try:
        payload = json.loads(request.body)
        message_id, event = str(payload["message_id"]), str(payload["event"])
    except (ValueError, KeyError, TypeError):
        return JsonResponse({"error": "expected JSON with message_id and event"}, status=400)
    message = services.message_receipt_record(
        status=event,
        message_uuid=message_id,
        provider_id=str(payload.get("provider_id", "")),
        detail=str(payload.get("detail", "")),
    )
    if message is None:
        return JsonResponse({"error": "unknown message"}, status=404)
    return JsonResponse({"status": message.status})


def _anymail_tracking(sender, event, esp_name, **kwargs) -> None:
    """anymail's normalized tracking events -> the delivery log."""
    metadata = getattr(event, "metadata", None) or {}
    services.message_receipt_record(
        status=str(event.event_type),
        message_uuid=metadata.get("message_uuid", ""),
        provider_id="" if metadata.get("message_uuid") else str(event.message_id or ""),
        detail=f"{esp_name} {event.description or ''}".strip(),
    )


def anymail_connect() -> None:
    """Listen to anymail's tracking signal when anymail is installed."""
    try:
        from anymail.signals import tracking
    except ImportError:
        return
    tracking.connect(_anymail_tracking, dispatch_uid="notifications.anymail_tracking")
