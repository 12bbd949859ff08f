from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from insights.models import NeighborComparison
from tests.factories.billing import AccountFactory


class NeighborComparisonFactory(DjangoModelFactory):
    """A comparison for an account's customer and service point."""

    class Meta:
        model = NeighborComparison
        exclude = ["account"]

    account = factory.SubFactory(AccountFactory)
    customer = factory.SelfAttribute("account.customer")
    service_point = factory.SelfAttribute("account.service_point")
    fuel = factory.SelfAttribute("service_point.fuel")
    period_end = date(2024, 1, 31)
    period_days = 31
    usage_per_day = Decimal("24.00")
    neighbors = 100
    average_per_day = Decimal("26.00")
    efficient_per_day = Decimal("18.00")
    scope = "zip"
    computed_at = factory.LazyFunction(timezone.now)
