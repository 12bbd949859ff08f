"""A peak event end to end on PostgreSQL with a real Celery worker.

Scheduled here; announced, started, completed, settled and reported by the
worker (the beat dispatcher's task, replayed at the moments it would run).
"""

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from notifications.models import Message
from notifications.services import contact_point_upsert
from rebates import services
from rebates.models import (
    CommunicationStatus,
    EventResult,
    EventStatus,
    PeakEvent,
    ResultStatus,
)
from rebates.tasks import ptr_dispatch_task
from tests.factories import ParticipantFactory, PtrProgramFactory, TrackFactory
from tests.integration.worker import celery_worker, require_worker_services, wait_for
from tests.rebates.conftest import write_day

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def _weekday_after(days: int) -> dt.date:
    """A Wednesday at least `days` from today: the event stays in the future, so the
    dispatcher running on the real clock (scheduling enqueues it) leaves it alone."""
    day = dt.datetime.now(CHICAGO).date() + dt.timedelta(days=days)
    return day + dt.timedelta(days=(2 - day.weekday()) % 7)


EVENT_DAY = _weekday_after(20)


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHICAGO)


def test_an_event_is_scheduled_announced_held_settled_and_reported():
    require_worker_services()
    program = PtrProgramFactory(
        default_track=TrackFactory(name="E-mail and text", channels="email,sms"),
        season_starts_on=EVENT_DAY - dt.timedelta(days=60),
        season_ends_on=EVENT_DAY + dt.timedelta(days=60),
    )
    saver = ParticipantFactory(program=program)
    steady = ParticipantFactory(program=program)
    for participant, event_use in ((saver, 1), (steady, 2)):
        for back in (1, 2, 5, 6, 7):  # Tue, Mon, Fri, Thu, Wed before the event
            write_day(
                participant.service_point, EVENT_DAY - dt.timedelta(days=back), {16: 2, 17: 2}
            )
        write_day(participant.service_point, EVENT_DAY, {16: event_use, 17: event_use})

    for participant in (saver, steady):
        key = f"customer:{participant.customer.pk}"
        contact_point_upsert(
            recipient_key=key, channel="email", address=f"{participant.customer.pk}@example.com"
        )
        contact_point_upsert(
            recipient_key=key, channel="sms", address="+12175550100", verified=True
        )

    event = services.peak_event_schedule(
        program=program,
        start_date=EVENT_DAY,
        start_time=dt.time(16),
        end_time=dt.time(18),
        now=at(EVENT_DAY - dt.timedelta(days=2), 10),
    )
    assert event.status == EventStatus.SCHEDULED

    with celery_worker() as worker:

        def dispatch(moment, until):
            ptr_dispatch_task.delay(now=moment.isoformat())
            return wait_for(until, log=worker["log"])

        # The day before at 17:01: announced, the day-before wave goes out.
        dispatch(
            at(EVENT_DAY - dt.timedelta(days=1), 17, 1),
            lambda: (
                PeakEvent.objects.get(pk=event.pk).status == EventStatus.NOTIFIED
                and event.communications.filter(status=CommunicationStatus.SENT).exists()
            ),
        )
        # 15:01: the same-day reminder; 16:01: in progress.
        dispatch(
            at(EVENT_DAY, 15, 1),
            lambda: event.communications.filter(status=CommunicationStatus.SENT).count() == 2,
        )
        dispatch(
            at(EVENT_DAY, 16, 1),
            lambda: PeakEvent.objects.get(pk=event.pk).status == EventStatus.IN_PROGRESS,
        )
        # 18:01: completed; settlement and results follow on the worker.
        dispatch(
            at(EVENT_DAY, 18, 1),
            lambda: (
                PeakEvent.objects.get(pk=event.pk).status == EventStatus.SETTLED
                and EventResult.objects.filter(event=event, notified_at__isnull=False).count() == 2
            ),
        )

    history = list(event.history.order_by("pk").values_list("to_status", flat=True))
    assert history == ["scheduled", "notified", "in_progress", "completed", "settled"]
    waves = event.communications.order_by("due_at")
    assert [(w.kind, w.status, w.recipients) for w in waves] == [
        ("day_before", "sent", 2),
        ("reminder", "sent", 2),
    ]
    results = {r.participant_id: r for r in EventResult.objects.filter(event=event)}
    assert results[saver.pk].status == ResultStatus.SETTLED
    assert results[saver.pk].baseline_kwh == Decimal("4.000000")
    assert results[saver.pk].rebate == Decimal("2.00")
    assert results[steady.pk].savings_kwh == Decimal("0.000000")
    assert results[steady.pk].rebate == Decimal("0.00")

    # What the customers got, through the notifications app (locmem channels).
    saver_key, steady_key = (f"customer:{p.customer.pk}" for p in (saver, steady))
    delivered = Message.objects.filter(status="sent")
    assert set(delivered.filter(topic="ptr.pre_event").values_list("recipient_key", "channel")) == {
        (saver_key, "email"),
        (saver_key, "sms"),
        (steady_key, "email"),
        (steady_key, "sms"),
    }
    assert set(
        delivered.filter(topic="ptr.same_day_reminder").values_list("recipient_key", "channel")
    ) == {(saver_key, "sms"), (steady_key, "sms")}
    good = delivered.get(topic="ptr.post_event", recipient_key=saver_key, channel="email")
    assert "Your rebate: $2.00" in good.body_text
    friendly = delivered.get(topic="ptr.post_event", recipient_key=steady_key, channel="email")
    assert "every peak day is a new chance to earn one" in friendly.body_text
    assert "$0.00" not in friendly.body_text
