from tests.factories.billing import (
    AccountFactory,
    CustomerAccessFactory,
    CustomerFactory,
    EligibilityHoldFactory,
    ImportRowErrorFactory,
    ImportRunFactory,
    IntervalReadFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
    UsageValueFactory,
)
from tests.factories.users import StaffUserFactory, UserFactory

__all__ = [
    "AccountFactory",
    "CustomerAccessFactory",
    "CustomerFactory",
    "EligibilityHoldFactory",
    "ImportRowErrorFactory",
    "ImportRunFactory",
    "IntervalReadFactory",
    "PremiseFactory",
    "RateCodeFactory",
    "ServicePointFactory",
    "StaffUserFactory",
    "UsageValueFactory",
    "UserFactory",
]
