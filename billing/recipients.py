"""The notifications recipient for the customer a login is looking at.

Wired in by settings.NOTIFICATIONS_RECIPIENT_RESOLVER, so `notifications`
never imports billing. It also registers the e-mail and phone the utility
has on file for that customer as contact points (unverified: a phone on
file still needs a YES reply before it gets texts).
"""

from __future__ import annotations

from collections.abc import Iterable

from billing.models import Customer
from billing.selectors import customer_current_for_request
from notifications.recipients import Recipient
from notifications.services import (
    ContactPointBulkResult,
    ContactPointRow,
    contact_points_upsert_bulk,
)
from notifications.topics import Channel

SOURCE = "billing"
# Customers read per query (SQLite limits the placeholders of one IN list).
CUSTOMER_CHUNK = 5000


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


def customer_contact_point_rows(*, pk: int, email: str, phone: str) -> list[ContactPointRow]:
    """The contact points a customer's e-mail and phone on file give: a
    phone is reachable by text (after the YES double opt-in) and by call."""
    key = f"customer:{pk}"
    return [
        ContactPointRow(key, Channel.EMAIL, email, SOURCE),
        ContactPointRow(key, Channel.SMS, phone, SOURCE),
        ContactPointRow(key, Channel.VOICE, phone, SOURCE),
    ]


def customer_contact_points_register(*, customer) -> ContactPointBulkResult:
    """Record the customer's e-mail and phone on file (idempotent).

    The bulk rules apply: blank or malformed values on file are skipped (not
    the customer's fault), and nothing is recorded on a channel or at an
    address that opted out.
    """
    return contact_points_upsert_bulk(
        rows=customer_contact_point_rows(pk=customer.pk, email=customer.email, phone=customer.phone)
    )


def customers_contact_points_register(*, customer_pks: Iterable[int]) -> ContactPointBulkResult:
    """The same for many customers (after a billing import), set-based."""
    pks = sorted(set(customer_pks))
    rows: list[ContactPointRow] = []
    for start in range(0, len(pks), CUSTOMER_CHUNK):
        rows += [
            row
            for pk, email, phone in Customer.objects.filter(
                pk__in=pks[start : start + CUSTOMER_CHUNK]
            ).values_list("pk", "email", "phone")
            for row in customer_contact_point_rows(pk=pk, email=email, phone=phone)
        ]
    return contact_points_upsert_bulk(rows=rows)
