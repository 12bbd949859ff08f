import csv
import io
import json
import re
from datetime import date

import pytest
from django.urls import reverse

from billing.models import AccessRole
from tests.factories import CustomerAccessFactory, NeighborComparisonFactory, UserFactory
from tests.homes import home_build

pytestmark = pytest.mark.django_db

CHART_KEYS = [
    "electric-usage",
    "electric-cost",
    "electric-daily",
    "electric-hourly",
    "gas-usage",
    "gas-cost",
    "combined-cost",
]


def _figures(text: str) -> dict[str, dict]:
    found = re.findall(
        r'<script id="chart-([a-z-]+)-figure" type="application/json">(.*?)</script>', text
    )
    return {key: json.loads(body) for key, body in found}


def test_signed_in_home_page_is_the_dashboard_of_the_current_home(client, home):
    client.force_login(home.user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "insights/dashboard.html" in [t.name for t in response.templates]
    assert home.customer.premise.street_address in response.text
    figures = _figures(response.text)
    assert set(CHART_KEYS) <= set(figures)
    for key in CHART_KEYS:
        assert figures[key]["data"][0]["type"] == "bar"


def test_anonymous_visitors_keep_the_landing_page(client, home):
    response = client.get(reverse("home"))
    assert response.templates[0].name == "portal/home.html"
    assert "Create your account" in response.text


def test_a_login_without_homes_is_asked_to_connect_its_account(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.templates[0].name == "portal/home.html"
    assert reverse("billing:claim") in response.text


def test_every_chart_has_a_summary_a_table_and_a_csv_link(client, home):
    client.force_login(home.user)
    text = client.get(reverse("home")).text
    for key in CHART_KEYS:
        assert f'id="chart-{key}-summary"' in text
        assert f'aria-describedby="chart-{key}-summary"' in text
        assert reverse("insights:csv", args=[home.customer.pk, key]) in text
    assert text.count('<details class="chart-table">') >= len(CHART_KEYS)
    assert "Show the data as a table" in text


def test_latest_bill_explains_the_change(client, home):
    client.force_login(home.user)
    response = client.get(reverse("home"))
    panel = response.context["dashboard"].fuels[0]
    assert panel.latest.period.date_to == date(2024, 12, 31)
    labels = [c.label for c in panel.latest.comparisons]
    assert any("previous bill" in label for label in labels)
    reasons = " ".join(r for c in panel.latest.comparisons for r in c.reasons)
    # Dec has 31 days, Nov 30: the days in the period are the first reason.
    assert "1 more day" in reasons
    assert "a day" in reasons
    assert "estimated read" in reasons  # the November bill was estimated


def test_electric_and_gas_are_shown_separately_and_as_a_combined_cost(client, home):
    client.force_login(home.user)
    dashboard = client.get(reverse("home")).context["dashboard"]
    assert [p.service.fuel for p in dashboard.fuels] == ["electric", "gas"]
    december = dashboard.combined.rows[-1]
    assert december[0] == "Dec 2024"
    # electric 70 + 23, gas 30 + 23 for the 24th bill
    assert december[1:] == [93, 53, 146]
    assert dashboard.combined_latest == 146


def test_the_previous_occupants_history_is_never_visible(client, home):
    """The new-occupant rule on the page, every chart, the partial and every CSV."""
    client.force_login(home.user)
    text = client.get(reverse("home")).text
    assert "9999" not in text
    assert "9,999" not in text
    figures = _figures(text)
    for figure in figures.values():
        for trace in figure["data"]:
            values = trace.get("y", []) + trace.get("x", [])
            assert 9999.0 not in values
            assert 99.0 not in values
    usage = client.get(reverse("home")).context["dashboard"].fuels[0].usage
    assert next(row[0] for row in usage.rows) == date(2024, 3, 1)  # first bill after move-in
    for key in CHART_KEYS:
        for day in ("", "?day=2024-02-28", "?day=2024-03-01"):
            body = client.get(reverse("insights:csv", args=[home.customer.pk, key]) + day)
            assert body.status_code in (200, 404)
            assert "9999" not in body.content.decode()
            assert "99.0000" not in body.content.decode()
    partial = client.get(
        reverse("insights:smart-meter", args=[home.customer.pk, "electric"]),
        {"day": "2024-02-28"},
        headers={"hx-request": "true"},
    )
    assert partial.status_code == 200
    assert "99.0" not in partial.text


def test_the_date_picker_cannot_reach_before_move_in(client, home):
    client.force_login(home.user)
    response = client.get(reverse("home"), {"day": "2024-02-28"})
    ami = response.context["dashboard"].fuels[0].ami
    assert ami.first_day == date(2024, 3, 1)
    assert ami.day == ami.last_day  # an out-of-range day falls back to the latest
    days = [row[0] for row in ami.daily.rows]
    assert min(days) >= date(2024, 3, 1)


def test_smart_meter_partial_for_another_day(client, home):
    client.force_login(home.user)
    url = reverse("insights:smart-meter", args=[home.customer.pk, "electric"])
    response = client.get(url, {"day": "2024-03-02"}, headers={"hx-request": "true"})
    assert response.status_code == 200
    assert 'id="smart-meter-electric"' in response.text
    assert "<html" not in response.text
    ami = response.context["ami"]
    assert ami.day == date(2024, 3, 2)
    assert [row[1] for row in ami.hourly.rows] == [pytest.approx(1.5)] * 24
    # Without htmx the form's plain GET lands on the dashboard for that day.
    plain = client.get(url, {"day": "2024-03-02"})
    assert plain.status_code == 302
    assert "day=2024-03-02" in plain["Location"]


def test_bad_input_never_breaks_a_page(client, home):
    client.force_login(home.user)
    for day in ("yesterday", "2024-13-45", "0000-00-00", "9" * 50):
        assert client.get(reverse("home"), {"day": day}).status_code == 200
        csv_url = reverse("insights:csv", args=[home.customer.pk, "electric-daily"])
        assert client.get(csv_url, {"day": day}).status_code == 200
    assert client.get(reverse("insights:csv", args=[home.customer.pk, "nope"])).status_code == 404
    url = reverse("insights:smart-meter", args=[home.customer.pk, "gas"])  # no smart meter
    assert client.get(url).status_code == 404


def test_csv_holds_the_data_behind_the_chart(client, home):
    client.force_login(home.user)
    response = client.get(reverse("insights:csv", args=[home.customer.pk, "electric-usage"]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["From", "To", "Days", "kWh", "Read"]
    assert len(rows) == 1 + 10  # March to December 2024
    assert rows[1][:2] == ["2024-03-01", "2024-03-31"]
    assert rows[-2][-1] == "estimated"


def test_neighbor_comparison_shows_the_state(client, home):
    NeighborComparisonFactory(
        account=None,
        customer=home.customer,
        service_point=home.electric,
        fuel="electric",
        period_end=date(2024, 12, 31),
        usage_per_day="17.00",
        average_per_day="20.00",
        efficient_per_day="15.00",
    )
    client.force_login(home.user)
    response = client.get(reverse("home"))
    panel = response.context["dashboard"].fuels[0].neighbor
    assert panel.available
    assert panel.state_label == "Good"
    assert "electric-neighbors" in _figures(response.text)
    gas = response.context["dashboard"].fuels[1].neighbor
    assert not gas.available
    assert "next bill" in gas.explanation


def test_neighbor_comparison_of_the_previous_occupant_is_not_shown(client, home):
    NeighborComparisonFactory(
        account=None,
        customer=home.previous,
        service_point=home.electric,
        fuel="electric",
        period_end=date(2024, 1, 31),
    )
    client.force_login(home.user)
    panel = client.get(reverse("home")).context["dashboard"].fuels[0].neighbor
    assert not panel.available
    assert panel.comparison is None


def test_neighbor_comparison_is_hidden_with_an_explanation_for_solar(client, home):
    from billing.models import Account
    from tests.factories import RateCodeFactory

    solar = RateCodeFactory(code="RES-NEM", is_net_metering=True)
    Account.objects.filter(customer=home.customer, service_point=home.electric).update(
        rate_code=solar
    )
    NeighborComparisonFactory(
        account=None, customer=home.customer, service_point=home.electric, fuel="electric"
    )
    client.force_login(home.user)
    text = client.get(reverse("home")).text
    assert "solar" in text
    assert "chart-electric-neighbors" not in text


@pytest.mark.parametrize("months", [12, 60])
def test_dashboard_queries_are_bounded_whatever_the_history(
    client, django_assert_max_num_queries, months
):
    home = home_build(first_bill=date(2019, 1, 1), months=months, move_in=date(2019, 1, 1))
    client.force_login(home.user)
    client.get(reverse("home"))  # warm caches (utility profile)
    # 7 for the session, the user and allauth's session tracking; 10 for the
    # dashboard of a dual-fuel home with a smart meter, whatever its history.
    with django_assert_max_num_queries(17):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert len(response.context["dashboard"].fuels[0].usage.rows) == min(months, 24)


def test_household_members_see_the_dashboard_too(client, home):
    member = UserFactory()
    CustomerAccessFactory(user=member, customer=home.customer, role=AccessRole.MEMBER)
    client.force_login(member)
    assert client.get(reverse("insights:dashboard", args=[home.customer.pk])).status_code == 200


def test_the_dashboard_has_no_inline_script_or_style(client, home):
    client.force_login(home.user)
    response = client.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy
    assert "style-src 'self'" in policy
    text = response.text
    for tag in re.findall(r"<script[^>]*>", text):
        assert " src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in text
    assert "<style" not in text
    # plotly's own stylesheet is linked so plotly.js does not inject one.
    assert 'id="plotly.js-style-global" class="no-inline-styles"' in text
    assert "cdn" not in text.lower()


def test_the_dashboard_speaks_spanish_when_the_profile_says_so(client, home):
    home.user.language = "es"
    home.user.save()
    client.force_login(home.user)
    response = client.get(reverse("home"))
    assert '<html lang="es">' in response.text
    assert "Sus últimas facturas" in response.text
    assert "Cómo se compara con viviendas similares" in response.text
    usage = response.context["dashboard"].fuels[0].usage
    assert usage.title == "Consumo de Electricidad por factura, últimos 24 meses"
