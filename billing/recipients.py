"""The notifications recipient for the customer a login is looking at.

Wired in by settings.NOTIFICATIONS_RECIPIENT_RESOLVER, so `notifications`
never imports billing. It also registers the e-mail and phone the utility
has on file for that customer as contact points (unverified: a phone on
file still needs a YES reply before it gets texts).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from billing.selectors import customer_current_for_request
from notifications.recipients import Recipient
from notifications.services import contact_point_upsert
from notifications.topics import Channel


def recipient_for_customer(customer) -> Recipient:
    return Recipient(
        key=f"customer:{customer.pk}",
        language=customer.language,
        name=customer.name,
    )


def recipient_for_request(request) -> Recipient | None:
    customer = customer_current_for_request(request=request)
    if customer is None:
        return None
    recipient = recipient_for_customer(customer)
    customer_contact_points_register(customer=customer)
    return recipient


def customer_contact_points_register(*, customer) -> None:
    """Record the customer's e-mail and phone on file (idempotent)."""
    key = f"customer:{customer.pk}"
    on_file = [(Channel.EMAIL, customer.email)]
    if customer.phone:
        on_file += [(Channel.SMS, customer.phone), (Channel.VOICE, customer.phone)]
    for channel, address in on_file:
        if not address:
            continue
        try:
            contact_point_upsert(
                recipient_key=key, channel=channel, address=address, source="billing"
            )
        except ValidationError:
            continue  # a malformed value on file is not the customer's fault
