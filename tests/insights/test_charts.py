"""Every figure the dashboard builds is valid plotly (validated by plotly itself)."""

import json
from datetime import date

import plotly.graph_objects as go
import pytest
from django.urls import reverse

from insights import charts
from insights.dashboard import Dashboard
from tests.factories import NeighborComparisonFactory

pytestmark = pytest.mark.django_db


def test_every_dashboard_figure_passes_plotly_validation(client, home):
    NeighborComparisonFactory(
        account=None,
        customer=home.customer,
        service_point=home.electric,
        period_end=date(2024, 12, 31),
    )
    client.force_login(home.user)
    dashboard: Dashboard = client.get(reverse("home")).context["dashboard"]
    assert len(dashboard.charts) == 8
    for chart in dashboard.charts:
        figure = go.Figure(chart.figure)  # raises on any property plotly does not know
        assert figure.data
        json.dumps(chart.figure)  # serializable as-is for json_script


def test_estimated_bars_are_hatched_not_only_coloured():
    figure = charts.bar_figure(
        labels=["Jan", "Feb"],
        values=[1, 2],
        color="#000000",
        unit_label="kWh",
        flagged=[False, True],
    )
    go.Figure(figure)
    assert figure["data"][0]["marker"]["pattern"]["shape"] == ["", "/"]


def test_tick_labels_stay_level_and_include_the_latest():
    labels = [str(i) for i in range(24)]
    axis = charts.category_ticks(labels, labels, 8)
    assert axis["tickangle"] == 0
    assert axis["tickvals"][-1] == "23"
    assert len(axis["tickvals"]) == 8


def test_config_hides_the_mode_bar():
    assert charts.CONFIG["displayModeBar"] is False
