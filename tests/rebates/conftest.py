import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest

from billing.models import IntervalRead
from rebates.intervals import local_hour_starts

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def write_day(service_point, day, hours=None, *, default="0.5000", skip=(), minutes=60):
    """Write a local day of reads: `hours` maps clock hour to kWh (per hour)."""
    hours = hours or {}
    rows = []
    for hour, starts in local_hour_starts(day, CHICAGO).items():
        if hour in skip:
            continue
        for start in starts:
            value = Decimal(str(hours.get(hour, default)))
            parts = 60 // minutes
            for part in range(1, parts + 1):
                rows.append(
                    IntervalRead(
                        service_point=service_point,
                        interval_end=start + dt.timedelta(minutes=minutes * part),
                        interval_minutes=minutes,
                        value=(value / parts).quantize(Decimal("0.0001")),
                    )
                )
    IntervalRead.objects.bulk_create(rows)
    return len(rows)


def write_days(service_point, days, hours=None, **kwargs):
    for day in days:
        write_day(service_point, day, hours, **kwargs)


@pytest.fixture
def reads():
    return write_day
