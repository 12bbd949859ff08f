"""``billing.models`` is split by entity; import from here, not the submodules."""

from billing.models.access import AccessRole, CustomerAccess
from billing.models.accounts import Account, RateCode
from billing.models.claims import ClaimAttempt, ClaimMethod, ClaimOutcome, HouseholdInvitation
from billing.models.customers import Customer, CustomerType
from billing.models.eligibility import EligibilityHold, HoldReason, Purpose
from billing.models.premises import DwellingType, HeatingFuel, Premise
from billing.models.service_points import Fuel, MeterType, ServicePoint
from billing.models.usage import EstimateFlag, IntervalRead, UsageUnit, UsageValue

__all__ = [
    "AccessRole",
    "Account",
    "ClaimAttempt",
    "ClaimMethod",
    "ClaimOutcome",
    "Customer",
    "CustomerAccess",
    "CustomerType",
    "DwellingType",
    "EligibilityHold",
    "EstimateFlag",
    "Fuel",
    "HeatingFuel",
    "HoldReason",
    "HouseholdInvitation",
    "IntervalRead",
    "MeterType",
    "Premise",
    "Purpose",
    "RateCode",
    "ServicePoint",
    "UsageUnit",
    "UsageValue",
]
