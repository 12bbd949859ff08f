"""Interval reads as local clock hours: the unit every baseline works in.

Reads are stored with their interval end in UTC. A baseline compares the
same clock hours (say 16:00–21:00) across days, so each read is put in the
local clock hour it belongs to. Daylight-saving days need care:

- the spring-forward day has 23 hours: one clock hour does not exist, and a
  day is only usable if every hour the baseline needs exists on it;
- the fall-back day has 25 hours: one clock hour happens twice, so that hour
  holds 120 minutes of reads (both are summed) and is complete only then.

Pure functions only; the SQL settlement (rebates.settlement) applies exactly
the same rules and is tested against these.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

ONE_HOUR = dt.timedelta(hours=1)
EPSILON = dt.timedelta(microseconds=1)


@dataclass(frozen=True)
class HourUsage:
    kwh: Decimal
    minutes: int


# day -> clock hour (hour beginning, 0–23) -> usage
DayUsage = Mapping[int, HourUsage]
Usage = Mapping[dt.date, DayUsage]


def local_hour_starts(day: dt.date, zone: zoneinfo.ZoneInfo) -> dict[int, list[dt.datetime]]:
    """The UTC start of every real hour of local `day`, grouped by clock hour.

    23 entries on a spring-forward day, 24 with one list of two on a
    fall-back day, 24 singletons otherwise.
    """
    start = dt.datetime.combine(day, dt.time(0), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    end = end.astimezone(dt.UTC)
    hours: dict[int, list[dt.datetime]] = defaultdict(list)
    moment = start
    while moment < end:
        hours[moment.astimezone(zone).hour].append(moment)
        moment += ONE_HOUR
    return dict(hours)


def expected_minutes(day: dt.date, zone: zoneinfo.ZoneInfo) -> dict[int, int]:
    """Minutes of reads a complete clock hour holds on `day` (60, or 120)."""
    return {hour: 60 * len(starts) for hour, starts in local_hour_starts(day, zone).items()}


def clock_hour_of(interval_end: dt.datetime, zone: zoneinfo.ZoneInfo) -> tuple[dt.date, int]:
    """The local (day, clock hour) a read ending at `interval_end` belongs to."""
    local = (interval_end - EPSILON).astimezone(zone)
    return local.date(), local.hour


def usage_by_hour(
    reads: Iterable[tuple[dt.datetime, int, Decimal]], zone: zoneinfo.ZoneInfo
) -> dict[dt.date, dict[int, HourUsage]]:
    """Sum reads (interval end, minutes, kWh) into local clock hours."""
    kwh: dict[tuple[dt.date, int], Decimal] = defaultdict(Decimal)
    minutes: dict[tuple[dt.date, int], int] = defaultdict(int)
    for interval_end, length, value in reads:
        key = clock_hour_of(interval_end, zone)
        kwh[key] += value
        minutes[key] += length
    usage: dict[dt.date, dict[int, HourUsage]] = defaultdict(dict)
    for (day, hour), total in kwh.items():
        usage[day][hour] = HourUsage(kwh=total, minutes=minutes[(day, hour)])
    return dict(usage)


def day_is_complete(
    day_usage: DayUsage | None, *, expected: Mapping[int, int], hours: Sequence[int]
) -> bool:
    """Every one of `hours` exists on the day and holds a full set of reads."""
    if not day_usage:
        return False
    for hour in hours:
        if hour not in expected:
            return False
        got = day_usage.get(hour)
        if got is None or got.minutes != expected[hour]:
            return False
    return True


def hour_phase_minutes(zone: zoneinfo.ZoneInfo, moments: Iterable[dt.datetime]) -> int:
    """Minutes past the UTC hour at which the zone's clock hours begin.

    0 for every US zone; 30 for e.g. Asia/Kolkata. The SQL settlement keys
    reads by UTC hour shifted by this; a zone whose phase changes inside the
    settlement window is refused.
    """
    phases = {int(m.astimezone(zone).utcoffset().total_seconds() // 60) % 60 for m in moments}
    if len(phases) != 1:
        raise ValueError(f"The offset of {zone.key} changes its minutes within the window.")
    return phases.pop()
