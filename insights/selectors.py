"""Reads behind the insights, every one scoped to one customer at one premise.

The customer always comes from `billing.selectors` (so from the signed-in
login's own customers); each read here then limits itself to that customer's
active accounts and to days on or after the account's `active_date`, so the
previous occupant's usage is never read, let alone shown. Nothing here adds
usage across premises: a customer is one person at one premise.

Each function runs a fixed number of queries whatever the length of the
history (the latest periods are picked with a window function).
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Case, F, Max, Subquery, Sum, Value, When, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils.translation import gettext_lazy

from billing.models import Account, Customer, Fuel, IntervalRead, MeterType, UsageValue
from insights.calculations import DailyUse, Period, periods_visible
from insights.models import NeighborComparison

# Enough periods for 24 months of monthly bills plus the one before them.
PERIODS_SHOWN = 25
DAILY_DAYS = 30

UNITS = {Fuel.ELECTRIC: "kWh", Fuel.GAS: "therms", Fuel.WATER: "gal"}
FUEL_LABELS = {
    Fuel.ELECTRIC: gettext_lazy("Electric"),
    Fuel.GAS: gettext_lazy("Gas"),
    Fuel.WATER: gettext_lazy("Water"),
}


@dataclass(frozen=True)
class Service:
    """One fuel at the premise, through the customer's own active account."""

    account: Account

    @property
    def service_point(self):
        return self.account.service_point

    @property
    def fuel(self) -> str:
        return self.account.service_point.fuel

    @property
    def fuel_label(self) -> str:
        return str(FUEL_LABELS.get(self.fuel, self.account.service_point.get_fuel_display()))

    @property
    def unit(self) -> str:
        return UNITS.get(self.fuel, "")

    @property
    def visible_from(self) -> date:
        return self.account.active_date

    @property
    def has_interval_data(self) -> bool:
        return self.account.service_point.meter_type == MeterType.AMI


FUEL_ORDER = {Fuel.ELECTRIC: 0, Fuel.GAS: 1, Fuel.WATER: 2}


def services_for_customer(*, customer: Customer) -> list[Service]:
    """The customer's active accounts at their premise, electric first."""
    accounts = (
        Account.objects.active()
        .filter(customer=customer, service_point__premise_id=customer.premise_id)
        .select_related("service_point", "rate_code")
    )
    services = [Service(account=a) for a in accounts]
    return sorted(services, key=lambda s: (FUEL_ORDER.get(s.fuel, 9), s.service_point.pk))


def periods_for_services(*, services: list[Service]) -> dict[int, list[Period]]:
    """The latest billed periods of each service, oldest first, one query.

    Only periods that start on or after the customer's own `active_date` are
    returned (see `calculations.periods_visible`).
    """
    if not services:
        return {}
    by_sp = {s.service_point.pk: s for s in services}
    rows = (
        UsageValue.objects.filter(service_point_id__in=by_sp)
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("service_point_id")], order_by=F("date_to").desc()
            )
        )
        .filter(rank__lte=PERIODS_SHOWN)
        .values_list(
            "service_point_id", "date_to", "duration", "usage_value", "usage_charge", "is_estimate"
        )
    )
    periods: dict[int, list[Period]] = {pk: [] for pk in by_sp}
    for sp_pk, date_to, duration, usage, charge, flag in rows:
        periods[sp_pk].append(
            Period(
                date_to=date_to, duration=duration, usage=usage, cost=charge, estimated=flag != "A"
            )
        )
    return {
        pk: periods_visible(items, active_date=by_sp[pk].visible_from)
        for pk, items in periods.items()
    }


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=_zone()).astimezone(UTC)


def interval_latest_day(*, service: Service) -> date | None:
    """The last local day with AMI reads for the service, on or after move-in."""
    latest = IntervalRead.objects.filter(
        service_point=service.service_point, interval_end__gt=_local_midnight(service.visible_from)
    ).aggregate(last=Max("interval_end"))["last"]
    if latest is None:
        return None
    # A read ending at local midnight belongs to the day before.
    return (latest - timedelta(seconds=1)).astimezone(_zone()).date()


def daily_use(*, service: Service, last_day: date, days: int = DAILY_DAYS) -> list[DailyUse]:
    """Use per local day for `days` days ending on `last_day` (one query).

    An interval belongs to the day it starts in: a read ending at midnight is
    the last hour of the previous day.
    """
    first_day = max(last_day - timedelta(days=days - 1), service.visible_from)
    if first_day > last_day:
        return []
    rows = (
        IntervalRead.objects.filter(
            service_point=service.service_point,
            interval_end__gt=_local_midnight(first_day),
            interval_end__lte=_local_midnight(last_day + timedelta(days=1)),
        )
        .annotate(day=TruncDate(F("interval_end") - timedelta(seconds=1), tzinfo=_zone()))
        .values("day")
        .annotate(
            total=Sum("value"),
            # MAX(boolean) is not portable (PostgreSQL has no such function).
            estimated=Sum(Case(When(is_estimate=True, then=Value(1)), default=Value(0))),
        )
        .order_by("day")
    )
    return [
        DailyUse(day=row["day"], value=Decimal(row["total"]), estimated=bool(row["estimated"]))
        for row in rows
    ]


@dataclass(frozen=True)
class HourlyUse:
    start: datetime  # local start of the interval
    value: Decimal
    estimated: bool


def hourly_use(*, service: Service, day: date) -> list[HourlyUse]:
    """The reads of one local day, labelled by their local start (one query)."""
    if day < service.visible_from:
        return []
    zone = _zone()
    rows = IntervalRead.objects.filter(
        service_point=service.service_point,
        interval_end__gt=_local_midnight(day),
        interval_end__lte=_local_midnight(day + timedelta(days=1)),
    ).order_by("interval_end")
    return [
        HourlyUse(
            start=(read.interval_end - timedelta(minutes=read.interval_minutes)).astimezone(zone),
            value=read.value,
            estimated=read.is_estimate,
        )
        for read in rows
    ]


def neighbor_comparisons_latest(
    *, customer: Customer, services: list[Service]
) -> dict[int, NeighborComparison]:
    """The latest precomputed comparison of each of the customer's services (one query).

    Only rows computed for this customer (the occupant at the time) and for a
    period that started on or after their move-in count.
    """
    if not services:
        return {}
    rows = (
        NeighborComparison.objects.filter(
            customer=customer, service_point_id__in=[s.service_point.pk for s in services]
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=[F("service_point_id")], order_by=F("period_end").desc()
            )
        )
        .filter(rank=1)
    )
    visible_from = {s.service_point.pk: s.visible_from for s in services}
    return {
        row.service_point_id: row
        for row in rows
        if row.period_start >= visible_from[row.service_point_id]
    }


def dashboard_data_version(*, customer: Customer) -> str:
    """A fingerprint of everything the dashboard shows, in one query.

    Changes when a bill, an interval read, a neighbor comparison, an
    eligibility hold, a rate, or any account of this customer ID (the
    premise-count rule) is written; the cached dashboard is keyed by it.
    """
    from billing.models import EligibilityHold

    mine = {
        "service_point__accounts__customer": customer,
        "service_point__accounts__inactive_date__isnull": True,
    }
    same_id = Account.objects.filter(customer__customer_id=customer.customer_id)
    row = (
        Customer.objects.filter(pk=customer.pk)
        .annotate(
            v_usage=Subquery(
                UsageValue.objects.filter(**mine).order_by("-updated_at").values("updated_at")[:1]
            ),
            v_reads=Subquery(
                IntervalRead.objects.filter(**mine)
                .order_by("-interval_end")
                .values("interval_end")[:1]
            ),
            v_neighbors=Subquery(
                NeighborComparison.objects.filter(customer=customer)
                .order_by("-computed_at")
                .values("computed_at")[:1]
            ),
            v_holds=Subquery(
                EligibilityHold.objects.filter(customer=customer)
                .order_by("-updated_at")
                .values("updated_at")[:1]
            ),
            v_accounts=Subquery(same_id.order_by("-updated_at").values("updated_at")[:1]),
            v_rates=Subquery(
                same_id.order_by("-rate_code__updated_at").values("rate_code__updated_at")[:1]
            ),
        )
        .values_list("v_usage", "v_reads", "v_neighbors", "v_holds", "v_accounts", "v_rates")
        .first()
    )
    return "|".join("" if p is None else p.isoformat() for p in row or ())
