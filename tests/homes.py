"""A dual-fuel home with a smart meter, moved into on 1 March 2024.

The previous occupant's bills and reads carry the marker value 9999 (bills) /
99 (hourly reads), so a test can prove they never appear anywhere.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from billing.models import Fuel, MeterType
from tests.factories import (
    AccountFactory,
    CustomerAccessFactory,
    CustomerFactory,
    IntervalReadFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
    UsageValueFactory,
    UserFactory,
)

MOVE_IN = date(2024, 3, 1)
PREVIOUS_BILL = Decimal("9999.000")
PREVIOUS_READ = Decimal("99.0000")


@dataclass
class Home:
    user: object
    customer: object
    electric: object  # service point
    gas: object
    previous: object  # the previous occupant (customer)


def month_periods(first: date, count: int):
    """Calendar-month billing periods: (date_to, duration)."""
    start = first
    for _ in range(count):
        nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
        yield nxt - timedelta(days=1), (nxt - start).days
        start = nxt


def home_build(
    *, user=None, first_bill: date = date(2023, 1, 1), months: int = 24, move_in=MOVE_IN
) -> Home:
    user = user or UserFactory()
    premise = PremiseFactory(zip_code="62701")
    customer = CustomerFactory(premise=premise, last_name="Rivera")
    previous = CustomerFactory(premise=premise, last_name="Before")
    electric = ServicePointFactory(premise=premise, fuel=Fuel.ELECTRIC, meter_type=MeterType.AMI)
    gas = ServicePointFactory(premise=premise, fuel=Fuel.GAS, meter_type=MeterType.AMR)
    gas_rate = RateCodeFactory(code="GAS-R")
    for sp in (electric, gas):
        if move_in > first_bill:
            AccountFactory(
                customer=previous,
                service_point=sp,
                active_date=date(2019, 1, 1),
                inactive_date=move_in - timedelta(days=1),
                rate_code=gas_rate if sp is gas else RateCodeFactory(),
            )
        AccountFactory(
            customer=customer,
            service_point=sp,
            active_date=move_in,
            rate_code=gas_rate if sp is gas else RateCodeFactory(),
        )
    for index, (date_to, duration) in enumerate(month_periods(first_bill, months)):
        mine = date_to - timedelta(days=duration - 1) >= move_in
        UsageValueFactory(
            service_point=electric,
            date_to=date_to,
            duration=duration,
            usage_value=Decimal(500 + index) if mine else PREVIOUS_BILL,
            usage_charge=Decimal(70 + index) if mine else Decimal("9999.00"),
            is_estimate="E" if index == months - 2 else "A",
            unit="kWh",
        )
        UsageValueFactory(
            service_point=gas,
            date_to=date_to,
            duration=duration,
            usage_value=Decimal(40 + index) if mine else PREVIOUS_BILL,
            usage_charge=Decimal(30 + index) if mine else Decimal("9999.00"),
            unit="therm",
        )
    # Hourly reads: two days before move-in (previous occupant), three after.
    start = datetime(move_in.year, move_in.month, move_in.day, 6, tzinfo=UTC) - timedelta(days=2)
    for hour in range(24 * 5):
        end = start + timedelta(hours=hour + 1)
        IntervalReadFactory(
            service_point=electric,
            interval_end=end,
            value=PREVIOUS_READ if end <= start + timedelta(days=2) else Decimal("1.5000"),
        )
    CustomerAccessFactory(user=user, customer=customer)
    return Home(user=user, customer=customer, electric=electric, gas=gas, previous=previous)
