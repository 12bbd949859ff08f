"""The rules a new peak event must meet, checked before it is saved.

Returned as {field: [messages]} so the admin form shows each next to its
field; rebates.services.peak_event_schedule raises them as a ValidationError.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from rebates.baselines import BaselineParamError, method_get
from rebates.models import PRE_EVENT_DEADLINE, EventStatus, PeakEvent, PtrProgram

MAX_EVENT_DAYS = 7


@dataclass(frozen=True)
class EventRequest:
    program: PtrProgram
    start_date: dt.date
    end_date: dt.date
    start_time: dt.time
    end_time: dt.time
    zone: str = ""
    segment: object | None = None  # segments.Segment


def local_instant(day: dt.date, at: dt.time, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    """The aware instant of a local clock time, or None if the clock skips it (DST)."""
    local = dt.datetime.combine(day, at, tzinfo=zone)
    back = local.astimezone(dt.UTC).astimezone(zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return local


def event_problems(request: EventRequest, *, now: dt.datetime) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    program = request.program
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    if not program.is_active:
        add("program", _("This program is not active."))
    if request.start_time.minute or request.start_time.second:
        add("start_time", _("Events start on the hour."))
    if request.end_time.minute or request.end_time.second:
        add("end_time", _("Events end on the hour."))
    if request.end_time <= request.start_time:
        add("end_time", _("The end must be after the start (events do not cross midnight)."))
    if request.zone and request.segment is not None:
        add("segment", _("Target a zone or a segment, not both."))
    if request.end_date < request.start_date:
        add("end_date", _("The last day cannot be before the first day."))
    days = (request.end_date - request.start_date).days + 1
    if days > MAX_EVENT_DAYS:
        add("end_date", _("An event lasts at most %(n)d consecutive days.") % {"n": MAX_EVENT_DAYS})
    if problems:
        return problems

    if request.start_time < program.earliest_start or request.end_time > program.latest_end:
        add(
            "start_time",
            _("Events must fall between %(start)s and %(end)s.")
            % {
                "start": program.earliest_start.strftime("%H:%M"),
                "end": program.latest_end.strftime("%H:%M"),
            },
        )
    hours = request.end_time.hour - request.start_time.hour
    if hours > program.max_event_hours:
        add(
            "end_time",
            _("Events last at most %(n)d hours a day.") % {"n": program.max_event_hours},
        )
    event_days = [request.start_date + dt.timedelta(days=i) for i in range(days)]
    allowed = program.weekday_set
    for day in event_days:
        if day.weekday() not in allowed:
            add("start_date", _("Events cannot be called on %(day)s.") % {"day": f"{day:%A}"})
        if not program.season_starts_on <= day <= program.season_ends_on:
            add(
                "start_date",
                _("%(day)s is outside the season (%(start)s to %(end)s).")
                % {
                    "day": day.isoformat(),
                    "start": program.season_starts_on.isoformat(),
                    "end": program.season_ends_on.isoformat(),
                },
            )
        for at in (request.start_time, request.end_time):
            if local_instant(day, at, zone) is None:
                add(
                    "start_time",
                    _("%(time)s does not exist on %(day)s (daylight saving).")
                    % {"time": at.strftime("%H:%M"), "day": day.isoformat()},
                )
    first_start = local_instant(request.start_date, request.start_time, zone)
    if first_start is not None and first_start - PRE_EVENT_DEADLINE < now:
        add(
            "start_date",
            _(
                "The event must start at least 30 minutes from now, so customers can be told "
                "in time."
            ),
        )
    try:
        method_get(program.baseline_method).window_hours(
            tuple(range(request.start_time.hour, request.end_time.hour)), program.baseline_params
        )
    except (BaselineParamError, KeyError) as exc:
        add("start_time", str(exc))

    live = PeakEvent.objects.filter(program=program).exclude(status=EventStatus.CANCELLED)
    overlapping = live.filter(
        start_date__lte=request.end_date,
        end_date__gte=request.start_date,
        start_time__lt=request.end_time,
        end_time__gt=request.start_time,
    )
    # Zones are disjoint; a segment may share customers with anything, so an
    # event for a segment clashes with every other event at the same time.
    if request.zone:
        overlapping = overlapping.filter(
            Q(zone__in=["", request.zone], segment__isnull=True) | Q(segment__isnull=False)
        )
    clash = overlapping.first()
    if clash is not None:
        add("start_date", _("This overlaps another event (%(event)s).") % {"event": clash})
    if program.max_events_per_season is not None:
        in_season = live.filter(
            start_date__gte=program.season_starts_on, start_date__lte=program.season_ends_on
        ).count()
        if in_season >= program.max_events_per_season:
            add(
                "start_date",
                _("The season's limit of %(n)d events is reached.")
                % {"n": program.max_events_per_season},
            )
    if request.zone and not program.participants.filter(zone=request.zone).exists():
        add("zone", _("No participant is in zone %(zone)s.") % {"zone": request.zone})
    return problems
