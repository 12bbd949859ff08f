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
from tests.factories.catalog import (
    BundleAdditionFactory,
    BundleFactory,
    CategoryFactory,
    EligibilityRuleFactory,
    ProductFactory,
    ProductRelationFactory,
)
from tests.factories.enrollment import EnrollmentFactory, OrderFactory, ServiceOrderFactory
from tests.factories.promotions import PromotionFactory
from tests.factories.segments import (
    CustomerProfileFactory,
    SegmentConditionFactory,
    SegmentFactory,
)
from tests.factories.users import StaffUserFactory, UserFactory

__all__ = [
    "AccountFactory",
    "BundleAdditionFactory",
    "BundleFactory",
    "CategoryFactory",
    "CustomerAccessFactory",
    "CustomerFactory",
    "CustomerProfileFactory",
    "EligibilityHoldFactory",
    "EligibilityRuleFactory",
    "EnrollmentFactory",
    "IntervalReadFactory",
    "OrderFactory",
    "PremiseFactory",
    "ProductFactory",
    "ProductRelationFactory",
    "PromotionFactory",
    "RateCodeFactory",
    "SegmentConditionFactory",
    "SegmentFactory",
    "ServiceOrderFactory",
    "ServicePointFactory",
    "StaffUserFactory",
    "UsageValueFactory",
    "UserFactory",
]
