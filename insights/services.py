"""Writes of the insights app: only its own precomputed neighbor comparisons."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from billing.models import Account, CustomerType, UsageValue
from billing.periods import period_start
from insights.calculations import TWO_PLACES, Home, neighbor_groups
from insights.models import NeighborComparison

logger = logging.getLogger(__name__)

# Only bills read this recently are compared (a stale bill has no peers).
RECENT_DAYS = 62
WRITE_BATCH = 5000


@dataclass(frozen=True)
class RefreshResult:
    homes: int
    compared: int
    too_few_neighbors: int


def neighbor_comparisons_refresh(*, as_of: date | None = None) -> RefreshResult:
    """Recompute every home's comparison for its latest bill (set-based).

    Candidates: the latest period of each service point with an active
    residential account, read in the last `RECENT_DAYS` days and wholly within
    the current occupant's tenure. Net-metering (solar) homes get no
    comparison of their own and are nobody's neighbor, because their bills
    show net use. Existing rows for the same service point and period are
    replaced, so the command can run as often as wanted.
    """
    as_of = as_of or timezone.localdate()
    homes, meta = _candidates(as_of)
    results = neighbor_groups(homes)
    now = timezone.now()
    rows = []
    for home, result in zip(homes, results, strict=True):
        customer_pk, period_days = meta[home.key]
        rows.append(
            NeighborComparison(
                customer_id=customer_pk,
                service_point_id=home.key,
                fuel=home.fuel,
                period_end=home.period_end,
                period_days=period_days,
                usage_per_day=home.usage_per_day,
                neighbors=result.neighbors,
                average_per_day=result.average_per_day,
                efficient_per_day=result.efficient_per_day,
                scope=result.scope,
                computed_at=now,
            )
        )
    with transaction.atomic():
        for start in range(0, len(rows), WRITE_BATCH):
            NeighborComparison.objects.bulk_create(
                rows[start : start + WRITE_BATCH],
                update_conflicts=True,
                unique_fields=["service_point", "period_end"],
                update_fields=[
                    "customer",
                    "fuel",
                    "period_days",
                    "usage_per_day",
                    "neighbors",
                    "average_per_day",
                    "efficient_per_day",
                    "scope",
                    "computed_at",
                ],
            )
    compared = sum(1 for r in results if r.compared)
    result = RefreshResult(
        homes=len(rows), compared=compared, too_few_neighbors=len(rows) - compared
    )
    logger.info("neighbor comparisons refreshed: %s", result)
    return result


def _candidates(as_of: date) -> tuple[list[Home], dict[int, tuple[int, int]]]:
    """The latest recent period per service point with an active residential account."""
    accounts = (
        Account.objects.active()
        .filter(customer__customer_type=CustomerType.RESIDENTIAL)
        .values_list(
            "service_point_id",
            "customer_id",
            "active_date",
            "rate_code__is_net_metering",
            "service_point__fuel",
            "customer__premise__dwelling_type",
            "customer__premise__heating_fuel",
            "customer__premise__zip_code",
            "customer__premise__city",
            "customer__premise__square_feet",
        )
    )
    by_sp = {row[0]: row for row in accounts.iterator(chunk_size=10000)}
    latest: dict[int, tuple[date, int, Decimal]] = {}
    periods = UsageValue.objects.filter(
        date_to__gt=as_of - timedelta(days=RECENT_DAYS), date_to__lte=as_of
    ).values_list("service_point_id", "date_to", "duration", "usage_value")
    for sp_pk, date_to, duration, usage in periods.iterator(chunk_size=10000):
        if sp_pk in by_sp and (sp_pk not in latest or latest[sp_pk][0] < date_to):
            latest[sp_pk] = (date_to, duration, usage)

    homes = []
    meta = {}
    for sp_pk, (date_to, duration, usage) in sorted(latest.items()):
        (
            _,
            customer_pk,
            active_date,
            net_metering,
            fuel,
            dwelling,
            heating,
            zip_code,
            city,
            sqft,
        ) = by_sp[sp_pk]
        if net_metering or period_start(date_to, duration) < active_date:
            continue
        homes.append(
            Home(
                key=sp_pk,
                fuel=fuel,
                period_end=date_to,
                dwelling_type=dwelling,
                heating_fuel=heating,
                zip5=zip_code[:5],
                city=city,
                square_feet=sqft,
                usage_per_day=(usage / duration).quantize(TWO_PLACES, ROUND_HALF_UP),
            )
        )
        meta[sp_pk] = (customer_pk, duration)
    return homes, meta
