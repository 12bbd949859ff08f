from tests.factories.billing import (
    AccountFactory,
    ClaimAttemptFactory,
    CustomerAccessFactory,
    CustomerFactory,
    EligibilityHoldFactory,
    HouseholdInvitationFactory,
    ImportRowErrorFactory,
    ImportRunFactory,
    IntervalReadFactory,
    PremiseFactory,
    RateCodeFactory,
    ServicePointFactory,
    UsageValueFactory,
)
from tests.factories.catalog import (
    BundleAdditionFactory,
    BundleFactory,
    CategoryFactory,
    EligibilityRuleFactory,
    ProductFactory,
    ProductRelationFactory,
)
from tests.factories.content import (
    ContactRequestFactory,
    FaqCategoryFactory,
    FaqQuestionFactory,
    PageFactory,
)
from tests.factories.enrollment import EnrollmentFactory, OrderFactory, ServiceOrderFactory
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
from tests.factories.promotions import PromotionFactory
from tests.factories.rebates import (
    EventResultFactory,
    ParticipantFactory,
    PeakEventFactory,
    PtrProgramFactory,
    SettlementAdjustmentFactory,
    TrackFactory,
)
from tests.factories.segments import (
    CustomerProfileFactory,
    SegmentConditionFactory,
    SegmentFactory,
)
from tests.factories.users import StaffUserFactory, UserFactory

# Every factory imported above; tests/portal/test_admin.py finds a model's
# factory here by name (<Model>Factory).
__all__ = sorted(name for name in dir() if name.endswith("Factory"))
