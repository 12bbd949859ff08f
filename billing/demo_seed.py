"""Write the demo utility (billing.demo) to the database in bulk."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import connection, transaction

from billing import demo
from billing.bulk import copy_lines, rows_insert
from billing.models import (
    Account,
    Customer,
    IntervalRead,
    Premise,
    RateCode,
    ServicePoint,
    UsageUnit,
    UsageValue,
)


@dataclass
class SeedCounts:
    premises: int = 0
    customers: int = 0
    service_points: int = 0
    accounts: int = 0
    usage_values: int = 0
    interval_reads: int = 0


class DemoDataExistsError(Exception):
    pass


def demo_data_seed(
    *,
    plan: demo.DemoPlan,
    batch_size: int = 1000,
    progress: Callable[[int, SeedCounts], None] | None = None,
) -> SeedCounts:
    """Generate the demo utility in one transaction and return what was written."""
    if Customer.objects.exists():
        raise DemoDataExistsError(
            "The database already holds customers; use --reset to replace them."
        )
    counts = SeedCounts()
    slots = demo.hourly_slots(plan) if plan.interval_days else []
    with transaction.atomic():
        rates = _rate_codes_ensure()
        for start in range(0, plan.customers, batch_size):
            stop = min(start + batch_size, plan.customers)
            premises = list(demo.premises_generate(plan, start, stop))
            _batch_write(plan, premises, rates, slots, counts)
            if progress:
                progress(stop, counts)
    return counts


def demo_data_reset() -> None:
    """Delete every premise and everything that hangs off one (demo databases only).

    Rows of other apps that refer to customers (enrollments, messages...) go
    too, found from the model graph so new apps need no change here.
    """
    tables = [model._meta.db_table for model in _models_depending_on(Premise)]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred; settle pending checks first.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
        else:
            cursor.execute("PRAGMA defer_foreign_keys = ON")
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608


def _models_depending_on(root) -> list:
    """`root` and every model that refers to it, directly or through others."""
    found = [root]
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in found:
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model in found:
                    found.append(model)
                    changed = True
                    break
    return found


def _rate_codes_ensure() -> dict[str, RateCode]:
    rates = {}
    for code, description, allowlisted, reason, net_metering, _price in demo.RATE_CODES:
        rates[code], _ = RateCode.objects.get_or_create(
            code=code,
            defaults={
                "description": description,
                "is_allowlisted": allowlisted,
                "exclusion_reason": reason,
                "is_net_metering": net_metering,
            },
        )
    return rates


def _batch_write(plan, premises, rates, slots, counts: SeedCounts) -> None:
    premise_rows = Premise.objects.bulk_create(
        Premise(
            premise_id=p.premise_id,
            house_number=p.house_number,
            street_name=p.street_name,
            unit=p.unit,
            city=p.city,
            state=p.state,
            zip_code=p.zip_code,
            square_feet=p.square_feet,
            dwelling_type=p.dwelling_type,
            heating_fuel=p.heating_fuel,
            year_built=p.year_built,
            latitude=p.latitude,
            longitude=p.longitude,
        )
        for p in premises
    )
    customer_objects = []
    sp_objects = []
    for premise, row in zip(premises, premise_rows, strict=True):
        for c in premise.customers:
            customer_objects.append(
                Customer(
                    customer_id=c.customer_id,
                    premise=row,
                    secondary_id=c.secondary_id,
                    first_name=c.first_name,
                    last_name=c.last_name,
                    customer_type=c.customer_type,
                    language=c.language,
                    email=c.email,
                    phone=c.phone,
                )
            )
        for sp in premise.service_points:
            sp_objects.append(
                ServicePoint(
                    service_point_id=sp.service_point_id,
                    premise=row,
                    fuel=sp.fuel,
                    meter_id=sp.meter_id,
                    meter_type=sp.meter_type,
                )
            )
    customers = Customer.objects.bulk_create(customer_objects)
    service_points = ServicePoint.objects.bulk_create(sp_objects)
    customer_by_key = {(c.premise_id, c.customer_id): c for c in customers}
    sp_by_id = {sp.service_point_id: sp for sp in service_points}

    account_objects = []
    usage_rows = []
    for premise, row in zip(premises, premise_rows, strict=True):
        current_cycle = {}
        for account in premise.accounts:
            customer_id = f"C{2000000 + account.customer_key}"
            account_objects.append(
                Account(
                    account_id=account.account_id,
                    customer=customer_by_key[(row.pk, customer_id)],
                    service_point=sp_by_id[account.service_point_id],
                    active_date=account.active_date,
                    inactive_date=account.inactive_date,
                    rate_code=rates[account.rate_code],
                    read_cycle=account.read_cycle,
                )
            )
            if account.inactive_date is None:
                current_cycle[account.service_point_id] = (account.read_cycle, account.rate_code)
        for sp in premise.service_points:
            cycle, rate = current_cycle[sp.service_point_id]
            unit = UsageUnit.KWH if sp.fuel == "electric" else UsageUnit.THERM
            sp_pk = sp_by_id[sp.service_point_id].pk
            for date_to, duration, usage, flag in demo.billing_periods(plan, premise, sp, cycle):
                usage_rows.append(
                    (sp_pk, date_to, duration, usage, demo.usage_charge(rate, usage), flag, unit)
                )
    Account.objects.bulk_create(account_objects)
    counts.premises += len(premise_rows)
    counts.customers += len(customers)
    counts.service_points += len(service_points)
    counts.accounts += len(account_objects)
    counts.usage_values += _usage_write(usage_rows)
    if slots:
        ami = [
            (sp_by_id[sp.service_point_id].pk, sp)
            for p in premises
            for sp in p.service_points
            if sp.meter_type == "ami"
        ]
        counts.interval_reads += _interval_write(plan, ami, slots)


def _usage_write(rows) -> int:
    from django.utils import timezone

    now = timezone.now()
    return rows_insert(
        table=UsageValue._meta.db_table,
        columns=[
            "service_point_id",
            "date_to",
            "duration",
            "usage_value",
            "usage_charge",
            "is_estimate",
            "unit",
            "created_at",
            "updated_at",
        ],
        rows=((*row, now, now) for row in rows),
    )


def _interval_write(plan, ami, slots) -> int:
    table = IntervalRead._meta.db_table
    columns = ["service_point_id", "interval_end", "interval_minutes", "value", "is_estimate"]
    count = 0
    if connection.vendor == "postgresql":

        def lines():
            nonlocal count
            for pk, sp in ami:
                for stamp, value in demo.hourly_values(plan, sp, slots):
                    count += 1
                    yield f"{pk}\t{stamp}\t60\t{value:.4f}\tf\n"

        copy_lines(table=table, columns=columns, lines=lines())
        return count
    return rows_insert(
        table=table,
        columns=columns,
        rows=(
            (pk, stamp.replace("+00", ""), 60, f"{value:.4f}", False)
            for pk, sp in ami
            for stamp, value in demo.hourly_values(plan, sp, slots)
        ),
    )
