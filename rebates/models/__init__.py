"""``rebates.models`` is split by concept; import from here, not the submodules."""

from rebates.models.communications import (
    CommunicationKind,
    CommunicationStatus,
    EventCommunication,
)
from rebates.models.events import (
    LIVE_STATUSES,
    UPCOMING_STATUSES,
    EventKind,
    EventStatus,
    PeakEvent,
    PeakEventStatusChange,
)
from rebates.models.participants import EnrolledVia, Participant, ParticipantStatus
from rebates.models.programs import (
    CHANNEL_CHOICES,
    CHANNELS,
    PRE_EVENT_DEADLINE,
    WEEKDAY_CHOICES,
    ExcludedDay,
    ExcludedDayKind,
    Participation,
    PostEventContent,
    PtrProgram,
    Track,
)
from rebates.models.results import EventResult, ResultStatus, SettlementAdjustment

__all__ = [
    "CHANNELS",
    "CHANNEL_CHOICES",
    "LIVE_STATUSES",
    "PRE_EVENT_DEADLINE",
    "UPCOMING_STATUSES",
    "WEEKDAY_CHOICES",
    "CommunicationKind",
    "CommunicationStatus",
    "EnrolledVia",
    "EventCommunication",
    "EventKind",
    "EventResult",
    "EventStatus",
    "ExcludedDay",
    "ExcludedDayKind",
    "Participant",
    "ParticipantStatus",
    "Participation",
    "PeakEvent",
    "PeakEventStatusChange",
    "PostEventContent",
    "PtrProgram",
    "ResultStatus",
    "SettlementAdjustment",
    "Track",
]
