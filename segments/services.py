"""Segments: staff-defined groups of customers, materialised as memberships.

Membership is computed set-based: one ``DELETE`` of customers who left and
one ``INSERT … SELECT`` of customers who joined, whatever the number of
customers; the usage attributes segments read (yearly kWh, summer peak share)
are computed the same way into ``CustomerProfile``.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Case, F, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay, ExtractMonth
from django.utils import timezone

from billing.models import Account, Customer, Fuel, IntervalRead, UsageUnit, UsageValue
from segments.conditions import condition_q
from segments.models import CustomerProfile, Match, Segment, SegmentMembership

# Summer peak: weekdays 2–7 p.m. local time, June to September.
PEAK_HOURS = range(14, 19)
SUMMER_MONTHS = (6, 7, 8, 9)


def segment_customers(*, segment: Segment) -> QuerySet[Customer]:
    """The customers who meet a segment's conditions now (one query)."""
    conditions = list(segment.conditions.all())
    if not conditions:
        return Customer.objects.none()
    q = Q() if segment.match == Match.ALL else Q(pk__in=[])
    for condition in conditions:
        cq = condition_q(condition.condition_type, condition.params, negate=condition.negate)
        q = (q & cq) if segment.match == Match.ALL else (q | cq)
    return Customer.objects.filter(q)


@transaction.atomic
def segment_refresh(*, segment: Segment) -> int:
    """Recompute one segment's members set-based; return the member count."""
    now = timezone.now()
    if not segment.is_active or not segment.conditions.exists():
        SegmentMembership.objects.filter(segment=segment).delete()
    else:
        matching = segment_customers(segment=segment).values(member_id=F("pk"))
        SegmentMembership.objects.filter(segment=segment).exclude(
            customer_id__in=Subquery(matching)
        ).delete()
        sql, params = matching.query.sql_with_params()
        table = SegmentMembership._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (segment_id, customer_id, computed_at) "  # noqa: S608
                f"SELECT %s, m.member_id, %s FROM ({sql}) m "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} x "
                f"WHERE x.segment_id = %s AND x.customer_id = m.member_id)",
                [segment.pk, now, *params, segment.pk],
            )
    count = SegmentMembership.objects.filter(segment=segment).count()
    Segment.objects.filter(pk=segment.pk).update(member_count=count, refreshed_at=now)
    segment.member_count, segment.refreshed_at = count, now
    return count


def segments_refresh_all(*, refresh_usage: bool = True) -> dict[str, int]:
    """Refresh the usage attributes, then every segment. Returns counts by slug."""
    if refresh_usage:
        customer_profiles_refresh_usage()
    return {segment.slug: segment_refresh(segment=segment) for segment in Segment.objects.all()}


@transaction.atomic
def customer_profiles_refresh_usage(*, as_of: date | None = None, batch_size: int = 2000) -> int:
    """Compute yearly kWh and summer peak share for every customer.

    Yearly kWh: electric billing periods that ended in the last 365 days on
    service points where the customer has an active account. Summer peak
    share: of the electricity read by AMI in June–September of the last 365
    days, the share used on weekdays 2–7 p.m. in the utility's time zone;
    null without summer reads.

    The database aggregates per service point in one pass over the reads
    (one grouped query each for bills and reads); the per-customer sums are
    written back in batches. Creates missing profiles first (one INSERT …
    SELECT).
    """
    as_of = as_of or timezone.localdate()
    now = timezone.now()
    profile_table = CustomerProfile._meta.db_table
    customer_table = Customer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {profile_table} (customer_id, owns_solar, owns_ev, "  # noqa: S608
            f"owns_agricultural_pump, income_qualified, created_at, updated_at) "
            f"SELECT c.id, %s, %s, %s, %s, %s, %s FROM {customer_table} c "
            f"WHERE NOT EXISTS (SELECT 1 FROM {profile_table} p WHERE p.customer_id = c.id)",
            [False, False, False, False, now, now],
        )
    yearly_by_sp = dict(
        UsageValue.objects.filter(
            service_point__fuel=Fuel.ELECTRIC,
            unit=UsageUnit.KWH,
            date_to__gt=as_of - timedelta(days=365),
            date_to__lte=as_of,
        )
        .order_by()
        .values("service_point_id")
        .annotate(total=Sum("usage_value"))
        .values_list("service_point_id", "total")
    )
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(as_of - timedelta(days=365), time.min, tzinfo=tz)
    peak = Q(hour__in=list(PEAK_HOURS), weekday__lte=5)
    summer_by_sp = {
        row["service_point_id"]: (row["summer"], row["peak"])
        for row in IntervalRead.objects.filter(
            service_point__fuel=Fuel.ELECTRIC, interval_end__gte=start
        )
        .annotate(
            month=ExtractMonth("interval_end", tzinfo=tz),
            hour=ExtractHour("interval_end", tzinfo=tz),
            weekday=ExtractIsoWeekDay("interval_end", tzinfo=tz),
        )
        .filter(month__in=SUMMER_MONTHS)
        .order_by()
        .values("service_point_id")
        .annotate(
            summer=Sum("value"),
            peak=Sum(Case(When(peak, then="value"), default=Value(Decimal(0)))),
        )
    }
    per_customer: dict[int, list] = {}
    accounts = Account.objects.active().filter(service_point__fuel=Fuel.ELECTRIC)
    for customer_id, sp_id in accounts.values_list("customer_id", "service_point_id"):
        totals = per_customer.setdefault(customer_id, [None, Decimal(0), Decimal(0)])
        if sp_id in yearly_by_sp:
            totals[0] = (totals[0] or Decimal(0)) + Decimal(yearly_by_sp[sp_id])
        if sp_id in summer_by_sp:
            summer, peak_total = summer_by_sp[sp_id]
            totals[1] += Decimal(summer or 0)
            totals[2] += Decimal(peak_total or 0)
    batch: list[CustomerProfile] = []
    updated = 0
    for customer_id in Customer.objects.values_list("pk", flat=True).iterator():
        yearly, summer, peak_total = per_customer.get(customer_id, [None, Decimal(0), Decimal(0)])
        share = (peak_total / summer).quantize(Decimal("0.0001")) if summer > 0 else None
        batch.append(
            CustomerProfile(
                customer_id=customer_id,
                yearly_kwh=yearly.quantize(Decimal("0.1")) if yearly is not None else None,
                summer_peak_share=share,
                usage_computed_at=now,
            )
        )
        if len(batch) >= batch_size:
            updated += _profiles_write(batch)
            batch = []
    return updated + _profiles_write(batch)


def _profiles_write(batch: list[CustomerProfile]) -> int:
    if not batch:
        return 0
    return CustomerProfile.objects.bulk_update(
        batch, ["yearly_kwh", "summer_peak_share", "usage_computed_at"]
    )


@transaction.atomic
def customer_profile_update(
    *,
    customer: Customer,
    owns_solar: bool,
    owns_ev: bool,
    owns_agricultural_pump: bool,
) -> CustomerProfile:
    """The customer's own answers about their equipment (home profile page)."""
    profile, _created = CustomerProfile.objects.select_for_update().get_or_create(customer=customer)
    profile.owns_solar = owns_solar
    profile.owns_ev = owns_ev
    profile.owns_agricultural_pump = owns_agricultural_pump
    profile.full_clean()
    profile.save()
    return profile
