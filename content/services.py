"""Writes: contact requests and their workflow, FAQ feedback."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from content import workflow
from content.models import (
    ContactRequest,
    ContactRequestStatusChange,
    ContactStatus,
    FaqQuestion,
)
from portal.utility import utility_get

logger = logging.getLogger(__name__)


class TransitionError(ValidationError):
    pass


def contact_request_submit(
    *,
    topic: str,
    name: str,
    email: str,
    message: str,
    phone: str = "",
    user=None,
    premise=None,
    language: str = "en",
) -> ContactRequest:
    """Record a request, number it CR-<year>-<id>, and e-mail a confirmation.

    The caller has already checked that the premise belongs to the login.
    """
    with transaction.atomic():
        request = ContactRequest.objects.create(
            topic=topic,
            name=name,
            email=email,
            phone=phone,
            message=message,
            user=user if user is not None and user.is_authenticated else None,
            premise=premise,
            language=language,
        )
        # The primary key makes the number unique without a retry loop.
        request.number = f"CR-{timezone.localdate().year}-{request.pk:06d}"
        request.save(update_fields=["number"])
        transaction.on_commit(lambda: contact_request_confirmation_send(request=request))
    return request


def contact_request_confirmation_send(*, request: ContactRequest) -> bool:
    """The customer's receipt, in the language they wrote in. A mail failure
    is logged, never shown: the request is already safely recorded."""
    utility = utility_get()
    with translation.override(request.language):
        subject = _("We received your request %(number)s") % {"number": request.number}
        body = render_to_string(
            "content/email/contact_confirmation.txt", {"request": request, "utility": utility}
        )
    try:
        send_mail(f"[{utility.name}] {subject}", body, None, [request.email])
    except Exception:  # any backend failure: the request stays recorded
        logger.exception("contact confirmation for %s not sent", request.number)
        return False
    return True


def contact_request_transition(
    *, request: ContactRequest, to_status: str, by=None, note: str = ""
) -> ContactRequest:
    """Move a request along the workflow and write its history row."""
    with transaction.atomic():
        locked = ContactRequest.objects.select_for_update().get(pk=request.pk)
        if not workflow.transition_allowed(from_status=locked.status, to_status=to_status):
            raise TransitionError(
                _("%(number)s cannot move from “%(from)s” to “%(to)s”.")
                % {
                    "number": locked.number,
                    "from": ContactStatus(locked.status).label,
                    "to": ContactStatus(to_status).label,
                }
            )
        now = timezone.now()
        ContactRequestStatusChange.objects.create(
            request=locked, from_status=locked.status, to_status=to_status, by=by, note=note
        )
        locked.status = to_status
        if to_status == ContactStatus.IN_PROGRESS:
            locked.in_progress_at = locked.in_progress_at or now
            locked.resolved_at = None
        elif to_status == ContactStatus.RESOLVED:
            locked.resolved_at = now
        if by is not None:
            locked.handled_by = by
        locked.save(
            update_fields=["status", "in_progress_at", "resolved_at", "handled_by", "updated_at"]
        )
    request.refresh_from_db()
    return request


def faq_feedback_record(*, question: FaqQuestion, helpful: bool) -> None:
    """Count one answer to "Was this helpful?" (an atomic increment)."""
    field = "helpful_yes" if helpful else "helpful_no"
    FaqQuestion.objects.filter(pk=question.pk).update(**{field: F(field) + 1})
