"""Reads for the peak savings pages, each scoped to one customer.

`customer` is always the signed-in login's current customer
(billing.selectors.customer_current_for_request), so nothing here can reach
another customer's data. The insights dashboard (issue 4) may call
``peak_event_next_for_customer`` and include
``rebates/includes/next_event_banner.html`` (or use the
``{% ptr_next_event_banner customer %}`` tag from ``rebates_tags``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from billing.models import Customer
from rebates.models import (
    UPCOMING_STATUSES,
    EventResult,
    Participant,
    ParticipantStatus,
    Participation,
    PeakEvent,
    PtrProgram,
    ResultStatus,
)


def program_current() -> PtrProgram | None:
    return PtrProgram.objects.filter(is_active=True).order_by("-season_starts_on", "pk").first()


def participant_for_customer(
    *, customer: Customer, program: PtrProgram | None = None
) -> Participant | None:
    """The customer's participation (any status) in the program, active first."""
    program = program or program_current()
    if program is None:
        return None
    return (
        Participant.objects.filter(program=program, customer=customer)
        .select_related("program", "service_point")
        .order_by("status", "-enrolled_at")  # "active" sorts first
        .first()
    )


def events_upcoming_for_participant(
    *, participant: Participant, now: dt.datetime | None = None
) -> QuerySet[PeakEvent]:
    now = now or timezone.now()
    return (
        PeakEvent.objects.filter(
            program=participant.program,
            status__in=UPCOMING_STATUSES,
            ends_at__gt=now,
        )
        .filter(Q(zone="") | Q(zone=participant.zone))
        .order_by("starts_at")
    )


def peak_event_next_for_customer(
    *, customer: Customer | None, now: dt.datetime | None = None
) -> dict | None:
    """The next event for the customer's banner, or None.

    {"event", "participating", "in_progress", "opt_in_offered"}; events are
    shown to participants, and to customers of an opt-in program (who may
    still sign up).
    """
    if customer is None:
        return None
    now = now or timezone.now()
    participant = participant_for_customer(customer=customer)
    program = participant.program if participant else program_current()
    if program is None:
        return None
    participating = participant is not None and participant.status == ParticipantStatus.ACTIVE
    if participating:
        event = events_upcoming_for_participant(participant=participant, now=now).first()
    elif program.participation == Participation.OPT_IN:
        event = (
            PeakEvent.objects.filter(
                program=program, status__in=UPCOMING_STATUSES, ends_at__gt=now, zone=""
            )
            .order_by("starts_at")
            .first()
        )
    else:
        event = None
    if event is None:
        return None
    return {
        "event": event,
        "participating": participating,
        "in_progress": event.starts_at <= now,
        "opt_in_offered": not participating and program.participation == Participation.OPT_IN,
    }


def results_for_customer(*, customer: Customer, program: PtrProgram) -> QuerySet[EventResult]:
    """The customer's results in the program's current season, newest first."""
    return (
        EventResult.objects.filter(
            participant__customer=customer,
            participant__program=program,
            event__start_date__gte=program.season_starts_on,
            event__start_date__lte=program.season_ends_on,
        )
        .select_related("event")
        .order_by("-event__start_date", "-event__start_time")
    )


def result_for_customer(*, customer: Customer, event_id: int) -> EventResult | None:
    """One of the customer's own results; None for anyone else's event."""
    return (
        EventResult.objects.filter(participant__customer=customer, event_id=event_id)
        .select_related("event__program", "participant")
        .first()
    )


@dataclass(frozen=True)
class SeasonTotals:
    events: int
    settled: int
    savings_kwh: Decimal
    rebate: Decimal


def season_totals(*, customer: Customer, program: PtrProgram) -> SeasonTotals:
    """Totals over settled results; savings count only events with savings."""
    results = results_for_customer(customer=customer, program=program)
    settled = results.filter(status=ResultStatus.SETTLED)
    totals = settled.aggregate(
        rebate=Sum("rebate"), savings=Sum("savings_kwh", filter=Q(savings_kwh__gt=0))
    )
    return SeasonTotals(
        events=results.count(),
        settled=settled.aggregate(n=Count("pk"))["n"],
        savings_kwh=totals["savings"] or Decimal(0),
        rebate=totals["rebate"] or Decimal(0),
    )


def participant_for_calendar_token(*, token: str) -> Participant | None:
    if not token or len(token) > 64:
        return None
    return (
        Participant.objects.filter(calendar_token=token, status=ParticipantStatus.ACTIVE)
        .select_related("program")
        .first()
    )
