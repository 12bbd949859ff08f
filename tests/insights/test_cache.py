"""The dashboard's HTML is cached, and any new data shows at once."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import UsageValue
from tests.factories import NeighborComparisonFactory, UsageValueFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cache_on(settings):
    settings.INSIGHTS_DASHBOARD_CACHE_SECONDS = 600


def test_a_second_view_comes_from_the_cache_with_few_queries(
    client, home, django_assert_max_num_queries
):
    client.force_login(home.user)
    first = client.get(reverse("home"))
    assert first.context["dashboard"] is not None
    # 7: session, user, allauth's session tracking; 2: the home and its data version.
    with django_assert_max_num_queries(9):
        second = client.get(reverse("home"))
    assert second.context["dashboard"] is None  # not rebuilt
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert token.sub("", second.text) == token.sub("", first.text)


def test_a_new_bill_shows_at_once(client, home):
    client.force_login(home.user)
    client.get(reverse("home"))
    UsageValueFactory(
        service_point=home.electric,
        date_to=date(2025, 1, 31),
        duration=31,
        usage_value=Decimal("777.000"),
        usage_charge=Decimal("88.88"),
    )
    response = client.get(reverse("home"))
    assert response.context["dashboard"] is not None
    assert "$88.88" in response.text


def test_a_corrected_bill_and_a_new_comparison_show_at_once(client, home):
    client.force_login(home.user)
    client.get(reverse("home"))
    bill = UsageValue.objects.filter(service_point=home.electric).order_by("-date_to").first()
    bill.usage_charge = Decimal("55.55")
    bill.save()
    assert "$55.55" in client.get(reverse("home")).text
    NeighborComparisonFactory(
        account=None,
        customer=home.customer,
        service_point=home.electric,
        period_end=date(2024, 12, 31),
    )
    assert "chart-electric-neighbors" in client.get(reverse("home")).text


def test_each_language_and_day_has_its_own_entry(client, home):
    client.force_login(home.user)
    english = client.get(reverse("home")).text
    other_day = client.get(reverse("home"), {"day": "2024-03-02"}).text
    assert english != other_day
    home.user.language = "es"
    home.user.save()
    assert client.get(reverse("home")).context["dashboard"] is not None  # built again
