"""Plotly figures (as JSON-ready dicts) for the peak savings pages.

Drawn by static/js/rebates-chart.js with the vendored plotly-basic; every
chart has a table and a text summary beside it in the template.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

BASELINE_COLOUR = "#8a94a3"
ACTUAL_COLOUR = "#0b5d3b"


def event_hours_rows(detail: dict) -> list[dict]:
    """[{day, hour, label, baseline, actual, savings}] from a settled result's detail."""
    rows = []
    multi_day = len({h[0] for h in detail.get("hours", [])}) > 1
    for day_text, hour, baseline, actual in detail.get("hours", []):
        day = dt.date.fromisoformat(day_text)
        start = time_format(dt.time(hour), "P")
        end = time_format(dt.time((hour + 1) % 24), "P")
        label = f"{start}–{end}"
        if multi_day:
            day_format = pgettext("date format", "D j")
            label = f"{date_format(day, day_format)} {label}"
        baseline, actual = Decimal(baseline), Decimal(actual)
        rows.append(
            {
                "day": day,
                "hour": hour,
                "label": label,
                "baseline": baseline,
                "actual": actual,
                "savings": baseline - actual,
            }
        )
    return rows


def baseline_vs_actual_figure(rows: list[dict]) -> dict:
    labels = [r["label"] for r in rows]
    return {
        "data": [
            {
                "type": "bar",
                "name": _("Your baseline"),
                "x": labels,
                "y": [float(r["baseline"]) for r in rows],
                "marker": {"color": BASELINE_COLOUR},
                "hovertemplate": "%{y:.2f} kWh<extra>" + _("Baseline") + "</extra>",
            },
            {
                "type": "bar",
                "name": _("Your actual use"),
                "x": labels,
                "y": [float(r["actual"]) for r in rows],
                "marker": {"color": ACTUAL_COLOUR},
                "hovertemplate": "%{y:.2f} kWh<extra>" + _("Actual") + "</extra>",
            },
        ],
        "layout": {
            "barmode": "group",
            "height": 320,
            "margin": {"l": 56, "r": 16, "t": 16, "b": 56},
            "yaxis": {"title": {"text": "kWh"}, "rangemode": "tozero", "fixedrange": True},
            "xaxis": {"fixedrange": True},
            "legend": {"orientation": "h", "y": -0.25},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "font": {"family": "system-ui, sans-serif", "color": "#1b2430"},
        },
    }
