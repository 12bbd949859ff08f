"""Customer notices for orders and status changes, as data.

Every message enrollment sends goes through here: :func:`order_notice` and
:func:`status_notice` build a :class:`Notice` (recipient, topic, context,
idempotency key) that tests can inspect; :func:`notice_send` hands it to
``notifications.services.notify`` (NOTIFY_CONTRACT.md). Until the
notifications app is installed, sending logs the notice and returns None.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# notifications.topics (NOTIFY_CONTRACT.md); repeated here so building a
# notice does not need the app.
ORDER_CONFIRMATION = "order.confirmation"
ENROLLMENT_STATUS = "enrollment.status"


@dataclass(frozen=True)
class Notice:
    recipient_key: str
    language: str
    name: str
    topic: str
    context: dict
    idempotency_key: str
    channels: tuple[str, ...] | None = None
    extra: dict = field(default_factory=dict)


def _portal_url(path: str) -> str:
    # The notifications app's setting for absolute links in messages.
    base = getattr(settings, "NOTIFICATIONS_BASE_URL", "") or ""
    return f"{base.rstrip('/')}{path}"


def _local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%d %H:%M")


def order_notice(*, order) -> Notice:
    """The confirmation of a placed order (one notice for all its lines)."""
    customer = order.customer
    lines = list(order.enrollments.select_related("product").order_by("pk"))
    with translation.override(customer.language):
        context = {
            "order_number": order.number,
            "placed_at": _local(order.placed_at),
            "customer_name": customer.name,
            "account": customer.masked_id,
            "premise_address": customer.premise.full_address,
            "lines": [
                {
                    "program": line.product.name,
                    "status": str(line.get_status_display()),
                    "needs_staff": bool(line.fulfilment != "instant"),
                }
                for line in lines
            ],
            "line_count": len(lines),
            # One line of text for the notifications app's templates.
            "items": "; ".join(
                f"{line.product.name} ({line.get_status_display()})" for line in lines
            ),
            "order_url": _portal_url(order.get_absolute_url()),
            "subject": _("Order %(number)s received") % {"number": order.number},
        }
    return Notice(
        recipient_key=f"customer:{customer.pk}",
        language=customer.language,
        name=customer.first_name or customer.name,
        topic=ORDER_CONFIRMATION,
        context=context,
        idempotency_key=f"enrollment-order:{order.number}",
    )


def status_notice(*, change) -> Notice:
    """One status change of one enrolment line."""
    enrollment = change.enrollment
    customer = enrollment.customer
    order = enrollment.order
    with translation.override(customer.language):
        from enrollment.models import Status

        labels = dict(Status.choices)
        context = {
            "order_number": order.number,
            "program": enrollment.product.name,
            "from_status": str(labels.get(change.from_status, "")),
            "to_status": str(labels[change.to_status]),
            "status": str(labels[change.to_status]),
            "status_code": change.to_status,
            "changed_at": _local(change.at),
            "note": change.note,
            "customer_name": customer.name,
            "account": customer.masked_id,
            "premise_address": customer.premise.full_address,
            "order_url": _portal_url(order.get_absolute_url()),
            "subject": _("%(program)s: %(status)s")
            % {"program": enrollment.product.name, "status": labels[change.to_status]},
        }
    return Notice(
        recipient_key=f"customer:{customer.pk}",
        language=customer.language,
        name=customer.first_name or customer.name,
        topic=ENROLLMENT_STATUS,
        context=context,
        idempotency_key=f"enrollment-status:{change.pk}",
    )


def notice_send(notice: Notice):
    """Hand a notice to notifications.notify(); None if that app is absent."""
    if not apps.is_installed("notifications"):
        logger.info("notice not sent (notifications app not installed): %s", notice)
        return None
    from notifications.recipients import Recipient
    from notifications.services import notify

    return notify(
        recipient=Recipient(key=notice.recipient_key, language=notice.language, name=notice.name),
        topic=notice.topic,
        context=notice.context,
        idempotency_key=notice.idempotency_key,
        channels=notice.channels,
    )
