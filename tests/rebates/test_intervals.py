"""Local clock hours, including the 23- and 25-hour days of daylight saving."""

import datetime as dt
import zoneinfo
from decimal import Decimal as D  # noqa: N817

from rebates.intervals import (
    HourUsage,
    clock_hour_of,
    day_is_complete,
    expected_minutes,
    hour_phase_minutes,
    local_hour_starts,
    usage_by_hour,
)
from rebates.scheduling import local_instant
from rebates.similar_days import is_weekend_like, similar_days

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
SPRING = dt.date(2026, 3, 8)  # 02:00 → 03:00
FALL = dt.date(2026, 11, 1)  # 02:00 → 01:00


def test_an_ordinary_day_has_24_single_hours():
    starts = local_hour_starts(dt.date(2026, 7, 15), CHICAGO)
    assert sorted(starts) == list(range(24))
    assert starts[16] == [dt.datetime(2026, 7, 15, 21, tzinfo=dt.UTC)]  # CDT = UTC−5


def test_spring_forward_day_has_23_hours_and_no_2_am():
    expected = expected_minutes(SPRING, CHICAGO)
    assert len(expected) == 23
    assert 2 not in expected
    assert set(expected.values()) == {60}


def test_fall_back_day_has_1_am_twice():
    starts = local_hour_starts(FALL, CHICAGO)
    assert sum(len(v) for v in starts.values()) == 25
    assert starts[1] == [
        dt.datetime(2026, 11, 1, 6, tzinfo=dt.UTC),  # 01:00 CDT
        dt.datetime(2026, 11, 1, 7, tzinfo=dt.UTC),  # 01:00 CST
    ]
    assert expected_minutes(FALL, CHICAGO)[1] == 120


def test_reads_are_put_in_the_clock_hour_they_end_in():
    # An hourly read ending 17:00 CDT (22:00 UTC) is the 16:00 hour.
    assert clock_hour_of(dt.datetime(2026, 7, 15, 22, tzinfo=dt.UTC), CHICAGO) == (
        dt.date(2026, 7, 15),
        16,
    )
    # The read ending at local midnight belongs to 23:00 of the day before.
    assert clock_hour_of(dt.datetime(2026, 7, 16, 5, tzinfo=dt.UTC), CHICAGO) == (
        dt.date(2026, 7, 15),
        23,
    )


def hourly_reads(day, value=D("1.0000")):
    return [
        (start + dt.timedelta(hours=1), 60, value)
        for starts in local_hour_starts(day, CHICAGO).values()
        for start in starts
    ]


def test_both_1_am_hours_of_the_fall_back_day_are_summed():
    usage = usage_by_hour(hourly_reads(FALL), CHICAGO)[FALL]
    assert usage[1] == HourUsage(kwh=D("2.0000"), minutes=120)
    assert usage[0] == HourUsage(kwh=D("1.0000"), minutes=60)
    expected = expected_minutes(FALL, CHICAGO)
    assert day_is_complete(usage, expected=expected, hours=[0, 1, 16])
    # Only one of the two 1 a.m. reads: that hour is incomplete.
    partial = usage_by_hour(hourly_reads(FALL)[:2], CHICAGO)[FALL]
    assert not day_is_complete(partial, expected=expected, hours=[1])


def test_quarter_hour_reads_fill_an_hour():
    start = dt.datetime(2026, 7, 15, 21, tzinfo=dt.UTC)
    reads = [(start + dt.timedelta(minutes=15 * i), 15, D("0.2500")) for i in range(1, 5)]
    usage = usage_by_hour(reads, CHICAGO)[dt.date(2026, 7, 15)]
    assert usage == {16: HourUsage(kwh=D("1.0000"), minutes=60)}


def test_a_missing_hour_makes_a_day_incomplete_and_2_am_never_exists_in_spring():
    expected = expected_minutes(SPRING, CHICAGO)
    usage = usage_by_hour(hourly_reads(SPRING), CHICAGO)[SPRING]
    assert day_is_complete(usage, expected=expected, hours=[16, 17])
    assert not day_is_complete(usage, expected=expected, hours=[2])
    usage = {h: u for h, u in usage.items() if h != 17}
    assert not day_is_complete(usage, expected=expected, hours=[16, 17])


def test_a_daily_read_never_completes_an_hour():
    reads = [(dt.datetime(2026, 7, 16, 5, tzinfo=dt.UTC), 1440, D("30"))]
    usage = usage_by_hour(reads, CHICAGO)[dt.date(2026, 7, 15)]
    assert not day_is_complete(
        usage, expected=expected_minutes(dt.date(2026, 7, 15), CHICAGO), hours=[23]
    )


def test_phase_is_zero_in_us_zones_and_thirty_in_india():
    moments = [dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2026, 7, 1, tzinfo=dt.UTC)]
    assert hour_phase_minutes(CHICAGO, moments) == 0
    assert hour_phase_minutes(zoneinfo.ZoneInfo("Asia/Kolkata"), moments) == 30


def test_local_instant_refuses_a_time_the_clock_skips():
    assert local_instant(SPRING, dt.time(2, 30), CHICAGO) is None
    assert local_instant(SPRING, dt.time(16, 0), CHICAGO) is not None


# similar days -------------------------------------------------------------------


def test_weekday_events_compare_with_weekdays_skipping_holidays_and_excluded_days():
    event = dt.date(2026, 7, 8)  # Wednesday
    holidays = {dt.date(2026, 7, 3)}  # Friday, observed Independence Day
    excluded = {dt.date(2026, 7, 6)}  # a prior event day (Monday)
    days = similar_days(event, lookback_days=10, holidays=holidays, excluded=excluded)
    assert days == (
        dt.date(2026, 7, 7),
        dt.date(2026, 7, 2),
        dt.date(2026, 7, 1),
        dt.date(2026, 6, 30),
        dt.date(2026, 6, 29),
    )


def test_weekend_and_holiday_events_compare_with_weekends_and_holidays():
    holidays = {dt.date(2026, 7, 3)}
    days = similar_days(dt.date(2026, 7, 11), lookback_days=10, holidays=holidays)
    assert days == (
        dt.date(2026, 7, 5),
        dt.date(2026, 7, 4),
        dt.date(2026, 7, 3),
    )
    assert is_weekend_like(dt.date(2026, 7, 3), holidays)
    # A holiday event is weekend-like too.
    assert similar_days(dt.date(2026, 7, 3), lookback_days=7, holidays=holidays) == (
        dt.date(2026, 6, 28),
        dt.date(2026, 6, 27),
    )
