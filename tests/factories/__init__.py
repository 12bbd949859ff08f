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
from tests.factories.notifications import (
    ChannelOptOutFactory,
    ContactPointFactory,
    DeliveryAttemptFactory,
    InboundMessageFactory,
    MessageFactory,
    MessageTemplateFactory,
    TopicPreferenceFactory,
)
from tests.factories.users import StaffUserFactory, UserFactory

__all__ = [
    "AccountFactory",
    "ChannelOptOutFactory",
    "ClaimAttemptFactory",
    "ContactPointFactory",
    "CustomerAccessFactory",
    "CustomerFactory",
    "DeliveryAttemptFactory",
    "EligibilityHoldFactory",
    "HouseholdInvitationFactory",
    "InboundMessageFactory",
    "IntervalReadFactory",
    "MessageFactory",
    "MessageTemplateFactory",
    "NeighborComparisonFactory",
    "PremiseFactory",
    "RateCodeFactory",
    "ServicePointFactory",
    "StaffUserFactory",
    "TopicPreferenceFactory",
    "UsageValueFactory",
    "UserFactory",
]
