from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.functions import TransactionNow
from django.db import models
from django.db.models import F, Func, ProtectedError, Q
from django.utils.translation import gettext_lazy as _

from billing.periods import period_start
from portal.db import TimeStampedModel

# The file format's ceiling for a usage value (domain-facts §1.3).
USAGE_VALUE_MAX = Decimal("999999999")
INTERVAL_MINUTES = (5, 15, 30, 60, 1440)


class EstimateFlag(models.TextChoices):
    ACTUAL = "A", _("Actual")
    ESTIMATED = "E", _("Estimated")
    USER_REPORTED = "U", _("Customer-reported (estimated)")


class UsageUnit(models.TextChoices):
    KWH = "kWh", _("kWh")
    THERM = "therm", _("therms")
    CCF = "ccf", _("CCF")
    GALLON = "gal", _("gallons")


def protect_if_any(collector, field, sub_objs, using):
    """`PROTECT` that asks whether one row refers to the object instead of
    loading every one (a service point can have millions of reads)."""
    first = list(sub_objs[:1])
    if first:
        raise ProtectedError(
            f"Cannot delete: {field.model._meta.verbose_name_plural} refer to it "
            f"({field.model.__name__}.{field.name}).",
            first,
        )


# Django calls it without evaluating `sub_objs` first (the query is ours).
protect_if_any.lazy_sub_objs = True


class PeriodStart(Func):
    """The first day of a billing period in SQL: date_to - duration + 1."""

    output_field = models.DateField()

    def __init__(self, date_to="date_to", duration="duration"):
        super().__init__(F(date_to), F(duration))

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.get_source_expressions()[0])
        days_sql, days_params = compiler.compile(self.get_source_expressions()[1])
        params = (*date_params, *days_params)
        if connection.vendor == "sqlite":
            return f"date({date_sql}, '-' || ({days_sql} - 1) || ' days')", params
        return f"({date_sql} - ({days_sql} - 1))", params


class UsageValueQuerySet(models.QuerySet):
    def visible_to_account(self, account) -> models.QuerySet:
        """The periods billed under `account`: on its service point, starting
        on or after its active_date and (if closed) ending by its
        inactive_date. A new occupant's account never shows the previous
        occupant's usage (seed 002, "Never modify the active_date")."""
        periods = self.filter(service_point_id=account.service_point_id).alias(
            period_start=PeriodStart()
        )
        periods = periods.filter(period_start__gte=account.active_date)
        if account.inactive_date is not None:
            periods = periods.filter(date_to__lte=account.inactive_date)
        return periods


class UsageValue(TimeStampedModel):
    """A billed period of usage on a service point.

    Only usage-dependent charges belong in `usage_charge`: customers are shown
    costs they can control (seed 002, "Usage Charge").
    """

    # The database fills the time stamps (with the transaction's start) when
    # a bulk load leaves them out: parsing two time stamps a row is a third
    # of what PostgreSQL spends storing a file of usage (billing_direct.py).
    # The ORM still sets them.
    created_at = models.DateTimeField(auto_now_add=True, db_default=TransactionNow())
    updated_at = models.DateTimeField(auto_now=True, db_default=TransactionNow())
    # A service point with usage is never deleted: its ID is permanent (seed
    # 002). No database foreign key: PostgreSQL checks one row at a time at
    # commit, more than half of what storing a file of usage costs. The ORM
    # refuses the delete (protect_if_any) and, on PostgreSQL, a trigger on
    # billing_servicepoint does (migration 0005; docs/data-model.md).
    # No index of its own: the unique period key starts with it.
    service_point = models.ForeignKey(
        "billing.ServicePoint",
        on_delete=protect_if_any,
        related_name="usage_values",
        db_constraint=False,
        db_index=False,
    )
    date_to = models.DateField(_("last day billed"))
    duration = models.PositiveSmallIntegerField(_("days"))
    usage_value = models.DecimalField(_("usage"), max_digits=15, decimal_places=3)
    usage_charge = models.DecimalField(
        _("usage charge"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_estimate = models.CharField(
        _("estimate"), max_length=1, choices=EstimateFlag.choices, default=EstimateFlag.ESTIMATED
    )
    unit = models.CharField(_("unit"), max_length=8, choices=UsageUnit.choices)

    objects = UsageValueQuerySet.as_manager()

    class Meta:
        verbose_name = _("usage value")
        verbose_name_plural = _("usage values")
        constraints = [
            # A second row for exactly the same days is a correction: it
            # replaces the first rather than adding to it.
            models.UniqueConstraint(
                fields=["service_point", "date_to", "duration"], name="usagevalue_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(duration__gte=1), name="usagevalue_duration_positive"
            ),
            models.CheckConstraint(
                condition=Q(usage_value__lte=USAGE_VALUE_MAX)
                & Q(usage_value__gte=-USAGE_VALUE_MAX),
                name="usagevalue_value_within_limit",
            ),
            models.CheckConstraint(
                condition=Q(is_estimate__in=EstimateFlag.values), name="usagevalue_estimate_flag"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_point_id}: {self.start_date}–{self.date_to}"

    @property
    def start_date(self) -> date:
        return period_start(self.date_to, self.duration)

    @property
    def is_estimated(self) -> bool:
        """User-reported reads count as estimates (domain-facts §1.3)."""
        return self.is_estimate != EstimateFlag.ACTUAL


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


class IntervalReadQuerySet(models.QuerySet):
    def visible_to_account(self, account) -> models.QuerySet:
        """Reads of `account`'s service point that end within its tenure
        (from its active_date to its inactive_date, local days)."""
        reads = self.filter(
            service_point_id=account.service_point_id,
            interval_end__gt=_local_midnight(account.active_date),
        )
        if account.inactive_date is not None:
            reads = reads.filter(
                interval_end__lte=_local_midnight(account.inactive_date + timedelta(days=1))
            )
        return reads


class IntervalRead(models.Model):
    """One AMI read. Built for hundreds of millions of rows on PostgreSQL.

    The primary key (service point, interval end) is the index the common
    query needs (one service point, a time range) and the natural key that
    makes a repeated read a correction. No surrogate id, no timestamps: every
    byte is paid once per read. See docs/data-model.md for partitioning.
    """

    pk = models.CompositePrimaryKey("service_point", "interval_end")
    # No database foreign key (as for UsageValue): its row-by-row checks were
    # two thirds of what storing an interval file cost. Protected by the ORM
    # and a trigger on billing_servicepoint instead (docs/data-model.md).
    service_point = models.ForeignKey(
        "billing.ServicePoint",
        on_delete=protect_if_any,
        related_name="interval_reads",
        db_index=False,
        db_constraint=False,
    )
    interval_end = models.DateTimeField(_("interval end (UTC)"))
    interval_minutes = models.PositiveSmallIntegerField(_("interval minutes"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=4)
    is_estimate = models.BooleanField(_("estimated"), default=False)

    objects = IntervalReadQuerySet.as_manager()

    class Meta:
        verbose_name = _("interval read")
        verbose_name_plural = _("interval reads")
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_minutes__in=INTERVAL_MINUTES),
                name="intervalread_minutes_supported",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.service_point_id} @ {self.interval_end:%Y-%m-%d %H:%M}Z"
