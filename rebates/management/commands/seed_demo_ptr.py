"""Give the demo utility a Peak Time Rebate program with history.

Run after ``seed_demo`` (``make run`` does): a program with automatic
participation for smart-metered homes on RES-1 and RES-TOU, two past peak
events that were announced, held and settled through the real services (on a
simulated clock, with participants' use lowered during the event hours the
way customers respond), and one upcoming event. Idempotent with --if-empty.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from billing.demo_logins import DEMO_CUSTOMER_ID
from billing.models import IntervalRead, RateCode
from billing.recipients import customers_contact_points_register
from rebates import services
from rebates.models import (
    EventStatus,
    ExcludedDayKind,
    Participant,
    ParticipantStatus,
    PeakEvent,
    PostEventContent,
    PtrProgram,
    Track,
)

PROGRAM_CODE = "peak-time-rebates"
EVENT_START, EVENT_END = dt.time(17), dt.time(20)
DISCARD = "rebates.communications.notifications_discard"


def us_holidays(year: int) -> dict[dt.date, str]:
    def nth_weekday(month, weekday, n):
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))

    def last_weekday(month, weekday):
        day = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
        return day - dt.timedelta(days=(day.weekday() - weekday) % 7)

    return {
        dt.date(year, 1, 1): "New Year's Day",
        last_weekday(5, 0): "Memorial Day",
        dt.date(year, 7, 4): "Independence Day",
        nth_weekday(9, 0, 1): "Labor Day",
        nth_weekday(11, 3, 4): "Thanksgiving",
        dt.date(year, 12, 25): "Christmas Day",
    }


def weekday_on_or_before(day: dt.date, holidays) -> dt.date:
    while day.weekday() >= 5 or day in holidays:
        day -= dt.timedelta(days=1)
    return day


def weekday_on_or_after(day: dt.date, holidays) -> dt.date:
    while day.weekday() >= 5 or day in holidays:
        day += dt.timedelta(days=1)
    return day


class Command(BaseCommand):
    help = "Add a Peak Time Rebate program with past (settled) and upcoming events to the demo."

    def add_arguments(self, parser):
        parser.add_argument("--if-empty", action="store_true", help="Only add what is missing.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        last_end = IntervalRead.objects.aggregate(last=Max("interval_end"))["last"]
        if last_end is None:
            raise CommandError("No interval reads: run `manage.py seed_demo` first.")
        last_day = (last_end - dt.timedelta(microseconds=1)).astimezone(zone).date()
        if last_end.astimezone(zone).time() != dt.time(0):
            last_day -= dt.timedelta(days=1)  # the last day with all its hours
        program = PtrProgram.objects.filter(code=PROGRAM_CODE).first()
        has_past = (
            program is not None and program.events.filter(status=EventStatus.SETTLED).exists()
        )
        has_upcoming = (
            program is not None
            and program.events.filter(
                status__in=[EventStatus.SCHEDULED, EventStatus.NOTIFIED],
                starts_at__gt=timezone.now(),
            ).exists()
        )
        if options["if_empty"] and has_past and has_upcoming:
            self.stdout.write("Peak time rebate demo already present; nothing to do.")
            return
        rng = random.Random(options["seed"])  # noqa: S311 - demo data
        # Demo history is not announced to anyone now: messages are discarded.
        with override_settings(REBATES_NOTIFY_SENDER=DISCARD), transaction.atomic():
            program = program or self._program(last_day)
            if not has_past:
                self._past_events(program, last_day, zone, rng)
            self._contact_points(program)
            if not has_upcoming:
                self._upcoming_event(program, zone)
        self.stdout.write(self.style.SUCCESS(self._summary(program)))

    def _program(self, last_day: dt.date) -> PtrProgram:
        track, _ = Track.objects.get_or_create(
            name="Standard (e-mail, text, app)",
            defaults={
                "channels": "email,sms,push",
                "notify_day_before": True,
                "day_before_at": dt.time(17),
                "notify_day_of": False,
                "same_day_reminder": True,
                "reminder_minutes_before": 60,
                "post_event_content": PostEventContent.MONEY_COMPARISON,
            },
        )
        Track.objects.get_or_create(
            name="Phone and text",
            defaults={
                "channels": "voice,sms",
                "notify_day_before": True,
                "notify_day_of": True,
                "same_day_reminder": False,
                "post_event_content": PostEventContent.SIMPLE_MONEY,
            },
        )
        start = (last_day.replace(day=1) - dt.timedelta(days=140)).replace(day=1)
        end = (start.replace(year=start.year + 1)) - dt.timedelta(days=1)
        program = PtrProgram.objects.create(
            name="Peak Time Rebates",
            code=PROGRAM_CODE,
            description=(
                "On a few peak days a season we ask customers to use less energy for a few "
                "hours. Everyone with a smart meter takes part automatically; there is no "
                "penalty for using more."
            ),
            season_starts_on=start,
            season_ends_on=end,
            rebate_per_kwh=Decimal("1.00"),
            enabling_technology_rebate_per_kwh=Decimal("1.50"),
            earliest_start=dt.time(11),
            latest_end=dt.time(21),
            max_event_hours=5,
            event_weekdays="01234",
            baseline_method="high-x-of-y",
            baseline_params={"x": 5, "y": 10},
            baseline_lookback_days=45,
            default_track=track,
        )
        program.eligible_rate_codes.set(RateCode.objects.filter(code__in=["RES-1", "RES-TOU"]))
        for year in {start.year, end.year}:
            for day, name in us_holidays(year).items():
                if start <= day <= end:
                    program.excluded_days.get_or_create(
                        day=day, defaults={"kind": ExcludedDayKind.HOLIDAY, "note": name}
                    )
        return program

    def _past_events(self, program, last_day, zone, rng) -> None:
        holidays = set(program.excluded_days.values_list("day", flat=True))
        earlier = weekday_on_or_before(last_day - dt.timedelta(days=12), holidays)
        later = weekday_on_or_before(last_day - dt.timedelta(days=4), holidays)
        for day in (earlier, later):
            if program.events.filter(start_date=day).exists():
                continue
            start = dt.datetime.combine(day, EVENT_START, tzinfo=zone)
            end = dt.datetime.combine(day, EVENT_END, tzinfo=zone)
            services.ptr_participants_sync(
                program=program, on=day, now=start - dt.timedelta(days=30)
            )
            event = services.peak_event_schedule(
                program=program,
                start_date=day,
                start_time=EVENT_START,
                end_time=EVENT_END,
                note="Demo history",
                now=start - dt.timedelta(days=2),
            )
            services.ptr_dispatch(now=start - dt.timedelta(hours=23))  # announced the day before
            services.ptr_dispatch(now=start - dt.timedelta(minutes=55))  # same-day reminder
            services.ptr_dispatch(now=start + dt.timedelta(minutes=1))  # in progress
            self._respond(event, zone, rng)
            services.ptr_dispatch(now=end + dt.timedelta(minutes=1))  # completed, settled
            event.refresh_from_db()
            if event.status == EventStatus.COMPLETED:
                services.peak_event_settle(event=event, now=end + dt.timedelta(hours=20))

    def _respond(self, event: PeakEvent, zone, rng) -> None:
        """Customers cut back during the event: lower their reads in the event hours."""
        ends = [
            dt.datetime.combine(event.start_date, dt.time(h), tzinfo=zone).astimezone(dt.UTC)
            + dt.timedelta(hours=1)
            for h in event.hours
        ]
        participants = Participant.objects.filter(
            program=event.program, status=ParticipantStatus.ACTIVE
        ).select_related("customer")
        for participant in participants:
            if participant.customer.customer_id == DEMO_CUSTOMER_ID:
                factor = Decimal("0.62")
            elif rng.random() < 0.65:
                factor = Decimal(f"{rng.uniform(0.6, 0.92):.2f}")
            else:
                continue
            reads = IntervalRead.objects.filter(
                service_point_id=participant.service_point_id, interval_end__in=ends
            )
            for read in reads:
                IntervalRead.objects.filter(
                    service_point_id=read.service_point_id, interval_end=read.interval_end
                ).update(value=(read.value * factor).quantize(Decimal("0.0001")))

    def _contact_points(self, program) -> None:
        """The demo customers' e-mail and phone on file, so the upcoming event reaches them."""
        customers_contact_points_register(
            customer_pks=program.participants.filter(status=ParticipantStatus.ACTIVE).values_list(
                "customer_id", flat=True
            )
        )

    def _upcoming_event(self, program, zone) -> None:
        holidays = set(program.excluded_days.values_list("day", flat=True))
        day = weekday_on_or_after(timezone.localdate() + dt.timedelta(days=3), holidays)
        if not program.season_starts_on <= day <= program.season_ends_on:
            program.season_ends_on = day + dt.timedelta(days=60)
            program.save(update_fields=["season_ends_on"])
        services.peak_event_schedule(
            program=program,
            start_date=day,
            start_time=EVENT_START,
            end_time=EVENT_END,
            note="Demo: upcoming",
        )

    def _summary(self, program) -> str:
        events = program.events.order_by("start_date")
        lines = ", ".join(f"{e} ({e.get_status_display()})" for e in events)
        participants = program.participants.filter(status=ParticipantStatus.ACTIVE).count()
        return f"Peak Time Rebates demo: {participants} participants; events: {lines}."
