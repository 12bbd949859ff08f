from tests.factories.billing import (
    AccountFactory,
    CustomerAccessFactory,
    CustomerFactory,
    EligibilityHoldFactory,
    IntervalReadFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
    UsageValueFactory,
)
from tests.factories.rebates import (
    EventResultFactory,
    ParticipantFactory,
    PeakEventFactory,
    PtrProgramFactory,
    SettlementAdjustmentFactory,
    TrackFactory,
)
from tests.factories.users import StaffUserFactory, UserFactory

__all__ = [
    "AccountFactory",
    "CustomerAccessFactory",
    "CustomerFactory",
    "EligibilityHoldFactory",
    "EventResultFactory",
    "IntervalReadFactory",
    "ParticipantFactory",
    "PeakEventFactory",
    "PremiseFactory",
    "PtrProgramFactory",
    "RateCodeFactory",
    "ServicePointFactory",
    "SettlementAdjustmentFactory",
    "StaffUserFactory",
    "TrackFactory",
    "UsageValueFactory",
    "UserFactory",
]
