"""Thin Celery wrappers around rebates.services."""

import datetime as dt

from celery import shared_task

from rebates import services
from rebates.models import PeakEvent


@shared_task(name="rebates.dispatch")
def ptr_dispatch_task(now: str | None = None) -> dict:
    """Beat, every minute: advance events, send due waves and new results.

    `now` (ISO 8601) replays the dispatcher as of another moment (tests, catch-up).
    """
    moment = dt.datetime.fromisoformat(now) if now else None
    return services.ptr_dispatch(now=moment)


@shared_task(name="rebates.settle_pending")
def ptr_pending_settle_task() -> int:
    """Beat, and whenever interval data arrives: retry pending settlements."""
    return services.ptr_pending_settle()


@shared_task(name="rebates.event_settle")
def peak_event_settle_task(event_id: int) -> dict:
    event = PeakEvent.objects.filter(pk=event_id).first()
    if event is None:
        return {}
    return services.peak_event_settle(event=event)


@shared_task(name="rebates.results_notify")
def ptr_results_notify_task(event_id: int | None = None) -> int:
    event = PeakEvent.objects.filter(pk=event_id).first() if event_id else None
    try:
        return services.ptr_results_notify(event=event)
    except services.communications.NotificationsUnavailableError:
        return 0
