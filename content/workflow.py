"""The contact request workflow: received → in progress → resolved.

Staff may also resolve a request straight away and reopen a resolved one
(a customer writes back); every move writes a status change row.
"""

from __future__ import annotations

from content.models import ContactStatus

# from -> statuses staff may move it to
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ContactStatus.NEW: (ContactStatus.IN_PROGRESS, ContactStatus.RESOLVED),
    ContactStatus.IN_PROGRESS: (ContactStatus.RESOLVED,),
    ContactStatus.RESOLVED: (ContactStatus.IN_PROGRESS,),
}


def transition_allowed(*, from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, ())


def next_statuses(*, from_status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(from_status, ())
