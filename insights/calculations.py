"""Pure calculations behind the insights: no database, no request, no plotly.

Everything here takes plain values (dates, Decimals, small dataclasses) and
returns plain values, so it is tested directly and reused by the dashboard,
the CSV downloads and the neighbor-comparison precomputation alike.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from billing.periods import period_start

TWO_PLACES = Decimal("0.01")
ONE_PLACE = Decimal("0.1")

# A period counts as "the same period last year" when it ends within this
# many days of one year before the latest one (read dates drift by a few days).
SAME_PERIOD_TOLERANCE_DAYS = 20
# Changes smaller than this share are reported as "about the same".
NOTABLE_CHANGE = Decimal("0.05")


@dataclass(frozen=True)
class Period:
    """One billed period of one fuel, as the customer sees it."""

    date_to: date
    duration: int
    usage: Decimal
    cost: Decimal | None
    estimated: bool

    @property
    def start(self) -> date:
        return period_start(self.date_to, self.duration)

    @property
    def usage_per_day(self) -> Decimal:
        return (self.usage / self.duration).quantize(TWO_PLACES, ROUND_HALF_UP)

    @property
    def cost_per_day(self) -> Decimal | None:
        if self.cost is None:
            return None
        return (self.cost / self.duration).quantize(TWO_PLACES, ROUND_HALF_UP)


def periods_visible(periods: Iterable[Period], *, active_date: date) -> list[Period]:
    """The periods a customer may see: those that start on or after move-in.

    A period that began before the customer's account did holds the previous
    occupant's usage, even if it ended after move-in, so it is never shown
    (seed 002: a newer active date hides prior usage history).
    """
    return sorted((p for p in periods if p.start >= active_date), key=lambda p: p.date_to)


def period_same_last_year(periods: Sequence[Period], latest: Period) -> Period | None:
    """The period that ended closest to one year before `latest`, if close enough."""
    try:
        target = latest.date_to.replace(year=latest.date_to.year - 1)
    except ValueError:  # 29 February
        target = latest.date_to - timedelta(days=365)
    best = None
    for period in periods:
        gap = abs((period.date_to - target).days)
        if gap <= SAME_PERIOD_TOLERANCE_DAYS and (
            best is None or gap < abs((best.date_to - target).days)
        ):
            best = period
    return best


def period_previous(periods: Sequence[Period], latest: Period) -> Period | None:
    earlier = [p for p in periods if p.date_to < latest.date_to]
    return max(earlier, key=lambda p: p.date_to) if earlier else None


def change_ratio(current: Decimal, before: Decimal) -> Decimal | None:
    """Relative change from `before` to `current` (0.12 = 12% more); None if undefined."""
    if before == 0:
        return None
    return ((current - before) / abs(before)).quantize(Decimal("0.001"), ROUND_HALF_UP)


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    SAME = "same"


def direction(ratio: Decimal | None) -> Direction:
    if ratio is None or abs(ratio) < NOTABLE_CHANGE:
        return Direction.SAME
    return Direction.UP if ratio > 0 else Direction.DOWN


@dataclass(frozen=True)
class Comparison:
    """The latest period against one earlier period, with the reasons it changed."""

    latest: Period
    other: Period
    usage_change: Decimal | None
    cost_change: Decimal | None
    days_difference: int
    per_day_change: Decimal | None

    @property
    def usage_direction(self) -> Direction:
        return direction(self.usage_change)

    @property
    def cost_direction(self) -> Direction:
        return direction(self.cost_change)

    @property
    def per_day_direction(self) -> Direction:
        return direction(self.per_day_change)

    @property
    def usage_difference(self) -> Decimal:
        return self.latest.usage - self.other.usage

    @property
    def cost_difference(self) -> Decimal | None:
        if self.latest.cost is None or self.other.cost is None:
            return None
        return self.latest.cost - self.other.cost


def comparison_build(latest: Period, other: Period | None) -> Comparison | None:
    if other is None:
        return None
    cost_change = None
    if latest.cost is not None and other.cost is not None:
        cost_change = change_ratio(latest.cost, other.cost)
    return Comparison(
        latest=latest,
        other=other,
        usage_change=change_ratio(latest.usage, other.usage),
        cost_change=cost_change,
        days_difference=latest.duration - other.duration,
        per_day_change=change_ratio(latest.usage_per_day, other.usage_per_day),
    )


class ReasonCode(StrEnum):
    MORE_DAYS = "more_days"
    FEWER_DAYS = "fewer_days"
    MORE_PER_DAY = "more_per_day"
    LESS_PER_DAY = "less_per_day"
    SAME_PER_DAY = "same_per_day"
    ESTIMATED_LATEST = "estimated_latest"
    ESTIMATED_OTHER = "estimated_other"


@dataclass(frozen=True)
class ChangeReason:
    code: ReasonCode
    days: int = 0
    latest_per_day: Decimal = Decimal(0)
    other_per_day: Decimal = Decimal(0)


def change_reasons(comparison: Comparison) -> list[ChangeReason]:
    """Plain facts that explain a change: days billed, use per day, estimates.

    Ordered by how much they usually explain: a longer period costs more even
    at the same daily use, so the number of days comes first.
    """
    reasons: list[ChangeReason] = []
    latest, other = comparison.latest, comparison.other
    if comparison.days_difference > 0:
        reasons.append(ChangeReason(ReasonCode.MORE_DAYS, days=comparison.days_difference))
    elif comparison.days_difference < 0:
        reasons.append(ChangeReason(ReasonCode.FEWER_DAYS, days=-comparison.days_difference))
    per_day = {
        Direction.UP: ReasonCode.MORE_PER_DAY,
        Direction.DOWN: ReasonCode.LESS_PER_DAY,
        Direction.SAME: ReasonCode.SAME_PER_DAY,
    }[comparison.per_day_direction]
    reasons.append(
        ChangeReason(
            per_day, latest_per_day=latest.usage_per_day, other_per_day=other.usage_per_day
        )
    )
    if latest.estimated:
        reasons.append(ChangeReason(ReasonCode.ESTIMATED_LATEST))
    if other.estimated:
        reasons.append(ChangeReason(ReasonCode.ESTIMATED_OTHER))
    return reasons


@dataclass(frozen=True)
class MonthlyCost:
    month: date  # first day of the billing month (the month the period ended in)
    by_fuel: dict[str, Decimal]

    @property
    def total(self) -> Decimal:
        return sum(self.by_fuel.values(), Decimal(0))


def combined_cost_by_month(series: dict[str, Sequence[Period]]) -> list[MonthlyCost]:
    """Electric and gas costs of one premise added up per billing month.

    Periods are placed in the month their read date falls in, as the bill
    shows them; fuels read on different days still land in the same month.
    Only months where every fuel has a cost are combined, so a total is never
    an undercount.
    """
    months: dict[date, dict[str, Decimal]] = {}
    for fuel, periods in series.items():
        for period in periods:
            if period.cost is None:
                continue
            month = period.date_to.replace(day=1)
            months.setdefault(month, {})
            months[month][fuel] = months[month].get(fuel, Decimal(0)) + period.cost
    fuels = set(series)
    return [
        MonthlyCost(month=month, by_fuel=dict(sorted(costs.items())))
        for month, costs in sorted(months.items())
        if set(costs) == fuels
    ]


@dataclass(frozen=True)
class DailyUse:
    day: date
    value: Decimal
    estimated: bool = False


@dataclass(frozen=True)
class SeriesSummary:
    count: int
    total: Decimal
    average: Decimal
    highest_label: str
    highest: Decimal
    lowest_label: str
    lowest: Decimal


def series_summary(points: Sequence[tuple[str, Decimal]]) -> SeriesSummary | None:
    """Total, average, highest and lowest of a labelled series (for text summaries)."""
    if not points:
        return None
    values = [value for _, value in points]
    total = sum(values, Decimal(0))
    high = max(points, key=lambda p: p[1])
    low = min(points, key=lambda p: p[1])
    return SeriesSummary(
        count=len(points),
        total=total,
        average=(total / len(points)).quantize(TWO_PLACES, ROUND_HALF_UP),
        highest_label=high[0],
        highest=high[1],
        lowest_label=low[0],
        lowest=low[1],
    )


# --- Neighbor comparison (domain-facts §5) -----------------------------------

NEIGHBOR_GROUP_SIZE = 100
MIN_NEIGHBORS = 20
EFFICIENT_SHARE = Decimal("0.2")
# Below this use per day a home counts as vacant and is nobody's neighbor.
VACANT_PER_DAY = {"electric": Decimal("1.0"), "gas": Decimal("0.05")}


class NeighborState(StrEnum):
    GREAT = "great"
    GOOD = "good"
    MORE = "more"


@dataclass(frozen=True)
class Home:
    """One candidate in a neighbor pool: a service point's latest period."""

    key: int  # the service point's primary key
    fuel: str
    period_end: date
    dwelling_type: str
    heating_fuel: str
    zip5: str
    city: str
    square_feet: int | None
    usage_per_day: Decimal
    comparator: bool = True  # False: shown a comparison but nobody's neighbor


@dataclass(frozen=True)
class NeighborResult:
    key: int
    neighbors: int
    average_per_day: Decimal | None = None
    efficient_per_day: Decimal | None = None
    scope: str = ""  # "zip" or "city": how far the pool had to reach

    @property
    def compared(self) -> bool:
        return self.neighbors >= MIN_NEIGHBORS


def neighbor_state(
    usage_per_day: Decimal, *, average_per_day: Decimal, efficient_per_day: Decimal
) -> NeighborState:
    """Great at or below the efficient neighbors, Good at or below average (§5, D)."""
    if usage_per_day <= efficient_per_day:
        return NeighborState.GREAT
    if usage_per_day <= average_per_day:
        return NeighborState.GOOD
    return NeighborState.MORE


def efficient_average(values: Sequence[Decimal]) -> Decimal:
    """Average of the most efficient 20% (at least one home)."""
    ordered = sorted(values)
    count = max(1, int((len(ordered) * EFFICIENT_SHARE).to_integral_value(ROUND_HALF_UP)))
    return (sum(ordered[:count], Decimal(0)) / count).quantize(TWO_PLACES, ROUND_HALF_UP)


# Homes whose bills were read in the same week are compared (use per day, so
# periods of slightly different length compare fairly).
READ_WEEK_DAYS = 7


def _pool_key(home: Home, scope: str) -> tuple:
    place = home.zip5 if scope == "zip" else home.city
    read_week = home.period_end.toordinal() // READ_WEEK_DAYS
    return (home.fuel, read_week, home.dwelling_type, home.heating_fuel, place)


@dataclass
class _Pool:
    homes: list[Home] = field(default_factory=list)
    comparators: list[Home] = field(default_factory=list)
    areas: list[int] = field(default_factory=list)
    keys: set[int] = field(default_factory=set)

    def seal(self) -> None:
        self.comparators.sort(key=lambda h: (h.square_feet or 0, h.key))
        self.areas = [h.square_feet or 0 for h in self.comparators]
        self.keys = {h.key for h in self.comparators}

    def others(self, home: Home) -> int:
        return len(self.comparators) - (1 if home.key in self.keys else 0)

    def nearest(self, home: Home, size: int) -> list[Home]:
        """The `size` comparators closest in area to `home`, never `home` itself."""
        want = size + (1 if home.key in self.keys else 0)
        chosen = _nearest_by_area(self.comparators, self.areas, home.square_feet or 0, want)
        return [h for h in chosen if h.key != home.key][:size]


def _is_comparator(home: Home) -> bool:
    return home.comparator and home.usage_per_day >= VACANT_PER_DAY.get(home.fuel, Decimal(0))


def neighbor_groups(
    homes: Sequence[Home], *, size: int = NEIGHBOR_GROUP_SIZE, minimum: int = MIN_NEIGHBORS
) -> list[NeighborResult]:
    """Compare every home with up to `size` similar, nearby, occupied homes.

    Similar and nearby: same fuel, bills read in the same week, same dwelling
    type and heating fuel, same ZIP code, and the `size` closest in finished
    area; compared on use per day. When the ZIP code has fewer than `minimum` such homes the
    pool widens to the city; below that the home is not compared. A home is
    never its own neighbor; vacant homes and non-comparators (e.g. solar) are
    nobody's neighbor.

    Runs in O(n log n) per pool: comparators are sorted by area once and each
    home takes the nearest window of that sorted list.
    """
    pools: dict[str, dict[tuple, _Pool]] = {"zip": {}, "city": {}}
    for home in homes:
        comparator = _is_comparator(home)
        for scope, by_key in pools.items():
            pool = by_key.setdefault(_pool_key(home, scope), _Pool())
            pool.homes.append(home)
            if comparator:
                pool.comparators.append(home)
    for by_key in pools.values():
        for pool in by_key.values():
            pool.seal()

    results = []
    for home in homes:
        chosen: list[Home] = []
        scope = ""
        for candidate_scope in ("zip", "city"):
            pool = pools[candidate_scope][_pool_key(home, candidate_scope)]
            if pool.others(home) >= minimum:
                chosen = pool.nearest(home, size)
                scope = candidate_scope
                break
        if len(chosen) < minimum:
            results.append(NeighborResult(key=home.key, neighbors=len(chosen)))
            continue
        values = [h.usage_per_day for h in chosen]
        results.append(
            NeighborResult(
                key=home.key,
                neighbors=len(chosen),
                average_per_day=(sum(values, Decimal(0)) / len(values)).quantize(
                    TWO_PLACES, ROUND_HALF_UP
                ),
                efficient_per_day=efficient_average(values),
                scope=scope,
            )
        )
    return results


def _nearest_by_area(ordered: list[Home], areas: list[int], area: int, size: int) -> list[Home]:
    """The `size` homes closest in area, from a list sorted by area."""
    if len(ordered) <= size:
        return list(ordered)
    right = bisect.bisect_left(areas, area)
    left = right - 1
    chosen = []
    while len(chosen) < size:
        take_left = right >= len(ordered) or (
            left >= 0 and area - areas[left] <= areas[right] - area
        )
        if take_left:
            chosen.append(ordered[left])
            left -= 1
        else:
            chosen.append(ordered[right])
            right += 1
    return chosen
