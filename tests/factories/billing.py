from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from billing.models import (
    AccessRole,
    Account,
    ClaimAttempt,
    ClaimMethod,
    ClaimOutcome,
    Customer,
    CustomerAccess,
    EligibilityHold,
    Fuel,
    HouseholdInvitation,
    IntervalRead,
    MeterType,
    Premise,
    RateCode,
    ServicePoint,
    UsageValue,
)


class PremiseFactory(DjangoModelFactory):
    class Meta:
        model = Premise

    premise_id = factory.Sequence(lambda n: f"PR{n:06d}")
    house_number = factory.Sequence(lambda n: str(100 + n))
    street_name = "Oak St"
    city = "Springfield"
    state = "IL"
    zip_code = "62701"
    square_feet = 1800
    dwelling_type = "single_family"
    heating_fuel = "gas"


class RateCodeFactory(DjangoModelFactory):
    class Meta:
        model = RateCode
        django_get_or_create = ["code"]

    code = "RES-1"
    description = "Residential standard"
    is_allowlisted = True


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = Customer

    customer_id = factory.Sequence(lambda n: f"CU{n:06d}")
    premise = factory.SubFactory(PremiseFactory)
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Lee{n}")


class ServicePointFactory(DjangoModelFactory):
    class Meta:
        model = ServicePoint

    service_point_id = factory.Sequence(lambda n: f"SP{n:06d}")
    premise = factory.SubFactory(PremiseFactory)
    fuel = Fuel.ELECTRIC
    meter_id = factory.Sequence(lambda n: f"M{n:08d}")
    meter_type = MeterType.AMI


class AccountFactory(DjangoModelFactory):
    class Meta:
        model = Account

    account_id = factory.Sequence(lambda n: f"AC{n:06d}")
    customer = factory.SubFactory(CustomerFactory)
    service_point = factory.SubFactory(
        ServicePointFactory, premise=factory.SelfAttribute("..customer.premise")
    )
    active_date = date(2020, 1, 1)
    inactive_date = None
    rate_code = factory.SubFactory(RateCodeFactory)
    read_cycle = "05"


class UsageValueFactory(DjangoModelFactory):
    class Meta:
        model = UsageValue

    service_point = factory.SubFactory(ServicePointFactory)
    date_to = date(2024, 1, 31)
    duration = 31
    usage_value = Decimal("812.500")
    usage_charge = Decimal("115.38")
    is_estimate = "A"
    unit = "kWh"


class IntervalReadFactory(DjangoModelFactory):
    class Meta:
        model = IntervalRead

    service_point = factory.SubFactory(ServicePointFactory)
    interval_end = datetime(2024, 1, 1, 6, tzinfo=UTC)
    interval_minutes = 60
    value = Decimal("1.2500")


class EligibilityHoldFactory(DjangoModelFactory):
    class Meta:
        model = EligibilityHold

    customer = factory.SubFactory(CustomerFactory)
    purpose = "communications"
    reason = "usage_gap"
    detail = "Gap of 3 days before 2024-02-01"
    starts_on = date(2024, 1, 29)
    ends_on = date(2026, 1, 29)


class CustomerAccessFactory(DjangoModelFactory):
    class Meta:
        model = CustomerAccess

    user = factory.SubFactory("tests.factories.users.UserFactory")
    customer = factory.SubFactory(CustomerFactory)
    role = AccessRole.OWNER


class ClaimAttemptFactory(DjangoModelFactory):
    class Meta:
        model = ClaimAttempt

    user = factory.SubFactory("tests.factories.users.UserFactory")
    ip = "203.0.113.7"
    identifier = "A30000001E"
    method = ClaimMethod.ZIP_AND_NAME
    outcome = ClaimOutcome.SECOND_FACT


class HouseholdInvitationFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdInvitation

    customer = factory.SubFactory(CustomerFactory)
    invited_by = factory.SubFactory("tests.factories.users.UserFactory")
    email = factory.Sequence(lambda n: f"member{n}@example.com")
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))
