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
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractHour,
    ExtractIsoWeekDay,
    ExtractMonth,
)
from django.db.models.lookups import GreaterThan
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
    matching = segment_customers(segment=segment).values("pk")
    if not segment.is_active:
        matching = Customer.objects.none().values("pk")
    SegmentMembership.objects.filter(segment=segment).exclude(
        customer_id__in=Subquery(matching)
    ).delete()
    sql, params = matching.query.sql_with_params()
    table = SegmentMembership._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (segment_id, customer_id, computed_at) "  # noqa: S608
            f"SELECT %s, m.id, %s FROM ({sql}) m "
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} x "
            f"WHERE x.segment_id = %s AND x.customer_id = m.id)",
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
def customer_profiles_refresh_usage(*, as_of: date | None = None) -> int:
    """Compute yearly kWh and summer peak share for every customer (set-based).

    Yearly kWh: electric billing periods that ended in the last 365 days on
    service points where the customer has an active account. Summer peak
    share: of the electricity read by AMI in June–September of the last 365
    days, the share used on weekdays 2–7 p.m. in the utility's time zone;
    null without summer reads. Creates missing profiles first.
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
    total_field = DecimalField(max_digits=16, decimal_places=4)
    customer_points = Account.objects.active().filter(
        customer=OuterRef(OuterRef("customer_id")), service_point=OuterRef("service_point")
    )
    yearly = (
        UsageValue.objects.filter(
            Exists(customer_points),
            service_point__fuel=Fuel.ELECTRIC,
            unit=UsageUnit.KWH,
            date_to__gt=as_of - timedelta(days=365),
            date_to__lte=as_of,
        )
        .order_by()
        .values("unit")
        .annotate(total=Sum("usage_value"))
        .values("total")[:1]
    )
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = datetime.combine(as_of - timedelta(days=365), time.min, tzinfo=tz)
    summer_reads = (
        IntervalRead.objects.filter(
            Exists(customer_points), service_point__fuel=Fuel.ELECTRIC, interval_end__gte=start
        )
        .annotate(month=ExtractMonth("interval_end", tzinfo=tz))
        .filter(month__in=SUMMER_MONTHS)
        .order_by()
    )
    peak_reads = summer_reads.annotate(
        hour=ExtractHour("interval_end", tzinfo=tz),
        weekday=ExtractIsoWeekDay("interval_end", tzinfo=tz),
    ).filter(hour__in=list(PEAK_HOURS), weekday__lte=5)

    def total(reads):
        return Subquery(
            reads.values("service_point__fuel").annotate(t=Sum("value")).values("t")[:1],
            output_field=total_field,
        )

    summer = total(summer_reads)
    peak = Coalesce(total(peak_reads), Value(Decimal(0)), output_field=total_field)
    return CustomerProfile.objects.update(
        yearly_kwh=Subquery(yearly, output_field=total_field),
        summer_peak_share=Case(
            When(GreaterThan(summer, Decimal(0)), then=Cast(peak / summer, share_field())),
            default=Value(None),
            output_field=share_field(),
        ),
        usage_computed_at=now,
    )


def share_field() -> DecimalField:
    return DecimalField(max_digits=5, decimal_places=4)


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
