"""One figure reads the same in the summary text, the chart labels and the bill card."""

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import translation

from insights.charts import neighbor_figure
from insights.dashboard import fmt_number


def test_fmt_number_rounds_half_up_like_floatformat():
    for value in ("15.05", "15.15", "2.25", "0.05"):
        assert fmt_number(Decimal(value), 1) == floatformat(Decimal(value), 1)
    assert fmt_number(Decimal("15.05"), 1) == "15.1"


def test_fmt_number_localizes_separators():
    with translation.override("es"):
        assert fmt_number(Decimal("1234.55"), 1) == "1\xa0234,6"


def test_neighbor_chart_labels_match_the_summary_figures():
    values = [Decimal("1.17"), Decimal("2.05"), Decimal("15.05")]
    figure = neighbor_figure(
        labels=["a", "b", "c"], values=values, colors=["#000"] * 3, unit_label="x", places=1
    )
    assert figure["data"][0]["text"] == [fmt_number(v, 1) for v in values]
    gas = neighbor_figure(
        labels=["a", "b", "c"], values=values, colors=["#000"] * 3, unit_label="x", places=2
    )
    assert gas["data"][0]["text"] == ["1.17", "2.05", "15.05"]
    assert ":,.2f}" in gas["data"][0]["hovertemplate"]
