"""Plotly figure builders: plain values in, a plotly figure (as a dict) out.

The shared layout is built once with plotly's `graph_objects`, which
validates every property against plotly.js's schema; each builder then adds
its traces as plain dicts. Building and validating a `go.Figure` per chart
costs about 7 ms (seven charts would be 50 ms of a page view), so the hot
path skips it; the tests run every builder's output through `go.Figure`, so a
property plotly does not know still fails the build. Figures are serialized
with `json_script` and drawn by `static/js/insights-charts.js`.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

import plotly.graph_objects as go

INK = "#1b2430"
INK_SOFT = "#4a5565"
GRID = "#e6eaef"
FUEL_COLORS = {"electric": "#0b5d3b", "gas": "#b45309", "water": "#1d4ed8"}
OTHER_COLOR = "#8a94a3"
NEIGHBOR_COLORS = {"you": "#1d4ed8", "average": "#8a94a3", "efficient": "#0b5d3b"}
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'

# Drawn by the browser, not part of the figure: no mode bar, no zoom, resizes
# with its container. Exported for the template (json_script) and tests.
CONFIG = {"displayModeBar": False, "responsive": True, "displaylogo": False}


@cache
def _base_layout() -> dict:
    layout = go.Layout(
        autosize=True,
        height=300,
        margin={"l": 56, "r": 12, "t": 12, "b": 48},
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        font={"family": FONT, "size": 13, "color": INK},
        showlegend=False,
        bargap=0.28,
        dragmode=False,
        hovermode="closest",
        hoverlabel={"bgcolor": "#17202b", "bordercolor": "#17202b", "font": {"color": "#ffffff"}},
        xaxis={
            "type": "category",
            "showgrid": False,
            "linecolor": "#c5ccd6",
            "tickfont": {"color": INK_SOFT, "size": 12},
            "fixedrange": True,
            "automargin": True,
        },
        yaxis={
            "gridcolor": GRID,
            "zeroline": False,
            "tickfont": {"color": INK_SOFT, "size": 12},
            "fixedrange": True,
            "rangemode": "tozero",
            "automargin": True,
            "separatethousands": True,
        },
    )
    return layout.to_plotly_json()


def _layout(**overrides) -> dict:
    layout = copy.deepcopy(_base_layout())
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(layout.get(key), dict):
            layout[key].update(value)
        else:
            layout[key] = value
    return layout


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def bar_figure(
    *,
    labels: Sequence[str],
    values: Sequence[Decimal | None],
    color: str,
    unit_label: str,
    hover: Sequence[str] | None = None,
    flagged: Sequence[bool] | None = None,
    money: bool = False,
    max_ticks: int = 8,
    tick_text: Sequence[str] | None = None,
) -> dict:
    """One series of bars (monthly usage or cost, daily or hourly use).

    Flagged bars (estimated reads) get a hatch pattern, so the difference does
    not rest on colour alone.
    """
    trace: dict = {
        "type": "bar",
        "x": list(labels),
        "y": [_num(v) for v in values],
        "marker": {"color": color},
        "name": unit_label,
        "hovertemplate": "%{customdata}<extra></extra>" if hover else None,
        "customdata": list(hover) if hover else None,
    }
    if flagged and any(flagged):
        trace["marker"]["pattern"] = {
            "shape": ["/" if f else "" for f in flagged],
            "fgcolor": "#ffffff",
            "fillmode": "overlay",
            "solidity": 0.35,
        }
    trace = {k: v for k, v in trace.items() if v is not None}
    yaxis: dict = {"title": {"text": unit_label, "font": {"color": INK_SOFT, "size": 12}}}
    if money:
        yaxis["tickprefix"] = "$"
    xaxis = category_ticks(labels, tick_text or labels, max_ticks)
    return {"data": [trace], "layout": _layout(xaxis=xaxis, yaxis=yaxis)}


def category_ticks(labels: Sequence[str], tick_text: Sequence[str], max_ticks: int) -> dict:
    """Label every n-th bar (always the latest), level, so labels never collide."""
    step = max(1, -(-len(labels) // max_ticks))
    picked = list(range(len(labels) - 1, -1, -step))[::-1]
    return {
        "tickangle": 0,
        "tickmode": "array",
        "tickvals": [labels[i] for i in picked],
        "ticktext": [tick_text[i] for i in picked],
    }


def stacked_cost_figure(
    *,
    labels: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[Decimal]]],
    tick_text: Sequence[str] | None = None,
) -> dict:
    """Bars stacked by fuel: (fuel, legend name, values) per series."""
    data = [
        {
            "type": "bar",
            "x": list(labels),
            "y": [_num(v) for v in values],
            "name": name,
            "marker": {"color": FUEL_COLORS.get(fuel, OTHER_COLOR)},
            "hovertemplate": "%{x}: $%{y:,.2f}<extra>" + name + "</extra>",
        }
        for fuel, name, values in series
    ]
    return {
        "data": data,
        "layout": _layout(
            barmode="stack",
            showlegend=True,
            xaxis=category_ticks(labels, tick_text or labels, 8),
            legend={"orientation": "h", "y": 1.12, "x": 0, "font": {"color": INK}},
            margin={"l": 56, "r": 12, "t": 36, "b": 48},
            yaxis={"tickprefix": "$", "title": {"text": "$", "font": {"color": INK_SOFT}}},
        ),
    }


def neighbor_figure(
    *,
    labels: Sequence[str],
    values: Sequence[Decimal],
    colors: Sequence[str],
    unit_label: str,
    places: int = 1,
) -> dict:
    """Horizontal bars: efficient neighbors, all neighbors, you (top to bottom).

    Labels are rounded half up, like the summary text beside the chart, so the
    two never disagree (15.05 is 15.1 in both).
    """
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": list(labels),
        "x": [_num(v) for v in values],
        "marker": {"color": list(colors)},
        "text": [
            f"{Decimal(v).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}" for v in values
        ],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": f"%{{y}}: %{{x:,.{places}f}} " + unit_label + "<extra></extra>",
    }
    return {
        "data": [trace],
        "layout": _layout(
            height=200,
            margin={"l": 12, "r": 48, "t": 8, "b": 40},
            bargap=0.35,
            xaxis={
                "type": "linear",
                "showgrid": True,
                "gridcolor": GRID,
                "rangemode": "tozero",
                "title": {"text": unit_label, "font": {"color": INK_SOFT, "size": 12}},
            },
            yaxis={"type": "category", "gridcolor": "rgba(0,0,0,0)", "autorange": "reversed"},
        ),
    }
