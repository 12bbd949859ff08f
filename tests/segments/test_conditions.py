"""Every condition type selects the right customers (one query per segment)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing.models import Customer
from segments.conditions import (
    CONDITION_TYPES,
    condition_describe,
    condition_params_clean,
    condition_q,
)
from tests.factories import (
    AccountFactory,
    CustomerFactory,
    CustomerProfileFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
)

pytestmark = pytest.mark.django_db


def _customer(*, zip_code="62701", dwelling="single_family", heating="gas", kind="residential",
              fuel="electric", meter="ami", rate="RES-1", **profile):  # fmt: skip
    premise = PremiseFactory(zip_code=zip_code, dwelling_type=dwelling, heating_fuel=heating)
    customer = CustomerFactory(premise=premise, customer_type=kind)
    AccountFactory(
        customer=customer,
        service_point=ServicePointFactory(premise=premise, fuel=fuel, meter_type=meter),
        rate_code=RateCodeFactory(code=rate),
    )
    CustomerProfileFactory(customer=customer, **profile)
    return customer


def _members(key, params, negate=False):
    params = condition_params_clean(key, params)
    return set(Customer.objects.filter(condition_q(key, params, negate=negate)))


CASES = [
    ("customer_type", {"values": ["commercial"]}, {"kind": "commercial"}, {}),
    ("dwelling_type", {"values": ["multi_family"]}, {"dwelling": "multi_family"}, {}),
    ("heating_fuel", {"values": ["electric"]}, {"heating": "electric"}, {}),
    ("profile_flag", {"flag": "owns_solar"}, {"owns_solar": True}, {}),
    ("profile_flag", {"flag": "owns_ev", "value": False}, {}, {"owns_ev": True}),
    ("yearly_usage_kwh", {"min": "12000"}, {"yearly_kwh": Decimal(15000)},
     {"yearly_kwh": Decimal(9000)}),
    ("summer_peak_share", {"min": "0.2", "max": "1"}, {"summer_peak_share": Decimal("0.25")},
     {"summer_peak_share": Decimal("0.1")}),
    ("rate_code", {"codes": "RES-TOU, RES-NEM"}, {"rate": "RES-NEM"}, {}),
    ("zip_code", {"codes": "625"}, {"zip_code": "62561"}, {}),
    ("has_fuel", {"fuel": "gas"}, {"fuel": "gas"}, {}),
    ("has_ami_meter", {}, {}, {"meter": "amr"}),
    ("profile_flag", {"flag": "income_qualified"}, {"income_qualified": True}, {}),
    ("profile_flag", {"flag": "owns_agricultural_pump"}, {"owns_agricultural_pump": True}, {}),
]  # fmt: skip


@pytest.mark.parametrize(("key", "params", "member", "other"), CASES)
def test_condition_selects_members_and_negation_the_rest(key, params, member, other):
    inside, outside = _customer(**member), _customer(**other)
    assert _members(key, params) == {inside}
    assert _members(key, params, negate=True) == {outside}


def test_every_condition_type_has_a_test():
    assert set(CONDITION_TYPES) == {c[0] for c in CASES} | {"enrolled_in"}


def test_enrolled_in_counts_active_and_optionally_pending_enrolments():
    from tests.factories import EnrollmentFactory

    active = EnrollmentFactory(status="active")
    pending = EnrollmentFactory(status="submitted", product=active.product)
    params = {"programs": active.product.slug}
    assert _members("enrolled_in", params) == {active.customer}
    assert _members("enrolled_in", {**params, "include_pending": True}) == {
        active.customer,
        pending.customer,
    }


def test_parameters_are_validated_with_field_names():
    with pytest.raises(ValidationError, match="values"):
        condition_params_clean("customer_type", {"values": ["martian"]})
    with pytest.raises(ValidationError, match="minimum"):
        condition_params_clean("yearly_usage_kwh", {})
    with pytest.raises(ValidationError, match="below"):
        condition_params_clean("yearly_usage_kwh", {"min": 10, "max": 5})
    with pytest.raises(ValidationError, match="ZIP"):
        condition_params_clean("zip_code", {"codes": "abc"})
    with pytest.raises(ValidationError, match="Unknown program"):
        condition_params_clean("enrolled_in", {"programs": "nope"})
    with pytest.raises(ValidationError, match="Unknown condition"):
        condition_params_clean("bogus", {})
    assert condition_params_clean("summer_peak_share", {"min": "0.3"}) == {
        "min": "0.3",
        "max": None,
    }


def test_conditions_describe_themselves():
    assert condition_describe("zip_code", {"codes": ["627"]}) == "ZIP starts with 627"
    assert condition_describe("has_ami_meter", {}, negate=True) == "not has a smart meter"
