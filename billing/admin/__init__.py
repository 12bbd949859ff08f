"""Staff views of the utility data: search by every identifier, filter, drill
down premise → service points → accounts, with usage shown read-only and
paginated (no page loads a whole usage table)."""

from billing.admin import (  # noqa: F401
    claims,
    customers,
    eligibility,
    interval_reads,
    service_points,
    usage,
)
