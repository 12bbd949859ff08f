"""The enrolment status workflow: who may move a line from which status to which.

    submitted ──▶ under review ──▶ approved ──▶ active ──▶ withdrawn
        │              │              │
        └──────────────┴──────────────┴──▶ rejected (staff) / cancelled

Customers may cancel a line before it is active and withdraw (de-enrol)
once it is; staff may do everything in the table; the system activates
instant programs and records fulfilment outcomes. Terminal statuses have no
way out: a new request is a new order.
"""

from __future__ import annotations

from enrollment.models import Status

CUSTOMER = "customer"
STAFF = "staff"
SYSTEM = "system"

# from -> {to: actors allowed}
TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    Status.SUBMITTED: {
        Status.UNDER_REVIEW: frozenset({STAFF, SYSTEM}),
        Status.APPROVED: frozenset({STAFF, SYSTEM}),
        Status.ACTIVE: frozenset({STAFF, SYSTEM}),
        Status.REJECTED: frozenset({STAFF, SYSTEM}),
        Status.CANCELLED: frozenset({CUSTOMER, STAFF}),
    },
    Status.UNDER_REVIEW: {
        Status.APPROVED: frozenset({STAFF, SYSTEM}),
        Status.REJECTED: frozenset({STAFF, SYSTEM}),
        Status.CANCELLED: frozenset({CUSTOMER, STAFF}),
    },
    Status.APPROVED: {
        Status.ACTIVE: frozenset({STAFF, SYSTEM}),
        Status.REJECTED: frozenset({STAFF}),
        Status.CANCELLED: frozenset({CUSTOMER, STAFF}),
    },
    Status.ACTIVE: {
        Status.WITHDRAWN: frozenset({CUSTOMER, STAFF, SYSTEM}),
    },
    Status.REJECTED: {},
    Status.CANCELLED: {},
    Status.WITHDRAWN: {},
}

TERMINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def transition_allowed(*, from_status: str, to_status: str, actor: str) -> bool:
    return actor in TRANSITIONS.get(from_status, {}).get(to_status, frozenset())


def next_statuses(*, from_status: str, actor: str) -> list[str]:
    return [to for to, actors in TRANSITIONS.get(from_status, {}).items() if actor in actors]


def customer_exit_status(status: str) -> str | None:
    """What "leave this program" means for a customer now: cancel or withdraw."""
    for target in (Status.CANCELLED, Status.WITHDRAWN):
        if transition_allowed(from_status=status, to_status=target, actor=CUSTOMER):
            return target
    return None
