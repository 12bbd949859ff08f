"""Fulfilment handlers, keyed by a product's ``kind``.

When an order is placed, each line's handler is asked to start fulfilment;
when a line becomes active or ends, its handler is told. The handler for a
program lives with the program's own app: the Peak Time Rebate's is in
``rebates``, which enrols the participant there.

Handlers come from ``settings.ENROLLMENT_FULFILMENT_HANDLERS`` (kind →
dotted path, loaded lazily, Django's pluggable-backend pattern; this keeps
imports flowing downward) and from :func:`register_fulfilment` calls (tests,
or an app that prefers registering in code). A kind without a handler falls
back to staff review, so a misconfigured program never enrols anyone
silently. See docs/catalog-and-enrollment.md, "Fulfilment handlers".

A handler is any object with these methods (all optional but ``start``)::

    class PtrFulfilment:
        def start(self, request: FulfilmentRequest) -> FulfilmentOutcome: ...
        def activated(self, request: FulfilmentRequest) -> None: ...
        def ended(self, request: FulfilmentRequest) -> None: ...

Handlers run inside the order's transaction: raising ``FulfilmentError`` (or
Django's ``ValidationError``, for handlers in apps that must not import
enrollment) rejects that line with the message shown to the customer. The
outcome may be any object with ``activate``, ``review``, ``reference`` and
``note`` attributes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FulfilmentRequest:
    enrollment_id: int
    order_number: str
    kind: str
    product_slug: str
    params: dict
    customer: Any  # billing.Customer
    premise: Any  # billing.Premise
    requested_by: Any  # users.User or None
    effective_date: date | None = None


@dataclass(frozen=True)
class FulfilmentOutcome:
    """What the handler decided when the order was placed.

    ``activate``: nothing stops an instant product going active at once
    (a product set to staff review or field work waits for staff anyway);
    ``review``: wait for staff even if the product is instant;
    ``reference``: the handler's own id (e.g. the PTR participant id).
    """

    activate: bool = False
    review: bool = False
    reference: str = ""
    note: str = ""
    data: dict = field(default_factory=dict)


class FulfilmentError(Exception):
    """The handler cannot fulfil this line; the message is for the customer."""


class FulfilmentHandler(Protocol):
    def start(self, request: FulfilmentRequest) -> FulfilmentOutcome: ...


_REGISTERED: dict[str, FulfilmentHandler] = {}
_LOADED: dict[str, FulfilmentHandler] = {}


def register_fulfilment(kind: str, handler: FulfilmentHandler) -> None:
    """Register a handler for a product kind (overrides the settings entry)."""
    _REGISTERED[kind] = handler


def unregister_fulfilment(kind: str) -> None:
    _REGISTERED.pop(kind, None)


def fulfilment_kinds() -> list[str]:
    configured = getattr(settings, "ENROLLMENT_FULFILMENT_HANDLERS", {})
    return sorted(set(configured) | set(_REGISTERED))


def fulfilment_handler(kind: str) -> FulfilmentHandler | None:
    if kind in _REGISTERED:
        return _REGISTERED[kind]
    if kind not in _LOADED:
        path = getattr(settings, "ENROLLMENT_FULFILMENT_HANDLERS", {}).get(kind)
        if path is None:
            return None
        handler = import_string(path)
        _LOADED[kind] = handler() if isinstance(handler, type) else handler
    return _LOADED[kind]


# --- handlers for the generic kinds -----------------------------------------


class GenericFulfilment:
    """Nothing to do in code: the product's fulfilment setting decides.

    Instant products go active at once; staff-review and field-work products
    wait for staff on a service order.
    """

    def start(self, request: FulfilmentRequest) -> FulfilmentOutcome:
        return FulfilmentOutcome(activate=True)


class RateChangeFulfilment:
    """A rate switch. Billing changes the rate on the next read cycle.

    Always staff-reviewed: the rate change is keyed into the billing system
    by staff, who then activate the line (a real CIS integration would go
    here). ``handler_params``: ``{"rate_code": "RES-TOU"}``.
    """

    def start(self, request: FulfilmentRequest) -> FulfilmentOutcome:
        rate = request.params.get("rate_code", "")
        return FulfilmentOutcome(review=True, note=f"Switch to rate {rate}" if rate else "")


class InstantServiceFulfilment:
    """Account services switched on at once (paperless billing, autopay, alerts)."""

    def start(self, request: FulfilmentRequest) -> FulfilmentOutcome:
        return FulfilmentOutcome(activate=True)


def handler_check(kind: str) -> str | None:
    """A staff-facing problem with a kind's handler, or None."""
    try:
        handler = fulfilment_handler(kind)
    except ImportError as exc:
        logger.exception("fulfilment handler for %s cannot be imported", kind)
        return str(exc)
    return None if handler is not None else f"no handler for kind {kind!r}"
