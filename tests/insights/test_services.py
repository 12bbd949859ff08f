from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import Fuel
from insights.models import NeighborComparison
from insights.services import neighbor_comparisons_refresh
from insights.tasks import neighbor_comparisons_refresh_task
from tests.factories import (
    AccountFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
    UsageValueFactory,
)

pytestmark = pytest.mark.django_db


def _street(count, *, start=0, read=date(2024, 3, 5), solar=False, active=date(2020, 1, 1)):
    accounts = []
    rate = RateCodeFactory(code="RES-NEM", is_net_metering=True) if solar else RateCodeFactory()
    for i in range(start, start + count):
        premise = PremiseFactory(square_feet=1200 + i, zip_code="62704")
        sp = ServicePointFactory(premise=premise, fuel=Fuel.ELECTRIC)
        account = AccountFactory(
            customer__premise=premise, service_point=sp, rate_code=rate, active_date=active
        )
        UsageValueFactory(
            service_point=sp, date_to=read, duration=31, usage_value=Decimal(310 + 31 * (i % 10))
        )
        accounts.append(account)
    return accounts


def test_refresh_precomputes_a_comparison_per_home():
    accounts = _street(30)
    result = neighbor_comparisons_refresh(as_of=date(2024, 3, 10))
    assert (result.homes, result.compared) == (30, 30)
    row = NeighborComparison.objects.get(service_point=accounts[0].service_point)
    assert row.customer == accounts[0].customer
    assert row.neighbors == 29
    assert row.usage_per_day == Decimal("10.00")
    assert row.efficient_per_day <= row.average_per_day
    # Running again replaces, never duplicates.
    neighbor_comparisons_refresh(as_of=date(2024, 3, 10))
    assert NeighborComparison.objects.count() == 30


def test_solar_homes_and_new_occupants_with_a_partial_bill_get_no_comparison():
    _street(25)
    solar = _street(3, start=100, solar=True)
    newcomer = _street(1, start=200, active=date(2024, 2, 20))  # moved in mid-period
    neighbor_comparisons_refresh(as_of=date(2024, 3, 10))
    assert not NeighborComparison.objects.filter(service_point=solar[0].service_point).exists()
    assert not NeighborComparison.objects.filter(service_point=newcomer[0].service_point).exists()


def test_too_few_neighbors_is_recorded_not_hidden():
    accounts = _street(5)
    result = neighbor_comparisons_refresh(as_of=date(2024, 3, 10))
    assert result.too_few_neighbors == 5
    row = NeighborComparison.objects.get(service_point=accounts[0].service_point)
    assert not row.compared


def test_stale_bills_are_not_compared():
    _street(25, read=date(2023, 6, 5))
    assert neighbor_comparisons_refresh(as_of=date(2024, 3, 10)).homes == 0


def test_command_and_task_run_the_same_service():
    _street(22)
    out = StringIO()
    call_command("neighbor_comparisons_refresh", "--as-of", "2024-03-10", stdout=out)
    assert "Compared 22 of 22 homes" in out.getvalue()
    NeighborComparison.objects.all().delete()
    result = neighbor_comparisons_refresh_task.apply(kwargs={}).get()
    assert set(result) == {"homes", "compared", "too_few_neighbors"}
