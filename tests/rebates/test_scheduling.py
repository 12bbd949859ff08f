"""Staff schedule events: the rules, the workflow and its history."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from rebates import services
from rebates.models import EventStatus, PeakEvent
from rebates.workflow import STAFF, TransitionError, next_statuses, transition_check
from tests.factories import (
    ParticipantFactory,
    PeakEventFactory,
    PtrProgramFactory,
    StaffUserFactory,
)
from tests.rebates.conftest import CHICAGO

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 13, 10, tzinfo=CHICAGO)  # Monday morning


@pytest.fixture
def program():
    return PtrProgramFactory(event_weekdays="01234", max_event_hours=5)


def schedule(program, **overrides):
    args = {
        "program": program,
        "start_date": dt.date(2026, 7, 15),
        "start_time": dt.time(16),
        "end_time": dt.time(20),
    }
    args.update(overrides)
    return services.peak_event_schedule(now=NOW, **args)


def problems(program, **overrides):
    with pytest.raises(ValidationError) as info:
        schedule(program, **overrides)
    return info.value.message_dict


def test_an_event_is_scheduled_with_its_instants_history_and_baseline_snapshot(program):
    staff = StaffUserFactory()
    event = schedule(program, actor=staff, note="Heat wave")
    assert event.status == EventStatus.SCHEDULED
    assert event.starts_at == dt.datetime(2026, 7, 15, 21, tzinfo=dt.UTC)
    assert event.ends_at == dt.datetime(2026, 7, 16, 1, tzinfo=dt.UTC)
    assert event.baseline_method == "high-x-of-y"
    assert event.baseline_params == {"x": 3, "y": 5}
    change = event.history.get()
    assert (change.from_status, change.to_status, change.actor) == ("", "scheduled", staff)
    # Later changes to the program do not change how this event is settled.
    program.baseline_method = "middle-8-of-10"
    program.save()
    event.refresh_from_db()
    assert event.baseline_method == "high-x-of-y"


def test_the_event_must_start_at_least_30_minutes_from_now(program):
    late = dt.datetime(2026, 7, 13, 10, 40, tzinfo=CHICAGO)
    with pytest.raises(ValidationError) as info:
        services.peak_event_schedule(
            program=program,
            start_date=dt.date(2026, 7, 13),
            start_time=dt.time(11),
            end_time=dt.time(12),
            now=late,
        )
    assert "at least 30 minutes from now" in info.value.message_dict["start_date"][0]
    assert services.peak_event_schedule(
        program=program,
        start_date=dt.date(2026, 7, 13),
        start_time=dt.time(12),
        end_time=dt.time(13),
        now=late,
    )


@pytest.mark.parametrize(
    ("overrides", "field", "text"),
    [
        (
            {"start_time": dt.time(9), "end_time": dt.time(12)},
            "start_time",
            "between 11:00 and 21:00",
        ),
        ({"end_time": dt.time(22)}, "start_time", "between 11:00 and 21:00"),
        ({"start_time": dt.time(12), "end_time": dt.time(18)}, "end_time", "at most 5 hours"),
        ({"start_time": dt.time(16, 30)}, "start_time", "on the hour"),
        ({"end_time": dt.time(15)}, "end_time", "after the start"),
        ({"start_date": dt.date(2026, 7, 18)}, "start_date", "Saturday"),
        ({"start_date": dt.date(2027, 1, 5)}, "start_date", "outside the season"),
        ({"end_date": dt.date(2026, 7, 14)}, "end_date", "before the first day"),
        ({"end_date": dt.date(2026, 7, 24)}, "end_date", "at most 7 consecutive days"),
        ({"zone": "99999"}, "zone", "No participant is in zone 99999"),
    ],
)
def test_scheduling_rules(program, overrides, field, text):
    errors = problems(program, **overrides)
    assert any(text in message for message in errors[field]), errors


def test_an_inactive_program_takes_no_events(program):
    program.is_active = False
    program.save()
    assert "not active" in problems(program)["program"][0]


def test_events_may_not_overlap_in_the_same_zone_or_with_an_all_zone_event(program):
    ParticipantFactory(program=program, zone="62701")
    ParticipantFactory(program=program, zone="62702")
    first = schedule(program, zone="62701")
    assert (
        "overlaps"
        in problems(program, start_time=dt.time(19), end_time=dt.time(21), zone="62701")[
            "start_date"
        ][0]
    )
    assert "overlaps" in problems(program, zone="")["start_date"][0]
    # Another zone, or back to back, is fine.
    assert schedule(program, zone="62702")
    assert schedule(program, start_time=dt.time(20), end_time=dt.time(21), zone="62701")
    # A cancelled event frees its slot.
    services.peak_event_cancel(event=first)
    assert schedule(program, start_time=dt.time(16), end_time=dt.time(18), zone="62701")


def test_season_event_limit(program):
    program.max_events_per_season = 1
    program.save()
    schedule(program)
    assert (
        "limit of 1 events" in problems(program, start_date=dt.date(2026, 7, 16))["start_date"][0]
    )


def test_the_day_of_adjustment_needs_four_hours_before_the_start(program):
    program.baseline_method = "average-adjusted"
    program.baseline_params = {"days": 10, "cap": "0.20"}
    program.earliest_start = dt.time(1)
    program.save()
    errors = problems(program, start_time=dt.time(2), end_time=dt.time(5))
    assert "start at 04:00 or later" in errors["start_time"][0]


def test_multi_day_events_are_allowed_and_have_one_window_per_day(program):
    event = schedule(program, end_date=dt.date(2026, 7, 17))
    assert event.is_multi_day
    assert event.days == [dt.date(2026, 7, 15), dt.date(2026, 7, 16), dt.date(2026, 7, 17)]
    assert event.ends_at == dt.datetime(2026, 7, 18, 1, tzinfo=dt.UTC)


def test_a_time_the_clock_skips_is_refused():
    program = PtrProgramFactory(earliest_start=dt.time(0), latest_end=dt.time(23))
    with (
        time_machine.travel(dt.datetime(2026, 3, 1, tzinfo=dt.UTC)),
        pytest.raises(ValidationError) as info,
    ):
        services.peak_event_schedule(
            program=program,
            start_date=dt.date(2026, 3, 8),
            start_time=dt.time(2),
            end_time=dt.time(4),
        )
    assert "does not exist on 2026-03-08" in info.value.message_dict["start_time"][0]


# the workflow -------------------------------------------------------------------------


def test_the_transition_table():
    assert next_statuses(EventStatus.SCHEDULED) == [EventStatus.NOTIFIED, EventStatus.CANCELLED]
    assert next_statuses(EventStatus.SETTLED) == []
    with pytest.raises(TransitionError, match="cannot go from Settled"):
        transition_check(from_status="settled", to_status="scheduled", by=STAFF)
    with pytest.raises(TransitionError, match="Only the system"):
        transition_check(from_status="notified", to_status="in_progress", by=STAFF)


def test_cancelling_is_refused_once_customers_were_told(program):
    event = PeakEventFactory(program=program, status=EventStatus.NOTIFIED)
    with pytest.raises(TransitionError):
        services.peak_event_cancel(event=event)
    event.refresh_from_db()
    assert event.status == EventStatus.NOTIFIED


def test_cancelling_a_scheduled_event_cancels_its_messages_and_records_who(program):
    staff = StaffUserFactory()
    event = schedule(program)
    assert event.communications.filter(status="planned").exists()
    services.peak_event_cancel(event=event, actor=staff, note="Cooler than forecast")
    event.refresh_from_db()
    assert event.status == EventStatus.CANCELLED
    assert not event.communications.filter(status="planned").exists()
    last = event.history.last()
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        "scheduled",
        "cancelled",
        staff,
        "Cooler than forecast",
    )


def test_every_step_of_a_held_event_is_in_its_history(program):
    ParticipantFactory(program=program)
    event = schedule(program)
    for moment in (
        dt.datetime(2026, 7, 14, 17, 1, tzinfo=CHICAGO),  # day-before notice
        dt.datetime(2026, 7, 15, 16, 1, tzinfo=CHICAGO),  # started
        dt.datetime(2026, 7, 15, 20, 1, tzinfo=CHICAGO),  # over: completed, settlement tried
    ):
        services.ptr_dispatch(now=moment)
    event.refresh_from_db()
    steps = list(event.history.values_list("to_status", flat=True))
    assert steps == ["scheduled", "notified", "in_progress", "completed"]
    assert PeakEvent.objects.get(pk=event.pk).status == EventStatus.COMPLETED


# segments -----------------------------------------------------------------------------


def test_an_event_for_a_segment_reaches_only_its_members(program):
    from django.utils import timezone

    from segments.models import SegmentMembership
    from tests.factories import SegmentFactory

    member = ParticipantFactory(program=program)
    other = ParticipantFactory(program=program)
    segment = SegmentFactory(name="Heat-wave neighbourhoods")
    SegmentMembership.objects.create(
        segment=segment, customer=member.customer, computed_at=timezone.now()
    )
    event = schedule(program, segment=segment)
    assert event.segment == segment
    services.peak_event_announce(event=event, now=NOW)
    assert list(event.results.values_list("participant", flat=True)) == [member.pk]
    assert other.pk not in event.results.values_list("participant", flat=True)
    # A segment can share customers with any other event: no overlap with it.
    assert "overlaps" in problems(program, zone="62701")["start_date"][0]


def test_an_event_targets_a_zone_or_a_segment_not_both(program):
    from tests.factories import SegmentFactory

    ParticipantFactory(program=program, zone="62701")
    errors = problems(program, zone="62701", segment=SegmentFactory())
    assert errors["segment"] == ["Target a zone or a segment, not both."]
