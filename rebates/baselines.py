"""Baseline methods: what a participant would have used without the event.

Each method is a pure function over hourly reads (kWh per local clock hour)
of the similar days before the event (most recent first, see
rebates.similar_days) and, for adjusted methods, of the event day itself.
Sources (domain-facts §2):

- ``high-x-of-y``: the X highest of the last Y similar days, averaged hour by
  hour (SDG&E: 3 of 5; PG&E Power Saver Rewards: 5 of 10).
- ``middle-8-of-10``: ERCOT's "middle 8 of 10 like days": of the last ten,
  drop the highest and the lowest, average the other eight.
- ``average-adjusted``: CAISO's "10 of 10" with a same-day adjustment (LBNL
  reference implementation): average the last N similar days, then scale by
  the ratio of actual to baseline use in the window from 4 h to 1 h before the
  event, capped at ±20 % by default.

Days are ranked by their total over the event hours, highest first, the more
recent day first on a tie. Arithmetic is Decimal and rounding is fixed, so
the SQL settlement reproduces these results to the last digit:

- the baseline of each hour is the mean of the chosen days, rounded to 6
  decimals (half up);
- the adjustment factor is clamped, then rounded to 6 decimals, and each
  hour's adjusted baseline is rounded to 6 decimals again;
- the rebate is max(0, savings) × rate, rounded to cents once, at the end.

The registry is pluggable: settings.REBATES_BASELINE_METHODS maps names to
dotted paths of BaselineMethod objects, loaded lazily.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

KWH_PLACES = Decimal("0.000001")
CENTS = Decimal("0.01")
ZERO = Decimal(0)
ONE = Decimal(1)

# One similar day: (day, kWh by clock hour). Only the hours a method needs
# are read; missing hours are an error of the caller (days are filtered for
# completeness first).
HistoryDay = tuple[dt.date, Mapping[int, Decimal]]


class BaselineParamError(ValueError):
    pass


class InsufficientHistoryError(ValueError):
    pass


def round_kwh(value: Decimal) -> Decimal:
    return value.quantize(KWH_PLACES, rounding=ROUND_HALF_UP)


def round_cents(value: Decimal) -> Decimal:
    return value.quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Baseline:
    """The baseline of one event day."""

    hourly: dict[int, Decimal]
    days_used: tuple[dt.date, ...]
    days_considered: tuple[dt.date, ...]
    adjustment: Decimal | None = None
    window_baseline: Decimal | None = None
    window_actual: Decimal | None = None

    @property
    def total(self) -> Decimal:
        return sum(self.hourly.values(), ZERO)


@dataclass(frozen=True)
class Selection:
    """The shape every built-in method has, which the SQL settlement runs.

    Take the `history_days` most recent complete similar days, rank them by
    event-hour use (highest first, the more recent first on a tie), average
    ranks `first_rank`..`last_rank` hour by hour, and, with a cap, apply the
    day-of adjustment over `window_hours`.
    """

    history_days: int
    first_rank: int
    last_rank: int
    cap: Decimal | None = None


def day_total(reads: Mapping[int, Decimal], hours: Sequence[int]) -> Decimal:
    return sum((reads[h] for h in hours), ZERO)


def ranked_baseline(
    *,
    history: Sequence[HistoryDay],
    event_hours: Sequence[int],
    selection: Selection,
    window_hours: Sequence[int] = (),
    event_day: Mapping[int, Decimal] | None = None,
) -> Baseline:
    """The generic form of the built-in methods (see Selection)."""
    if len(history) != selection.history_days:
        raise InsufficientHistoryError(
            f"{selection.history_days} similar days are needed, {len(history)} were given."
        )
    days = sorted(history, key=lambda d: d[0], reverse=True)
    ranked = sorted(days, key=lambda d: (day_total(d[1], event_hours), d[0]), reverse=True)
    chosen = ranked[selection.first_rank - 1 : selection.last_rank]

    def mean(hour: int) -> Decimal:
        return round_kwh(sum((reads[hour] for _, reads in chosen), ZERO) / len(chosen))

    hourly = {hour: mean(hour) for hour in event_hours}
    if selection.cap is None:
        return Baseline(
            hourly=hourly,
            days_used=tuple(sorted(d for d, _ in chosen)),
            days_considered=tuple(sorted(d for d, _ in days)),
        )
    if event_day is None:
        raise InsufficientHistoryError("The day-of adjustment needs the event day's reads.")
    window_baseline = sum((mean(h) for h in window_hours), ZERO)
    window_actual = sum((event_day[h] for h in window_hours), ZERO)
    if window_baseline == 0:
        factor = round_kwh(ONE)
    else:
        ratio = window_actual / window_baseline
        factor = round_kwh(min(ONE + selection.cap, max(ONE - selection.cap, ratio)))
    return Baseline(
        hourly={hour: round_kwh(value * factor) for hour, value in hourly.items()},
        days_used=tuple(sorted(d for d, _ in chosen)),
        days_considered=tuple(sorted(d for d, _ in days)),
        adjustment=factor,
        window_baseline=window_baseline,
        window_actual=window_actual,
    )


def high_x_of_y(
    *, history: Sequence[HistoryDay], event_hours: Sequence[int], x: int, y: int
) -> Baseline:
    """The average of the X highest of the last Y similar days."""
    return ranked_baseline(history=history, event_hours=event_hours, selection=Selection(y, 1, x))


def middle_8_of_10(*, history: Sequence[HistoryDay], event_hours: Sequence[int]) -> Baseline:
    """Of the last 10 like days, drop the highest and the lowest, average 8."""
    return ranked_baseline(history=history, event_hours=event_hours, selection=Selection(10, 2, 9))


def adjustment_window(event_hours: Sequence[int]) -> tuple[int, ...]:
    """The clock hours from 4 h to 1 h before the event starts (LBNL/CAISO)."""
    start = min(event_hours)
    if start < 4:
        raise BaselineParamError(
            "The day-of adjustment uses the 4 hours before the event; start at 04:00 or later."
        )
    return (start - 4, start - 3, start - 2)


def average_adjusted(
    *,
    history: Sequence[HistoryDay],
    event_hours: Sequence[int],
    event_day: Mapping[int, Decimal],
    days: int,
    cap: Decimal,
) -> Baseline:
    """The average of the last N similar days, adjusted by the day-of ratio."""
    return ranked_baseline(
        history=history,
        event_hours=event_hours,
        selection=Selection(days, 1, days, cap),
        window_hours=adjustment_window(event_hours),
        event_day=event_day,
    )


# The registry
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    name: str
    kind: type
    default: int | Decimal
    minimum: int | Decimal
    maximum: int | Decimal
    label: str = ""


@dataclass(frozen=True)
class BaselineMethod:
    name: str
    label: str
    description: str
    params: tuple[Param, ...] = field(default_factory=tuple)

    def params_clean(self, raw: Mapping) -> dict:
        """Validated parameters in JSON-safe form (Decimals as strings)."""
        unknown = set(raw) - {p.name for p in self.params}
        if unknown:
            raise BaselineParamError(
                f"Unknown parameter(s) for {self.name}: {', '.join(sorted(unknown))}."
            )
        clean: dict = {}
        for param in self.params:
            value = raw.get(param.name, param.default)
            kind = "a whole number" if param.kind is int else "a number"
            try:
                value = param.kind(str(value)) if value is not None else param.default
            except (ValueError, InvalidOperation):
                raise BaselineParamError(f"{param.name} must be {kind}.") from None
            if isinstance(value, Decimal) and not value.is_finite():
                raise BaselineParamError(f"{param.name} must be {kind}.")
            if not param.minimum <= value <= param.maximum:
                raise BaselineParamError(
                    f"{param.name} must be between {param.minimum} and {param.maximum}."
                )
            clean[param.name] = str(value) if param.kind is Decimal else value
        self.check(clean)
        return clean

    def typed(self, params: Mapping) -> dict:
        clean = self.params_clean(params)
        return {p.name: p.kind(str(clean[p.name])) for p in self.params}

    def check(self, params: Mapping) -> None:
        """Rules across parameters."""

    def selection(self, params: Mapping) -> Selection:
        """The SQL-expressible shape; methods without one settle in Python."""
        raise NotImplementedError

    def history_days(self, params: Mapping) -> int:
        return self.selection(params).history_days

    def window_hours(self, event_hours: Sequence[int], params: Mapping) -> tuple[int, ...]:
        return ()

    def compute(
        self,
        *,
        history: Sequence[HistoryDay],
        event_hours: Sequence[int],
        event_day: Mapping[int, Decimal] | None,
        params: Mapping,
    ) -> Baseline:
        raise NotImplementedError

    def describe(self, params: Mapping) -> str:
        return str(self.label)


class HighXOfY(BaselineMethod):
    def check(self, params):
        if params["x"] > params["y"]:
            raise BaselineParamError("x cannot be larger than y.")

    def selection(self, params):
        p = self.typed(params)
        return Selection(p["y"], 1, p["x"])

    def compute(self, *, history, event_hours, event_day, params):
        p = self.typed(params)
        return high_x_of_y(history=history, event_hours=event_hours, x=p["x"], y=p["y"])

    def describe(self, params):
        p = self.typed(params)
        return _("Average of the %(x)d highest of the last %(y)d similar days") % p


class Middle8Of10(BaselineMethod):
    def selection(self, params):
        return Selection(10, 2, 9)

    def compute(self, *, history, event_hours, event_day, params):
        return middle_8_of_10(history=history, event_hours=event_hours)


class AverageAdjusted(BaselineMethod):
    def selection(self, params):
        p = self.typed(params)
        return Selection(p["days"], 1, p["days"], p["cap"])

    def window_hours(self, event_hours, params):
        return adjustment_window(event_hours)

    def compute(self, *, history, event_hours, event_day, params):
        p = self.typed(params)
        if event_day is None:
            raise InsufficientHistoryError("The day-of adjustment needs the event day's reads.")
        return average_adjusted(
            history=history,
            event_hours=event_hours,
            event_day=event_day,
            days=p["days"],
            cap=p["cap"],
        )

    def describe(self, params):
        p = self.typed(params)
        return _(
            "Average of the last %(days)d similar days, adjusted by up to ±%(cap)s%% "
            "for use in the hours before the event"
        ) % {"days": p["days"], "cap": f"{p['cap'] * 100:g}"}


HIGH_X_OF_Y = HighXOfY(
    name="high-x-of-y",
    label=_("Highest X of the last Y similar days"),
    description=_(
        "Of the last Y similar days, the X with the highest use during the event hours are "
        "averaged hour by hour (SDG&E: 3 of 5; PG&E: 5 of 10)."
    ),
    params=(
        Param("x", int, 3, 1, 30, _("days averaged")),
        Param("y", int, 5, 1, 30, _("similar days considered")),
    ),
)
MIDDLE_8_OF_10 = Middle8Of10(
    name="middle-8-of-10",
    label=_("Middle 8 of the last 10 similar days"),
    description=_(
        "Of the last 10 similar days, the highest and the lowest are dropped and the other "
        "eight averaged hour by hour (ERCOT)."
    ),
)
AVERAGE_ADJUSTED = AverageAdjusted(
    name="average-adjusted",
    label=_("Average of the last N similar days with a day-of adjustment"),
    description=_(
        "The last N similar days are averaged hour by hour, then scaled by the ratio of actual "
        "to baseline use from 4 h to 1 h before the event, within the cap (CAISO 10 of 10 "
        "with ±20%)."
    ),
    params=(
        Param("days", int, 10, 1, 30, _("similar days averaged")),
        Param("cap", Decimal, Decimal("0.20"), Decimal("0"), Decimal("0.50"), _("cap")),
    ),
)

DEFAULT_METHODS = {
    "high-x-of-y": "rebates.baselines.HIGH_X_OF_Y",
    "middle-8-of-10": "rebates.baselines.MIDDLE_8_OF_10",
    "average-adjusted": "rebates.baselines.AVERAGE_ADJUSTED",
}


@cache
def _registry(paths: tuple[tuple[str, str], ...]) -> dict[str, BaselineMethod]:
    return {name: import_string(path) for name, path in paths}


def methods() -> dict[str, BaselineMethod]:
    paths = getattr(settings, "REBATES_BASELINE_METHODS", DEFAULT_METHODS)
    return _registry(tuple(sorted(paths.items())))


def method_get(name: str) -> BaselineMethod:
    return methods()[name]


def method_choices() -> list[tuple[str, str]]:
    return [(name, str(method.label)) for name, method in methods().items()]


# A participant's outcome over all days of an event
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DayOutcome:
    day: dt.date
    baseline: Baseline
    actual: dict[int, Decimal]

    @property
    def baseline_kwh(self) -> Decimal:
        return self.baseline.total

    @property
    def actual_kwh(self) -> Decimal:
        return sum(self.actual.values(), ZERO)


@dataclass(frozen=True)
class Outcome:
    days: tuple[DayOutcome, ...]
    rate: Decimal

    @property
    def baseline_kwh(self) -> Decimal:
        return sum((d.baseline_kwh for d in self.days), ZERO)

    @property
    def actual_kwh(self) -> Decimal:
        return sum((d.actual_kwh for d in self.days), ZERO)

    @property
    def savings_kwh(self) -> Decimal:
        """Negative when the participant used more than the baseline."""
        return self.baseline_kwh - self.actual_kwh

    @property
    def rebate(self) -> Decimal:
        """Never negative; rounded to cents once, from the unrounded savings."""
        return round_cents(max(self.savings_kwh, ZERO) * self.rate)
