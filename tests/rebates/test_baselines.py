"""Each baseline method against examples worked out by hand."""

import datetime as dt
from decimal import Decimal as D  # noqa: N817

import pytest

from rebates.baselines import (
    AVERAGE_ADJUSTED,
    HIGH_X_OF_Y,
    MIDDLE_8_OF_10,
    BaselineParamError,
    DayOutcome,
    InsufficientHistoryError,
    Outcome,
    adjustment_window,
    average_adjusted,
    high_x_of_y,
    method_get,
    middle_8_of_10,
)

D1, D2, D3, D4, D5 = (dt.date(2026, 7, d) for d in (6, 7, 8, 9, 10))


def history(*days):
    """[(day, {hour: kWh})] from (day, {hour: number}) pairs, most recent first."""
    return [(day, {h: D(str(v)) for h, v in reads.items()}) for day, reads in days]


# high X of Y ----------------------------------------------------------------

FIVE_DAYS = history(
    (D5, {16: 1.0, 17: 2.0}),  # total 3.0 (ties D3; more recent wins)
    (D4, {16: 2.0, 17: 2.0}),  # 4.0
    (D3, {16: 1.5, 17: 1.5}),  # 3.0
    (D2, {16: 3.0, 17: 2.0}),  # 5.0 (highest)
    (D1, {16: 0.5, 17: 0.5}),  # 1.0
)


def test_high_3_of_5_averages_the_three_highest_days_hour_by_hour():
    baseline = high_x_of_y(history=FIVE_DAYS, event_hours=[16, 17], x=3, y=5)
    # D2, D4 and D5 (D5 beats D3 on the tie at 3.0 as the more recent day):
    # 16:00 (3.0 + 2.0 + 1.0) / 3 = 2.0; 17:00 (2.0 + 2.0 + 2.0) / 3 = 2.0.
    assert baseline.days_used == (D2, D4, D5)
    assert baseline.hourly == {16: D("2.000000"), 17: D("2.000000")}
    assert baseline.total == D("4.000000")
    assert baseline.adjustment is None


def test_high_x_of_y_rounds_each_hour_to_six_decimals_half_up():
    days = history(
        (D3, {16: 1.0001}),
        (D2, {16: 1.0001}),
        (D1, {16: 1.0002}),
    )
    # (1.0001 + 1.0001 + 1.0002) / 3 = 1.00013333… → 1.000133
    assert high_x_of_y(history=days, event_hours=[16], x=3, y=3).hourly[16] == D("1.000133")
    days = history((D2, {16: 0.0001}), (D1, {16: 0.0000}))
    # (0.0001 + 0) / 2 = 0.00005 exactly; half up → 0.000050 (not a tie at 6 places)
    assert high_x_of_y(history=days, event_hours=[16], x=2, y=2).hourly[16] == D("0.000050")


def test_high_5_of_10():
    days = history(*[(D1 + dt.timedelta(days=10 - i), {17: i}) for i in range(1, 11)])
    # Highest five totals are 10, 9, 8, 7, 6 → 8.0
    baseline = high_x_of_y(history=days, event_hours=[17], x=5, y=10)
    assert baseline.hourly[17] == D("8.000000")
    assert len(baseline.days_used) == 5


def test_a_method_refuses_the_wrong_number_of_days():
    with pytest.raises(InsufficientHistoryError):
        high_x_of_y(history=FIVE_DAYS[:4], event_hours=[16, 17], x=3, y=5)


# middle 8 of 10 ---------------------------------------------------------------


def test_middle_8_of_10_drops_the_highest_and_the_lowest():
    values = [5, 1, 9, 3, 7, 2, 8, 4, 6, 10]
    days = history(*[(D5 - dt.timedelta(days=i), {17: v}) for i, v in enumerate(values)])
    baseline = middle_8_of_10(history=days, event_hours=[17])
    # Without 10 and 1: 5 + 9 + 3 + 7 + 2 + 8 + 4 + 6 = 44; 44 / 8 = 5.5
    assert baseline.hourly[17] == D("5.500000")
    used_values = {v for (day, reads) in days for v in reads.values() if day in baseline.days_used}
    assert used_values == {D(v) for v in (5, 9, 3, 7, 2, 8, 4, 6)}


# average with a day-of adjustment ------------------------------------------------

THREE_DAYS = history(
    (D3, {12: 1, 13: 1, 14: 1, 16: 2, 17: 2}),
    (D2, {12: 1, 13: 1, 14: 1, 16: 3, 17: 3}),
    (D1, {12: 1, 13: 1, 14: 1, 16: 4, 17: 4}),
)


def event_day(window_values, event_values=(3, 3)):
    reads = dict(zip((12, 13, 14), window_values, strict=True))
    reads.update(zip((16, 17), event_values, strict=True))
    return {h: D(str(v)) for h, v in reads.items()}


def test_adjustment_window_is_4h_to_1h_before_the_start():
    assert adjustment_window([16, 17, 18]) == (12, 13, 14)
    with pytest.raises(BaselineParamError):
        adjustment_window([3, 4])


@pytest.mark.parametrize(
    ("window", "factor", "hourly"),
    [
        # Unadjusted baseline: 3.0 per event hour; window baseline 1 + 1 + 1 = 3.0.
        ((1.2, 1.2, 1.2), "1.200000", "3.600000"),  # 3.6 / 3.0 = 1.2 (at the cap)
        ((1.5, 1.5, 1.5), "1.200000", "3.600000"),  # 1.5 → capped at +20 %
        ((0.5, 0.5, 0.5), "0.800000", "2.400000"),  # 0.5 → capped at −20 %
        # 3.1 / 3.0 = 1.0333… → 1.033333; 3.0 × 1.033333 = 3.099999
        ((1.1, 1.0, 1.0), "1.033333", "3.099999"),
    ],
)
def test_average_adjusted_scales_by_the_capped_day_of_ratio(window, factor, hourly):
    baseline = average_adjusted(
        history=THREE_DAYS,
        event_hours=[16, 17],
        event_day=event_day(window),
        days=3,
        cap=D("0.20"),
    )
    assert baseline.adjustment == D(factor)
    assert baseline.hourly == {16: D(hourly), 17: D(hourly)}
    assert baseline.window_baseline == D("3.000000")
    assert baseline.days_used == (D1, D2, D3)


def test_average_adjusted_with_no_window_use_is_not_scaled():
    days = history((D1, {12: 0, 13: 0, 14: 0, 16: 2, 17: 2}))
    baseline = average_adjusted(
        history=days, event_hours=[16, 17], event_day=event_day((1, 1, 1)), days=1, cap=D("0.2")
    )
    assert baseline.adjustment == D("1")
    assert baseline.total == D("4.000000")


# outcomes: savings and the rebate ---------------------------------------------------


def outcome(baseline_hourly, actual_hourly, rate, day=D5):
    baseline = high_x_of_y(
        history=[(day, {h: D(str(v)) for h, v in baseline_hourly.items()})],
        event_hours=sorted(baseline_hourly),
        x=1,
        y=1,
    )
    return DayOutcome(
        day=day, baseline=baseline, actual={h: D(str(v)) for h, v in actual_hourly.items()}
    )


def test_rebate_is_savings_times_rate_rounded_half_up_to_cents():
    # Baseline 4.0 kWh, actual 2.58 kWh: 1.42 kWh saved × $0.75 = $1.065 → $1.07
    result = Outcome(days=(outcome({16: 2, 17: 2}, {16: 1.29, 17: 1.29}, None),), rate=D("0.75"))
    assert result.savings_kwh == D("1.420000")
    assert result.rebate == D("1.07")


def test_rebate_is_never_negative_and_negative_savings_are_kept():
    result = Outcome(days=(outcome({16: 2, 17: 2}, {16: 2.5, 17: 2.3}, None),), rate=D("1.25"))
    assert result.savings_kwh == D("-0.800000")
    assert result.rebate == D("0.00")


def test_rebate_is_rounded_once_over_all_days_of_an_event():
    # Each day saves 0.0066 kWh at $1.00: per-day rounding would pay 2 × $0.01,
    # rounding once pays 0.0132 → $0.01.
    days = tuple(outcome({17: 1}, {17: 0.9934}, None, day=d) for d in (D4, D5))
    result = Outcome(days=days, rate=D("1.00"))
    assert result.savings_kwh == D("0.013200")
    assert result.rebate == D("0.01")


# the registry ------------------------------------------------------------------------


def test_registry_names_the_three_methods():
    assert method_get("high-x-of-y") is HIGH_X_OF_Y
    assert method_get("middle-8-of-10") is MIDDLE_8_OF_10
    assert method_get("average-adjusted") is AVERAGE_ADJUSTED


@pytest.mark.parametrize(
    ("method", "params", "error"),
    [
        (HIGH_X_OF_Y, {"x": 6, "y": 5}, "x cannot be larger than y"),
        (HIGH_X_OF_Y, {"x": "three"}, "x must be a whole number"),
        (HIGH_X_OF_Y, {"z": 1}, "Unknown parameter"),
        (HIGH_X_OF_Y, {"y": 0}, "y must be between 1 and 30"),
        (AVERAGE_ADJUSTED, {"cap": "0.9"}, "cap must be between 0 and 0.50"),
        (AVERAGE_ADJUSTED, {"cap": "NaN"}, "cap must be a number"),
    ],
)
def test_parameters_are_validated(method, params, error):
    with pytest.raises(BaselineParamError, match=error):
        method.params_clean(params)


def test_defaults_fill_missing_parameters():
    assert HIGH_X_OF_Y.params_clean({}) == {"x": 3, "y": 5}
    assert AVERAGE_ADJUSTED.params_clean({"days": "10"}) == {"days": 10, "cap": "0.20"}
    assert MIDDLE_8_OF_10.params_clean({}) == {}
