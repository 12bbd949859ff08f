import hashlib
import io
import itertools
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db.models import Count

from billing.models import (
    Account,
    Customer,
    IntervalRead,
    Premise,
    ServicePoint,
    UsageValue,
)
from billing.periods import period_end_before

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 3, 31)


def _seed(seed: int, customers: int = 60, reset: bool = False):
    call_command(
        "seed_demo",
        customers=customers,
        seed=seed,
        as_of=AS_OF,
        interval_days=5,
        reset=reset,
        no_logins=True,
        stdout=io.StringIO(),
    )


def _fingerprint() -> str:
    """A digest of every row's content, without surrogate keys or timestamps."""
    digest = hashlib.sha256()
    for row in Premise.objects.order_by("premise_id").values_list(
        "premise_id",
        "house_number",
        "street_name",
        "unit",
        "zip_code",
        "square_feet",
        "dwelling_type",
        "heating_fuel",
        "latitude",
    ):
        digest.update(repr(row).encode())
    for row in Customer.objects.order_by("premise__premise_id", "customer_id").values_list(
        "customer_id",
        "premise__premise_id",
        "secondary_id",
        "first_name",
        "last_name",
        "email",
    ):
        digest.update(repr(row).encode())
    for row in Account.objects.order_by("account_id", "active_date").values_list(
        "account_id",
        "customer__customer_id",
        "service_point__service_point_id",
        "active_date",
        "inactive_date",
        "rate_code__code",
    ):
        digest.update(repr(row).encode())
    for row in UsageValue.objects.order_by(
        "service_point__service_point_id", "date_to"
    ).values_list(
        "service_point__service_point_id",
        "date_to",
        "duration",
        "usage_value",
        "usage_charge",
        "is_estimate",
    ):
        digest.update(repr(row).encode())
    for row in IntervalRead.objects.order_by(
        "service_point__service_point_id", "interval_end"
    ).values_list("service_point__service_point_id", "interval_end", "value"):
        digest.update(repr(row).encode())
    return digest.hexdigest()


def test_seed_demo_is_deterministic_for_a_seed():
    _seed(7)
    first = _fingerprint()
    _seed(7, reset=True)
    assert _fingerprint() == first
    _seed(8, reset=True)
    assert _fingerprint() != first


def test_seed_demo_does_not_depend_on_the_batch_size():
    _seed(3)
    first = _fingerprint()
    call_command(
        "seed_demo",
        customers=60,
        seed=3,
        as_of=AS_OF,
        interval_days=5,
        reset=True,
        no_logins=True,
        batch_size=7,
        stdout=io.StringIO(),
    )
    assert _fingerprint() == first


def test_demo_utility_has_the_situations_a_real_one_has():
    _seed(1, customers=400)
    # Dual fuel: electric and gas at one premise.
    dual = Premise.objects.annotate(n=Count("service_points")).filter(n=2)
    assert dual.exists()
    assert set(ServicePoint.objects.values_list("fuel", flat=True)) == {"electric", "gas"}
    # Multi-unit buildings: several premises at one street address.
    units = (
        Premise.objects.exclude(unit="")
        .values("house_number", "street_name")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert units.exists()
    # One person at several premises, including a property manager at three.
    per_person = Customer.objects.values("customer_id").annotate(n=Count("premise"))
    assert per_person.filter(n=2).exists()
    assert per_person.filter(n__gte=3).exists()
    # Move-outs: a closed account followed by a new occupant the next day.
    closed = Account.objects.filter(inactive_date__isnull=False).first()
    successor = Account.objects.get(service_point=closed.service_point, inactive_date__isnull=True)
    assert successor.customer != closed.customer
    assert successor.active_date == closed.inactive_date + timedelta(days=1)
    # Medical rates are not allowlisted.
    assert Account.objects.filter(rate_code__is_allowlisted=False).exists()
    # AMI reads exist only for smart meters.
    assert not IntervalRead.objects.exclude(service_point__meter_type="ami").exists()


def test_demo_billing_periods_meet_end_to_end():
    _seed(2)
    for sp in ServicePoint.objects.all()[:20]:
        periods = list(UsageValue.objects.filter(service_point=sp).order_by("date_to"))
        assert len(periods) >= 23
        for previous, current in itertools.pairwise(periods):
            assert period_end_before(current.date_to, current.duration) == previous.date_to


def test_seed_demo_creates_logins_linked_to_the_demo_customer():
    from users.models import User

    call_command(
        "seed_demo",
        customers=5,
        seed=1,
        as_of=AS_OF,
        interval_days=0,
        stdout=io.StringIO(),
    )
    customer_login = User.objects.get(email="customer@example.com")
    premises = customer_login.customer_accesses.values_list(
        "customer__premise__premise_id", flat=True
    )
    assert len(premises) == 2
    assert User.objects.get(email="staff@example.com").is_staff is True
