from tests.factories.billing import (
    AccountFactory,
    ClaimAttemptFactory,
    CustomerAccessFactory,
    CustomerFactory,
    EligibilityHoldFactory,
    HouseholdInvitationFactory,
    IntervalReadFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
    UsageValueFactory,
)
from tests.factories.insights import NeighborComparisonFactory
from tests.factories.users import StaffUserFactory, UserFactory

__all__ = [
    "AccountFactory",
    "ClaimAttemptFactory",
    "CustomerAccessFactory",
    "CustomerFactory",
    "EligibilityHoldFactory",
    "HouseholdInvitationFactory",
    "IntervalReadFactory",
    "NeighborComparisonFactory",
    "PremiseFactory",
    "RateCodeFactory",
    "ServicePointFactory",
    "StaffUserFactory",
    "UsageValueFactory",
    "UserFactory",
]
