from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from insights import calculations as calc
from insights.calculations import Home, NeighborState, Period


def period(date_to, duration=30, usage="300", cost="40", estimated=False):
    return Period(
        date_to=date_to,
        duration=duration,
        usage=Decimal(usage),
        cost=None if cost is None else Decimal(cost),
        estimated=estimated,
    )


def test_a_period_that_began_before_move_in_is_not_visible():
    before = period(date(2024, 2, 29), 29)  # Feb 1 - Feb 29
    straddling = period(date(2024, 3, 14), 29)  # Feb 15 - Mar 14
    after = period(date(2024, 4, 14), 31)  # Mar 15 - Apr 14
    visible = calc.periods_visible([after, straddling, before], active_date=date(2024, 3, 1))
    assert visible == [after]


def test_same_period_last_year_tolerates_drifting_read_dates():
    latest = period(date(2024, 11, 5))
    candidates = [period(date(2023, 11, 20)), period(date(2023, 10, 21)), latest]
    assert calc.period_same_last_year(candidates, latest).date_to == date(2023, 11, 20)
    assert calc.period_same_last_year([period(date(2023, 8, 1)), latest], latest) is None


def test_change_reasons_name_days_use_per_day_and_estimates():
    latest = period(date(2024, 12, 31), 33, usage="660", estimated=True)  # 20/day
    other = period(date(2024, 11, 28), 30, usage="450")  # 15/day
    comparison = calc.comparison_build(latest, other)
    assert comparison.usage_change == Decimal("0.467")
    assert comparison.usage_direction == calc.Direction.UP
    codes = [r.code for r in calc.change_reasons(comparison)]
    assert codes == [
        calc.ReasonCode.MORE_DAYS,
        calc.ReasonCode.MORE_PER_DAY,
        calc.ReasonCode.ESTIMATED_LATEST,
    ]


def test_a_small_change_is_about_the_same():
    comparison = calc.comparison_build(
        period(date(2024, 2, 1), usage="302"), period(date(2024, 1, 1), usage="300")
    )
    assert comparison.usage_direction == calc.Direction.SAME
    assert calc.change_reasons(comparison)[0].code == calc.ReasonCode.SAME_PER_DAY


def test_change_from_zero_is_undefined_not_an_error():
    assert calc.change_ratio(Decimal(5), Decimal(0)) is None
    assert calc.direction(None) == calc.Direction.SAME


def test_combined_cost_adds_fuels_per_billing_month_only_when_both_are_billed():
    electric = [period(date(2024, 1, 20), cost="80"), period(date(2024, 2, 20), cost="70")]
    gas = [period(date(2024, 2, 3), cost="50")]
    months = calc.combined_cost_by_month({"electric": electric, "gas": gas})
    assert [(m.month, m.total) for m in months] == [(date(2024, 2, 1), Decimal("120"))]


def test_neighbor_state_thresholds():
    kwargs = {"average_per_day": Decimal(20), "efficient_per_day": Decimal(12)}
    assert calc.neighbor_state(Decimal(12), **kwargs) == NeighborState.GREAT
    assert calc.neighbor_state(Decimal("12.01"), **kwargs) == NeighborState.GOOD
    assert calc.neighbor_state(Decimal(20), **kwargs) == NeighborState.GOOD
    assert calc.neighbor_state(Decimal("20.01"), **kwargs) == NeighborState.MORE


def test_efficient_neighbors_are_the_lowest_fifth():
    values = [Decimal(v) for v in range(1, 101)]
    assert calc.efficient_average(values) == Decimal("10.50")  # mean of 1..20


def _home(key, *, sqft=1500, zip5="62701", city="Springfield", use="20", **kw):
    return Home(
        key=key,
        fuel=kw.get("fuel", "electric"),
        period_end=kw.get("period_end", date(2024, 3, 5)),
        dwelling_type=kw.get("dwelling", "single_family"),
        heating_fuel="gas",
        zip5=zip5,
        city=city,
        square_feet=sqft,
        usage_per_day=Decimal(use),
        comparator=kw.get("comparator", True),
    )


def test_neighbor_groups_take_the_100_closest_in_size_and_never_the_home_itself():
    homes = [_home(i, sqft=1000 + 10 * i, use=str(10 + i % 7)) for i in range(300)]
    results = {r.key: r for r in calc.neighbor_groups(homes)}
    assert all(r.neighbors == 100 for r in results.values())
    assert results[150].scope == "zip"
    # Home 0 is the smallest: its neighbors are homes 1..100.
    expected = [Decimal(10 + i % 7) for i in range(1, 101)]
    assert results[0].average_per_day == (sum(expected) / 100).quantize(Decimal("0.01"))


def test_vacant_and_solar_homes_are_nobodys_neighbors():
    homes = [_home(i) for i in range(25)]
    homes += [_home(100 + i, use="0.2") for i in range(10)]  # vacant
    homes += [_home(200 + i, comparator=False) for i in range(10)]  # solar
    result = {r.key: r for r in calc.neighbor_groups(homes)}
    assert result[0].neighbors == 24


def test_small_zip_widens_to_the_city_then_gives_up():
    homes = [_home(i, zip5="62702") for i in range(5)]
    homes += [_home(100 + i, zip5="62703") for i in range(30)]
    homes += [_home(200 + i, city="Chatham", zip5="62629") for i in range(5)]
    results = {r.key: r for r in calc.neighbor_groups(homes)}
    assert results[0].scope == "city"
    assert results[0].neighbors == 34
    assert not results[200].compared
    assert results[200].average_per_day is None


def test_homes_read_in_another_week_or_of_another_type_are_not_neighbors():
    homes = [_home(i) for i in range(25)]
    homes += [_home(100 + i, period_end=date(2024, 3, 5) + timedelta(days=14)) for i in range(25)]
    homes += [_home(200 + i, dwelling="multi_family") for i in range(25)]
    results = {r.key: r for r in calc.neighbor_groups(homes)}
    assert results[0].neighbors == 24


@given(
    st.lists(st.integers(min_value=1, max_value=5000), min_size=1, max_size=60),
    st.integers(0, 6000),
)
def test_nearest_by_area_picks_the_closest(areas, target):
    ordered = sorted(
        (_home(i, sqft=a) for i, a in enumerate(areas)), key=lambda h: (h.square_feet, h.key)
    )
    size = min(10, len(ordered))
    chosen = calc._nearest_by_area(ordered, [h.square_feet for h in ordered], target, size)
    worst_chosen = max(abs(h.square_feet - target) for h in chosen)
    others = [h for h in ordered if h not in chosen]
    assert len(chosen) == size
    assert all(abs(h.square_feet - target) >= worst_chosen for h in others)


def test_series_summary():
    stats = calc.series_summary([("a", Decimal(1)), ("b", Decimal(5)), ("c", Decimal(3))])
    assert (stats.total, stats.average, stats.highest_label, stats.lowest_label) == (
        Decimal(9),
        Decimal("3.00"),
        "b",
        "a",
    )
    assert calc.series_summary([]) is None


@pytest.mark.parametrize("duration", [0, -1])
def test_periods_cover_at_least_a_day(duration):
    with pytest.raises(ValueError):
        _ = period(date(2024, 1, 1), duration).start
