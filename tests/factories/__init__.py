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
    "ContactPointFactory",
    "CustomerAccessFactory",
    "CustomerFactory",
    "DeliveryAttemptFactory",
    "EligibilityHoldFactory",
    "InboundMessageFactory",
    "IntervalReadFactory",
    "MessageFactory",
    "MessageTemplateFactory",
    "PremiseFactory",
    "RateCodeFactory",
    "ServicePointFactory",
    "StaffUserFactory",
    "TopicPreferenceFactory",
    "UsageValueFactory",
    "UserFactory",
]
