from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from billing.models import Customer, UsageValue
from tests.factories import (
    AccountFactory,
    CustomerFactory,
    IntervalReadFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
    UsageValueFactory,
)

pytestmark = pytest.mark.django_db


def test_one_active_account_per_service_point_is_a_database_constraint():
    account = AccountFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(
            service_point=account.service_point,
            customer=CustomerFactory(premise=account.customer.premise),
        )


def test_a_new_account_may_follow_an_inactive_one_on_the_same_service_point():
    old = AccountFactory(active_date=date(2019, 5, 1), inactive_date=date(2023, 6, 30))
    new = AccountFactory(
        service_point=old.service_point,
        active_date=date(2023, 7, 1),
        customer=CustomerFactory(premise=old.customer.premise),
    )
    assert new.is_active is True
    assert old.is_active is False


@pytest.mark.parametrize("inactive", [date(2020, 1, 1), date(2019, 12, 31)])
def test_inactive_date_must_come_after_active_date(inactive):
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(active_date=date(2020, 1, 1), inactive_date=inactive)


def test_same_account_period_cannot_be_stored_twice():
    account = AccountFactory(inactive_date=date(2021, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountFactory(
            service_point=account.service_point,
            customer=account.customer,
            account_id=account.account_id,
            active_date=account.active_date,
            inactive_date=date(2022, 1, 1),
        )


def test_same_customer_id_at_two_premises_is_two_customers():
    first = CustomerFactory(customer_id="C-42")
    second = CustomerFactory(customer_id="C-42")
    assert first.premise != second.premise
    assert Customer.objects.filter(customer_id="C-42").count() == 2


def test_customer_id_is_unique_per_premise():
    customer = CustomerFactory(customer_id="C-42")
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(customer_id="C-42", premise=customer.premise)


def test_secondary_id_is_the_display_id_when_present():
    assert CustomerFactory(customer_id="123456", secondary_id="").display_id == "123456"
    customer = CustomerFactory(customer_id="123456", secondary_id="9988776655")
    assert customer.display_id == "9988776655"
    assert customer.masked_id == "•••6655"


def test_dual_fuel_is_two_service_points_at_one_premise():
    premise = PremiseFactory()
    ServicePointFactory(premise=premise, fuel="electric")
    ServicePointFactory(premise=premise, fuel="gas")
    assert sorted(premise.service_points.values_list("fuel", flat=True)) == ["electric", "gas"]


def test_meter_can_change_without_changing_the_service_point():
    sp = ServicePointFactory(meter_id="OLD-1")
    sp.meter_id = "NEW-2"
    sp.save()
    sp.refresh_from_db()
    assert (sp.service_point_id, sp.meter_id) == (sp.service_point_id, "NEW-2")


def test_usage_start_date_is_derived_from_date_to_and_duration():
    usage = UsageValueFactory(date_to=date(2024, 3, 1), duration=30)
    assert usage.start_date == date(2024, 2, 1)


def test_the_same_days_on_a_service_point_are_one_usage_row():
    usage = UsageValueFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageValueFactory(
            service_point=usage.service_point, date_to=usage.date_to, duration=usage.duration
        )


@pytest.mark.parametrize("value", [Decimal("1000000000"), Decimal("-1000000000")])
def test_usage_value_above_the_file_limit_is_refused(value):
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageValueFactory(usage_value=value)


def test_duration_must_be_at_least_one_day():
    with pytest.raises(IntegrityError), transaction.atomic():
        UsageValueFactory(duration=0)


@pytest.mark.parametrize(("flag", "estimated"), [("A", False), ("E", True), ("U", True)])
def test_user_reported_reads_count_as_estimates(flag, estimated):
    assert UsageValue(is_estimate=flag).is_estimated is estimated


def test_interval_length_must_be_a_supported_one():
    IntervalReadFactory(interval_minutes=15)
    with pytest.raises(IntegrityError), transaction.atomic():
        IntervalReadFactory(interval_minutes=7)


def test_a_repeated_interval_read_is_the_same_row():
    read = IntervalReadFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        IntervalReadFactory(service_point=read.service_point, interval_end=read.interval_end)


def test_rate_code_off_the_allowlist_needs_a_reason():
    RateCodeFactory(code="MED", is_allowlisted=False, exclusion_reason="Medical rate")
    with pytest.raises(IntegrityError), transaction.atomic():
        RateCodeFactory(code="MED2", is_allowlisted=False, exclusion_reason="")


def test_zip_code_must_be_zip_or_zip_plus_four():
    PremiseFactory(zip_code="22209-1234")
    with pytest.raises(IntegrityError), transaction.atomic():
        PremiseFactory(zip_code="2220")
