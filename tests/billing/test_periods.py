from datetime import date

import pytest

from billing.periods import period_end_before, period_start


@pytest.mark.parametrize(
    ("date_to", "duration", "expected"),
    [
        # The seed's own example: Oct 1–28, 2013 is date_to 20131028, duration 28.
        (date(2013, 10, 28), 28, date(2013, 10, 1)),
        (date(2024, 3, 1), 30, date(2024, 2, 1)),  # leap year: Feb has 29 days
        (date(2023, 3, 1), 29, date(2023, 2, 1)),  # not a leap year
        (date(2024, 3, 31), 60, date(2024, 2, 1)),  # bimonthly across Feb 29
        (date(2025, 1, 15), 60, date(2024, 11, 17)),  # across a year end
        (date(2024, 6, 30), 1, date(2024, 6, 30)),  # a one-day period
        (date(2024, 12, 31), 366, date(2024, 1, 1)),  # a leap year, whole
    ],
)
def test_period_start_is_date_to_minus_duration_plus_one(date_to, duration, expected):
    assert period_start(date_to, duration) == expected


def test_previous_period_must_end_the_day_before_the_start():
    # Seed 002: date_to 20131028 with duration 28 follows date_to 20130930.
    assert period_end_before(date(2013, 10, 28), 28) == date(2013, 9, 30)


def test_period_start_rejects_empty_periods():
    with pytest.raises(ValueError, match="at least one day"):
        period_start(date(2024, 1, 1), 0)
