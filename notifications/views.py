"""The customer's notification preferences, channel opt-out and the e-mail
unsubscribe page (public, reached from a signed link)."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from notifications import selectors, services
from notifications.forms import CONTACT_FORMS, ChannelOptOutForm
from notifications.models import ChannelOptOut
from notifications.topics import TOPICS, Channel, customer_topics


def _recipient_or_none(request: HttpRequest):
    return selectors.recipient_for_request(request)


def _validation_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    recipient = _recipient_or_none(request)
    if recipient is None:
        return render(request, "notifications/preferences.html", {"recipient": None})
    if request.method == "POST":
        page = selectors.preference_page_for_recipient(recipient=recipient)
        changed = 0
        for row in page.topics:
            for cell in row.cells:
                if not cell.offered or cell.locked:
                    continue
                wanted = f"pref:{row.key}:{cell.channel}" in request.POST
                if wanted != cell.enabled:
                    services.preference_set(
                        recipient_key=recipient.key,
                        topic=row.key,
                        channel=cell.channel,
                        enabled=wanted,
                    )
                    changed += 1
        messages.success(request, _("Your notification choices were saved."))
        return redirect("notifications:preferences")
    page = selectors.preference_page_for_recipient(recipient=recipient)
    context = {
        "recipient": recipient,
        "page": page,
        "channels": page.channels,
        "contact_forms": {c: form() for c, form in CONTACT_FORMS.items()},
        "vapid_public_key": settings.NOTIFICATIONS_VAPID.get("PUBLIC_KEY", ""),
    }
    return render(request, "notifications/preferences.html", context)


@login_required
@require_POST
def contact_add(request: HttpRequest, channel: str) -> HttpResponse:
    recipient = _recipient_or_none(request)
    form_class = CONTACT_FORMS.get(channel)
    if recipient is None or form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("notifications:preferences")
    try:
        services.contact_point_add(
            recipient=recipient, channel=channel, address=str(form.cleaned_data["address"])
        )
    except ValidationError as exc:
        messages.error(request, _validation_text(exc))
        return redirect("notifications:preferences")
    if channel == Channel.SMS:
        messages.success(
            request,
            _("We texted %(number)s. Reply YES to that text to start getting text alerts.")
            % {"number": form.cleaned_data["address"].as_national},
        )
    else:
        messages.success(request, _("Added."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def contact_remove(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient_or_none(request)
    if recipient is None or not services.contact_point_remove(
        recipient_key=recipient.key, contact_point_id=pk
    ):
        raise Http404
    messages.success(request, _("Removed."))
    return redirect("notifications:preferences")


@login_required
@require_POST
def sms_confirmation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    recipient = _recipient_or_none(request)
    if recipient is None:
        raise Http404
    page = selectors.preference_page_for_recipient(recipient=recipient)
    contact = next((c for c in page.channel(Channel.SMS).contacts if c.pk == pk), None)
    if contact is None:
        raise Http404
    try:
        services.sms_opt_in_request(recipient=recipient, address=contact.address)
    except ValidationError as exc:
        messages.error(request, _validation_text(exc))
    else:
        messages.success(request, _("We sent the confirmation text again."))
    return redirect("notifications:preferences")


@login_required
@require_http_methods(["GET", "POST"])
def channel_opt_out(request: HttpRequest, channel: str) -> HttpResponse:
    """Stop a whole channel, permanently, after an explicit confirmation."""
    recipient = _recipient_or_none(request)
    if recipient is None or channel not in Channel.values:
        raise Http404
    existing = ChannelOptOut.objects.filter(recipient_key=recipient.key, channel=channel).first()
    form = ChannelOptOutForm(request.POST or None)
    if request.method == "POST" and existing is None and form.is_valid():
        services.channel_opt_out(
            recipient_key=recipient.key, channel=channel, source=ChannelOptOut.Source.PORTAL
        )
        messages.success(
            request,
            _("You will not get any more %(channel)s from us.")
            % {"channel": _channel_plural(channel)},
        )
        return redirect("notifications:preferences")
    status = 400 if request.method == "POST" and existing is None else 200
    return render(
        request,
        "notifications/opt_out_confirm.html",
        {
            "channel": channel,
            "channel_label": Channel(channel).label,
            "channel_plural": _channel_plural(channel),
            "existing": existing,
            "form": form,
            "topics": [t for t in customer_topics() if channel in t.channels],
        },
        status=status,
    )


def _channel_plural(channel: str) -> str:
    return str(selectors.PLURALS[channel])


@login_required
@require_POST
def push_subscribe(request: HttpRequest) -> JsonResponse:
    recipient = _recipient_or_none(request)
    if recipient is None:
        return JsonResponse({"error": _("No account to subscribe.")}, status=404)
    try:
        subscription = json.loads(request.body)
        services.push_subscribe(recipient=recipient, subscription=subscription)
    except ValueError:
        return JsonResponse({"error": _("Invalid push subscription.")}, status=400)
    except ValidationError as exc:
        return JsonResponse({"error": _validation_text(exc)}, status=400)
    return JsonResponse({"status": "subscribed"}, status=201)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every e-mail (and its List-Unsubscribe header).

    A mail client's one-click POST (RFC 8058, body "List-Unsubscribe=One-Click")
    turns this topic's e-mails off at once: reversible. The page also offers
    stopping all e-mail, which is permanent and needs a confirmation.
    CSRF-exempt because mail clients cannot send a token; the signed token
    is the authorization.
    """
    data = services.unsubscribe_token_read(token)
    if data is None or data["t"] not in TOPICS:
        return render(request, "notifications/unsubscribe.html", {"invalid": True}, status=404)
    topic = TOPICS[data["t"]]
    done = None
    form = (
        ChannelOptOutForm(request.POST or None) if request.POST.get("scope") == "channel" else None
    )
    if request.method == "POST":
        if (
            request.POST.get("List-Unsubscribe") == "One-Click"
            or request.POST.get("scope") == "topic"
        ):
            services.unsubscribe_apply(token=token, scope="topic")
            done = "topic"
            if request.POST.get("List-Unsubscribe") == "One-Click":
                return HttpResponse(status=200)
        elif form is not None and form.is_valid():
            services.unsubscribe_apply(token=token, scope="channel")
            done = "channel"
    opted_out = services.channel_opted_out(recipient_key=data["r"], channel=Channel.EMAIL)
    return render(
        request,
        "notifications/unsubscribe.html",
        {
            "topic": topic,
            "done": done,
            "form": form or ChannelOptOutForm(),
            "opted_out": opted_out,
            "token": token,
        },
        status=400 if form is not None and form.errors else 200,
    )
