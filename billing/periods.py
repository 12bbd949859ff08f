"""Billing-period arithmetic, in one place.

A usage row carries the last billed day (`date_to`) and the number of days it
covers, inclusive (`duration`); the first day is derived, never sent
(seed 002, "Usage Value": date_to - duration + 1).
"""

from datetime import date, timedelta


def period_start(date_to: date, duration: int) -> date:
    """Return the first day of a billing period ending on `date_to`."""
    if duration < 1:
        raise ValueError("A billing period covers at least one day.")
    return date_to - timedelta(days=duration - 1)


def period_end_before(date_to: date, duration: int) -> date:
    """Return the `date_to` the previous period must have for no gap or overlap."""
    return period_start(date_to, duration) - timedelta(days=1)
