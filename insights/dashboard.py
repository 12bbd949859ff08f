"""The dashboard of one customer at one premise, assembled from the selectors.

Every chart is a `Chart`: its plotly figure, a plain-language summary, and
the table of the data behind it (shown to screen readers and as a table, and
downloaded as CSV), so the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from billing.eligibility import customer_eligibility
from billing.models import Customer, Purpose
from insights import calculations as calc
from insights import charts
from insights import selectors as sel
from insights.models import NeighborComparison

# --- formatting ------------------------------------------------------------


@lru_cache(maxsize=8)
def _separators(language: str) -> tuple[str, str]:
    return (
        formats.get_format("DECIMAL_SEPARATOR", lang=language),
        formats.get_format("THOUSAND_SEPARATOR", lang=language),
    )


def fmt_number(value: Decimal | float | int, places: int = 0) -> str:
    """Grouped and localized like `formats.number_format`, several times faster."""
    decimal_sep, thousand_sep = _separators(get_language() or "en")
    if isinstance(value, Decimal):
        # Half up, as templates' floatformat does: one figure shows the same everywhere.
        value = value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{value:,.{places}f}"
    if (decimal_sep, thousand_sep) == (".", ","):
        return text
    return text.replace(",", "\0").replace(".", decimal_sep).replace("\0", thousand_sep)


def fmt_money(value: Decimal | None) -> str:
    if value is None:
        return "—"
    sign = "-" if value < 0 else ""
    return f"{sign}${fmt_number(abs(value), 2)}"


@lru_cache(maxsize=8192)
def _date_format(day: date, pattern: str, language: str) -> str:
    # Django's date formatting looks up translations per call; the dashboard
    # formats the same few hundred dates many times, so memoize per language.
    return formats.date_format(day, pattern)


def date_text(day: date, pattern: str) -> str:
    return _date_format(day, pattern, get_language())


def fmt_month(day: date) -> str:
    return date_text(day, "M Y")


def fmt_month_tick(day: date) -> str:
    """Two lines under a bar: month, then year."""
    return date_text(day, "M") + "<br>" + date_text(day, "Y")


def fmt_day(day: date) -> str:
    return date_text(day, "M j, Y")


def fmt_short_day(day: date) -> str:
    return date_text(day, "M j")


def fmt_percent(ratio: Decimal | None) -> str:
    if ratio is None:
        return "—"
    return f"{fmt_number(abs(ratio) * 100, 0)}%"


def usage_places(unit: str) -> int:
    return 0 if unit == "kWh" else 1


# --- charts -----------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | number | money | flag


@dataclass
class Chart:
    key: str
    title: str
    summary: str
    figure: dict
    columns: list[Column]
    rows: list[list]
    empty_message: str = ""

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def figure_id(self) -> str:
        return f"chart-{self.key}-figure"

    @property
    def is_empty(self) -> bool:
        return not self.rows

    def table_body_html(self) -> SafeString:
        """The table's <tr> rows, built in Python (a template loop over every
        cell of seven tables was a third of the page's rendering time)."""
        numeric = {"number", "money"}
        kinds = [c.kind for c in self.columns]
        rows = []
        for row in self.rows:
            cells = []
            for index, (value, kind) in enumerate(zip(row, kinds, strict=True)):
                text = escape(_cell_text(value, kind))
                if index == 0:
                    cells.append(f'<th scope="row">{text}</th>')
                elif kind in numeric:
                    cells.append(f'<td class="num">{text}</td>')
                else:
                    cells.append(f"<td>{text}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return mark_safe("\n".join(rows))  # every cell is escaped above

    def display_rows(self) -> list[list[tuple[str, str]]]:
        """Rows as (text, kind) cells for the HTML table."""
        out = []
        for row in self.rows:
            cells = []
            for column, value in zip(self.columns, row, strict=True):
                cells.append((_cell_text(value, column.kind), column.kind))
            out.append(cells)
        return out


def _cell_text(value, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return fmt_money(value)
    if kind == "number":
        places = 0 if isinstance(value, int) else (2 if abs(value) < 10 else 1)
        return fmt_number(value, places)
    if kind == "flag":
        return _flag_text(bool(value), get_language())
    if isinstance(value, date):
        return fmt_day(value)
    return str(value)


@lru_cache(maxsize=16)
def _flag_text(estimated: bool, language: str) -> str:
    return _("Estimated") if estimated else _("Actual")


def _unique_labels(days: list[date], pattern) -> list[str]:
    labels = [pattern(d) for d in days]
    if len(set(labels)) != len(labels):
        labels = [fmt_day(d) for d in days]
    return labels


def _period_hover(period: calc.Period, value: str) -> str:
    text = _("%(start)s – %(end)s · %(days)s days · %(value)s") % {
        "start": fmt_short_day(period.start),
        "end": fmt_day(period.date_to),
        "days": period.duration,
        "value": value,
    }
    if period.estimated:
        text += " · " + _("estimated")
    return text


def monthly_usage_chart(service: sel.Service, periods: list[calc.Period]) -> Chart:
    unit = service.unit
    places = usage_places(unit)
    recent = periods[-24:]
    labels = _unique_labels([p.date_to for p in recent], fmt_month)
    figure = charts.bar_figure(
        labels=labels,
        values=[p.usage for p in recent],
        color=charts.FUEL_COLORS.get(service.fuel, charts.OTHER_COLOR),
        unit_label=unit,
        hover=[_period_hover(p, f"{fmt_number(p.usage, places)} {unit}") for p in recent],
        flagged=[p.estimated for p in recent],
        tick_text=[fmt_month_tick(p.date_to) for p in recent],
    )
    summary_points = [(label, p.usage) for label, p in zip(labels, recent, strict=True)]
    summary = _series_sentence(
        calc.series_summary(summary_points),
        unit=unit,
        places=places,
        what=ngettext("%(count)d bill", "%(count)d bills", len(recent)) % {"count": len(recent)},
    )
    estimated = sum(1 for p in recent if p.estimated)
    if estimated:
        summary += " " + ngettext(
            "%(count)d bill used an estimated read (hatched bar).",
            "%(count)d bills used estimated reads (hatched bars).",
            estimated,
        ) % {"count": estimated}
    return Chart(
        key=f"{service.fuel}-usage",
        title=_("%(fuel)s use by bill, last 24 months") % {"fuel": service.fuel_label},
        summary=summary,
        figure=figure,
        columns=_period_columns(unit_column=Column("usage", unit, "number")),
        rows=[[p.start, p.date_to, p.duration, p.usage, p.estimated] for p in recent],
        empty_message=_("No bills since your account started yet."),
    )


def monthly_cost_chart(service: sel.Service, periods: list[calc.Period]) -> Chart:
    recent = [p for p in periods[-24:] if p.cost is not None]
    labels = _unique_labels([p.date_to for p in recent], fmt_month)
    figure = charts.bar_figure(
        labels=labels,
        values=[p.cost for p in recent],
        color=charts.FUEL_COLORS.get(service.fuel, charts.OTHER_COLOR),
        unit_label="$",
        hover=[_period_hover(p, fmt_money(p.cost)) for p in recent],
        flagged=[p.estimated for p in recent],
        money=True,
        tick_text=[fmt_month_tick(p.date_to) for p in recent],
    )
    stats = calc.series_summary([(label, p.cost) for label, p in zip(labels, recent, strict=True)])
    summary = ""
    if stats:
        summary = _(
            "Over %(count)s bills your %(fuel)s usage charges came to %(total)s, "
            "%(average)s per bill on average. Highest: %(high_label)s (%(high)s). "
            "Lowest: %(low_label)s (%(low)s)."
        ) % {
            "count": stats.count,
            "fuel": service.fuel_label.lower(),
            "total": fmt_money(stats.total),
            "average": fmt_money(stats.average),
            "high_label": stats.highest_label,
            "high": fmt_money(stats.highest),
            "low_label": stats.lowest_label,
            "low": fmt_money(stats.lowest),
        }
    return Chart(
        key=f"{service.fuel}-cost",
        title=_("%(fuel)s usage charges by bill, last 24 months") % {"fuel": service.fuel_label},
        summary=summary,
        figure=figure,
        columns=_period_columns(unit_column=Column("cost", _("Usage charge"), "money")),
        rows=[[p.start, p.date_to, p.duration, p.cost, p.estimated] for p in recent],
        empty_message=_("No charges since your account started yet."),
    )


def _period_columns(*, unit_column: Column) -> list[Column]:
    return [
        Column("start", _("From")),
        Column("end", _("To")),
        Column("days", _("Days"), "number"),
        unit_column,
        Column("estimated", _("Read"), "flag"),
    ]


def _series_sentence(stats: calc.SeriesSummary | None, *, unit: str, places: int, what: str):
    if stats is None:
        return ""
    return _(
        "Over %(what)s you used %(total)s %(unit)s, %(average)s %(unit)s on average. "
        "Highest: %(high_label)s (%(high)s %(unit)s). Lowest: %(low_label)s (%(low)s %(unit)s)."
    ) % {
        "what": what,
        "total": fmt_number(stats.total, places),
        "average": fmt_number(stats.average, places),
        "unit": unit,
        "high_label": stats.highest_label,
        "high": fmt_number(stats.highest, places),
        "low_label": stats.lowest_label,
        "low": fmt_number(stats.lowest, places),
    }


def combined_cost_chart(services: list[sel.Service], periods: dict[int, list]) -> Chart | None:
    """Electric plus gas at this premise, per billing month (dual fuel only)."""
    if len(services) < 2:
        return None
    series = {s.fuel: periods.get(s.service_point.pk, [])[-24:] for s in services}
    months = calc.combined_cost_by_month(series)[-24:]
    labels = [fmt_month(m.month) for m in months]
    names = {s.fuel: s.fuel_label for s in services}
    figure = charts.stacked_cost_figure(
        labels=labels,
        series=[(fuel, names[fuel], [m.by_fuel[fuel] for m in months]) for fuel in sorted(series)],
    )
    stats = calc.series_summary([(label, m.total) for label, m in zip(labels, months, strict=True)])
    summary = ""
    if stats:
        summary = _(
            "Electric and gas together: %(total)s over %(count)s months, %(average)s a month "
            "on average. Highest: %(high_label)s (%(high)s). Lowest: %(low_label)s (%(low)s)."
        ) % {
            "total": fmt_money(stats.total),
            "count": stats.count,
            "average": fmt_money(stats.average),
            "high_label": stats.highest_label,
            "high": fmt_money(stats.highest),
            "low_label": stats.lowest_label,
            "low": fmt_money(stats.lowest),
        }
    fuels = sorted(series)
    return Chart(
        key="combined-cost",
        title=_("Electric and gas usage charges together, by billing month"),
        summary=summary,
        figure=figure,
        columns=[
            Column("month", _("Billing month")),
            *[Column(f, names[f], "money") for f in fuels],
            Column("total", _("Total"), "money"),
        ],
        rows=[[fmt_month(m.month), *[m.by_fuel[f] for f in fuels], m.total] for m in months],
        empty_message=_("No month with both bills yet."),
    )


def daily_chart(service: sel.Service, days: list[calc.DailyUse], last_day: date) -> Chart:
    unit = service.unit
    labels = [fmt_short_day(d.day) for d in days]
    figure = charts.bar_figure(
        labels=labels,
        values=[d.value for d in days],
        color=charts.FUEL_COLORS.get(service.fuel, charts.OTHER_COLOR),
        unit_label=unit,
        hover=[f"{date_text(d.day, 'D, M j')}: {fmt_number(d.value, 1)} {unit}" for d in days],
        flagged=[d.estimated for d in days],
    )
    stats = calc.series_summary(list(zip(labels, [d.value for d in days], strict=True)))
    summary = _series_sentence(
        stats,
        unit=unit,
        places=1,
        what=ngettext("%(count)d day", "%(count)d days", len(days)) % {"count": len(days)},
    )
    return Chart(
        key=f"{service.fuel}-daily",
        title=ngettext(
            "Daily use, %(count)d day to %(day)s", "Daily use, %(count)d days to %(day)s", len(days)
        )
        % {"count": len(days), "day": fmt_day(last_day)},
        summary=summary,
        figure=figure,
        columns=[
            Column("day", _("Day")),
            Column("usage", unit, "number"),
            Column("estimated", _("Read"), "flag"),
        ],
        rows=[[d.day, d.value, d.estimated] for d in days],
        empty_message=_("No smart-meter reads for these days."),
    )


def hourly_chart(service: sel.Service, hours: list[sel.HourlyUse], day: date) -> Chart:
    unit = service.unit
    labels = [formats.time_format(h.start, "TIME_FORMAT") for h in hours]
    if len(set(labels)) != len(labels):  # the repeated hour when clocks go back
        labels = [
            f"{label} ({h.start.strftime('%Z')})" for label, h in zip(labels, hours, strict=True)
        ]
    figure = charts.bar_figure(
        labels=labels,
        values=[h.value for h in hours],
        color=charts.FUEL_COLORS.get(service.fuel, charts.OTHER_COLOR),
        unit_label=unit,
        hover=[
            f"{label}: {fmt_number(h.value, 2)} {unit}"
            for label, h in zip(labels, hours, strict=True)
        ],
        flagged=[h.estimated for h in hours],
    )
    stats = calc.series_summary(list(zip(labels, [h.value for h in hours], strict=True)))
    summary = ""
    if stats:
        summary = _(
            "On %(day)s you used %(total)s %(unit)s. The busiest hour started at %(high_label)s "
            "(%(high)s %(unit)s); the quietest at %(low_label)s (%(low)s %(unit)s)."
        ) % {
            "day": fmt_day(day),
            "total": fmt_number(stats.total, 1),
            "unit": unit,
            "high_label": stats.highest_label,
            "high": fmt_number(stats.highest, 2),
            "low_label": stats.lowest_label,
            "low": fmt_number(stats.lowest, 2),
        }
    return Chart(
        key=f"{service.fuel}-hourly",
        title=_("Hourly use on %(day)s") % {"day": fmt_day(day)},
        summary=summary,
        figure=figure,
        columns=[
            Column("hour", _("Hour starting")),
            Column("usage", unit, "number"),
            Column("estimated", _("Read"), "flag"),
        ],
        rows=[[label, h.value, h.estimated] for label, h in zip(labels, hours, strict=True)],
        empty_message=_("No smart-meter reads for this day."),
    )


# --- latest bill ------------------------------------------------------------


@dataclass
class BillComparison:
    label: str
    comparison: calc.Comparison
    reasons: list[str]

    @property
    def usage_direction(self) -> str:
        return self.comparison.usage_direction.value


@dataclass
class LatestBill:
    period: calc.Period
    unit: str
    comparisons: list[BillComparison]

    @property
    def usage_text(self) -> str:
        return fmt_number(self.period.usage, usage_places(self.unit))


def change_sentence(comparison: calc.Comparison, *, unit: str, against: str) -> str:
    """'12% more than the same period last year' and the like."""
    if comparison.usage_change is None:
        return _("No use to compare with %(against)s.") % {"against": against}
    direction = comparison.usage_direction
    params = {"percent": fmt_percent(comparison.usage_change), "against": against}
    if direction == calc.Direction.UP:
        return _("%(percent)s more than %(against)s") % params
    if direction == calc.Direction.DOWN:
        return _("%(percent)s less than %(against)s") % params
    return _("About the same as %(against)s") % params


def reason_text(reason: calc.ChangeReason, *, unit: str) -> str:
    code = calc.ReasonCode
    places = 1 if unit == "kWh" else 2
    per_day = {
        "latest": fmt_number(reason.latest_per_day, places),
        "other": fmt_number(reason.other_per_day, places),
        "unit": unit,
    }
    if reason.code == code.MORE_DAYS:
        return ngettext(
            "This bill covered %(days)d more day.",
            "This bill covered %(days)d more days.",
            reason.days,
        ) % {"days": reason.days}
    if reason.code == code.FEWER_DAYS:
        return ngettext(
            "This bill covered %(days)d fewer day.",
            "This bill covered %(days)d fewer days.",
            reason.days,
        ) % {"days": reason.days}
    if reason.code == code.MORE_PER_DAY:
        return _("You used more each day: %(latest)s %(unit)s a day, up from %(other)s.") % per_day
    if reason.code == code.LESS_PER_DAY:
        return (
            _("You used less each day: %(latest)s %(unit)s a day, down from %(other)s.") % per_day
        )
    if reason.code == code.SAME_PER_DAY:
        return _("Your use per day was about the same: %(latest)s %(unit)s a day.") % per_day
    if reason.code == code.ESTIMATED_LATEST:
        return _("This bill is based on an estimated read; the next actual read will true it up.")
    return _("The earlier bill was based on an estimated read.")


def latest_bill(service: sel.Service, periods: list[calc.Period]) -> LatestBill | None:
    if not periods:
        return None
    latest = periods[-1]
    comparisons = []
    for label, other in (
        (_("your previous bill"), calc.period_previous(periods, latest)),
        (_("the same period last year"), calc.period_same_last_year(periods[:-1], latest)),
    ):
        comparison = calc.comparison_build(latest, other)
        if comparison is None:
            continue
        comparisons.append(
            BillComparison(
                label=change_sentence(comparison, unit=service.unit, against=label),
                comparison=comparison,
                reasons=[
                    reason_text(r, unit=service.unit) for r in calc.change_reasons(comparison)
                ],
            )
        )
    return LatestBill(period=latest, unit=service.unit, comparisons=comparisons)


# --- neighbor comparison ----------------------------------------------------

# Customer-facing explanations for the eligibility rules (billing.eligibility).
INELIGIBLE_MESSAGES = {
    "too_many_premises": lambda: _(
        "You have service at more than two addresses, so we don't compare your homes with "
        "neighbors."
    ),
    "net_metering": lambda: _(
        "Your home makes some of its own electricity (for example with solar panels), so your "
        "bills show net use, which can't be compared fairly with other homes."
    ),
    "rate_not_allowlisted": lambda: _("Your rate plan is not included in home comparisons."),
    "usage_gap": lambda: _(
        "There is a gap in your billing history, so we can't compare your home reliably yet."
    ),
    "usage_overlap": lambda: _(
        "Two of your bills overlap, so we can't compare your home reliably yet."
    ),
}


def _ineligible_message(code: str) -> str:
    message = INELIGIBLE_MESSAGES.get(code)
    return message() if message else _("Home comparisons are not available for this account.")


@dataclass
class NeighborPanel:
    service: sel.Service
    available: bool
    explanation: str = ""
    comparison: NeighborComparison | None = None
    state: calc.NeighborState | None = None
    chart: Chart | None = None

    @property
    def state_label(self) -> str:
        return {
            calc.NeighborState.GREAT: _("Great"),
            calc.NeighborState.GOOD: _("Good"),
            calc.NeighborState.MORE: _("Using more than average"),
        }.get(self.state, "")


def neighbor_panels(
    customer: Customer,
    services: list[sel.Service],
    periods: dict[int, list[calc.Period]],
    comparisons: dict[int, NeighborComparison],
) -> list[NeighborPanel]:
    eligibility = customer_eligibility(customer=customer)
    blocking = eligibility.decisions[Purpose.NEIGHBOR_COMPARISON].reasons
    panels = []
    for service in services:
        if blocking:
            panels.append(
                NeighborPanel(service, False, explanation=_ineligible_message(blocking[0].code))
            )
            continue
        row = comparisons.get(service.service_point.pk)
        if not periods.get(service.service_point.pk):
            panels.append(
                NeighborPanel(
                    service,
                    False,
                    explanation=_(
                        "We need at least one full bill since you moved in before we can "
                        "compare your home with others."
                    ),
                )
            )
        elif row is None:
            panels.append(
                NeighborPanel(
                    service,
                    False,
                    explanation=_(
                        "Your comparison with similar homes will appear after your next bill "
                        "is processed."
                    ),
                )
            )
        elif not row.compared:
            panels.append(
                NeighborPanel(
                    service,
                    False,
                    explanation=_(
                        "There are not enough similar homes near you to make a fair comparison."
                    ),
                    comparison=row,
                )
            )
        else:
            panels.append(_neighbor_panel_compared(service, row))
    return panels


def _neighbor_panel_compared(service: sel.Service, row: NeighborComparison) -> NeighborPanel:
    state = calc.neighbor_state(
        row.usage_per_day,
        average_per_day=row.average_per_day,
        efficient_per_day=row.efficient_per_day,
    )
    unit = service.unit
    per_day_unit = _("%(unit)s a day") % {"unit": unit}
    labels = [_("Efficient neighbors"), _("All neighbors"), _("You")]
    values = [row.efficient_per_day, row.average_per_day, row.usage_per_day]
    figure = charts.neighbor_figure(
        labels=labels,
        values=values,
        colors=[
            charts.NEIGHBOR_COLORS["efficient"],
            charts.NEIGHBOR_COLORS["average"],
            charts.NEIGHBOR_COLORS["you"],
        ],
        unit_label=per_day_unit,
        places=1 if unit == "kWh" else 2,
    )
    places = 1 if unit == "kWh" else 2
    summary = _(
        "From %(start)s to %(end)s you used %(you)s %(unit)s a day. The %(count)s similar homes "
        "near you used %(average)s on average; the most efficient 20%% of them used %(efficient)s."
    ) % {
        "start": fmt_short_day(row.period_start),
        "end": fmt_day(row.period_end),
        "you": fmt_number(row.usage_per_day, places),
        "unit": unit,
        "count": row.neighbors,
        "average": fmt_number(row.average_per_day, places),
        "efficient": fmt_number(row.efficient_per_day, places),
    }
    chart = Chart(
        key=f"{service.fuel}-neighbors",
        title=_("%(fuel)s use compared with similar homes") % {"fuel": service.fuel_label},
        summary=summary,
        figure=figure,
        columns=[Column("who", _("Who")), Column("per_day", per_day_unit, "number")],
        rows=[[label, value] for label, value in zip(labels, values, strict=True)],
    )
    return NeighborPanel(service, True, comparison=row, state=state, chart=chart)


# --- the whole dashboard ----------------------------------------------------


@dataclass
class AmiPanel:
    day: date
    first_day: date
    last_day: date
    daily: Chart
    hourly: Chart


@dataclass
class FuelPanel:
    service: sel.Service
    latest: LatestBill | None
    usage: Chart
    cost: Chart
    ami: AmiPanel | None = None
    neighbor: NeighborPanel | None = None


@dataclass
class Dashboard:
    customer: Customer
    fuels: list[FuelPanel] = field(default_factory=list)
    combined: Chart | None = None
    combined_latest: Decimal | None = None

    @property
    def charts(self) -> list[Chart]:
        found = []
        for panel in self.fuels:
            found += [panel.usage, panel.cost]
            if panel.ami:
                found += [panel.ami.daily, panel.ami.hourly]
            if panel.neighbor and panel.neighbor.chart:
                found.append(panel.neighbor.chart)
        if self.combined:
            found.append(self.combined)
        return found

    @property
    def combined_breakdown(self) -> list[tuple[str, Decimal]]:
        """(fuel name, cost) of the latest combined month."""
        if not self.combined or not self.combined.rows:
            return []
        row = self.combined.rows[-1]
        return [(c.label, v) for c, v in zip(self.combined.columns[1:-1], row[1:-1], strict=True)]

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)


def parse_day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def ami_panel(service: sel.Service, requested: date | None) -> AmiPanel | None:
    last_day = sel.interval_latest_day(service=service)
    if last_day is None:
        return None
    first_day = max(service.visible_from, last_day - timedelta(days=365))
    day = requested if requested and first_day <= requested <= last_day else last_day
    return AmiPanel(
        day=day,
        first_day=first_day,
        last_day=last_day,
        daily=daily_chart(service, sel.daily_use(service=service, last_day=day), day),
        hourly=hourly_chart(service, sel.hourly_use(service=service, day=day), day),
    )


def dashboard_build(*, customer: Customer, day: date | None = None) -> Dashboard:
    """Everything the dashboard shows for one customer at one premise.

    A fixed number of queries: services (1), periods (1), neighbor rows (1),
    eligibility (3), and three per smart meter (latest day, daily, hourly).
    """
    services = sel.services_for_customer(customer=customer)
    periods = sel.periods_for_services(services=services)
    comparisons = sel.neighbor_comparisons_latest(customer=customer, services=services)
    neighbors = neighbor_panels(customer, services, periods, comparisons)
    dashboard = Dashboard(customer=customer)
    for service, neighbor in zip(services, neighbors, strict=True):
        service_periods = periods.get(service.service_point.pk, [])
        dashboard.fuels.append(
            FuelPanel(
                service=service,
                latest=latest_bill(service, service_periods),
                usage=monthly_usage_chart(service, service_periods),
                cost=monthly_cost_chart(service, service_periods),
                ami=ami_panel(service, day) if service.has_interval_data else None,
                neighbor=neighbor,
            )
        )
    dashboard.combined = combined_cost_chart(services, periods)
    if dashboard.combined and dashboard.combined.rows:
        dashboard.combined_latest = dashboard.combined.rows[-1][-1]
    return dashboard
