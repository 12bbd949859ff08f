"""The peak event status workflow, as a table.

scheduled → notified → in progress → completed → settled, or scheduled →
cancelled. An event can be cancelled only before its communications went out
(Opower: "Send Communications" cannot be undone, domain-facts §3). Moves are
made by one service, rebates.services.peak_event_transition, which writes a
PeakEventStatusChange row for every step.
"""

from __future__ import annotations

from rebates.models import EventStatus

SYSTEM = "system"
STAFF = "staff"

# (from, to) -> who may make the move
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (EventStatus.SCHEDULED, EventStatus.NOTIFIED): frozenset({SYSTEM}),
    (EventStatus.SCHEDULED, EventStatus.CANCELLED): frozenset({STAFF}),
    (EventStatus.NOTIFIED, EventStatus.IN_PROGRESS): frozenset({SYSTEM}),
    (EventStatus.IN_PROGRESS, EventStatus.COMPLETED): frozenset({SYSTEM}),
    (EventStatus.COMPLETED, EventStatus.SETTLED): frozenset({SYSTEM, STAFF}),
}


class TransitionError(ValueError):
    pass


def transition_check(*, from_status: str, to_status: str, by: str) -> None:
    allowed = TRANSITIONS.get((from_status, to_status))
    if allowed is None:
        raise TransitionError(
            f"A peak event cannot go from {EventStatus(from_status).label} to "
            f"{EventStatus(to_status).label}."
        )
    if by not in allowed:
        raise TransitionError(
            f"Only the system moves an event from {EventStatus(from_status).label} to "
            f"{EventStatus(to_status).label}."
        )


def next_statuses(status: str) -> list[str]:
    return [to for (frm, to) in TRANSITIONS if frm == status]
