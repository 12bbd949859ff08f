"""Which past days a baseline may compare an event day with.

Similar days (domain-facts §2): weekdays for a weekday event; weekends and
holidays for a weekend or holiday event (PG&E, SDG&E). Never a holiday for a
weekday event, never a prior event day or an outage day, never a day of the
event itself. The search goes back `lookback_days` calendar days; the list is
most recent first, and the baseline method takes as many as it needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection


def is_weekend_like(day: dt.date, holidays: Collection[dt.date]) -> bool:
    return day.weekday() >= 5 or day in holidays


def similar_days(
    event_day: dt.date,
    *,
    lookback_days: int,
    holidays: Collection[dt.date] = (),
    excluded: Collection[dt.date] = (),
) -> tuple[dt.date, ...]:
    """Candidate baseline days for `event_day`, most recent first."""
    weekend_like = is_weekend_like(event_day, holidays)
    days = []
    for back in range(1, lookback_days + 1):
        day = event_day - dt.timedelta(days=back)
        if day in excluded:
            continue
        if is_weekend_like(day, holidays) == weekend_like:
            days.append(day)
    return tuple(days)
