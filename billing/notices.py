"""What a data-file import tells people, through notifications.

Run by `billing.services.data_file_import` after the import's transaction
commits (a rejected or failed import rolled its data back, but its run is
kept, and staff hear about it):

- a billing file's customers get their e-mail and phone on file registered
  as contact points, in bulk, so customers who never logged in can be
  reached (peak-event alerts, bills);
- each customer with a genuinely new, recent bill hears "your bill is
  ready" once per bill date;
- a rejected or failed run alerts the staff group in charge of imports.

Consent is separate from contact points: addresses are recorded for every
customer in the file (inactive or held ones too), while messages go only to
customers eligible for communications, and notifications' own rules
(opt-outs, preferences, double opt-in, quiet hours) decide each channel.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from billing.eligibility import customers_eligible
from billing.importers.billing_apply import NewBillingPeriods
from billing.models import Account, Customer, ImportRun, ImportStatus, Purpose
from billing.recipients import customers_contact_points_register, recipient_for_customer
from notifications import topics
from notifications.recipients import STAFF_PREFIX, Recipient
from notifications.services import notify, notify_bulk

logger = logging.getLogger(__name__)

DEFAULT_BILL_READY_MAX_AGE_DAYS = 45
DEFAULT_IMPORT_ALERT_GROUP = "Data administrator"  # users.roles.DATA_ADMINISTRATOR
# "Bill ready" goes to customers eligible for reports: communications (an
# active account, no gap/overlap hold) and every active account on an
# allowlisted rate (the allowlist excludes e.g. medical rates).
BILL_READY_PURPOSE = Purpose.REPORTS
# Customers read per query (SQLite limits the placeholders of one IN list).
CHUNK = 5000
FAILED_STATUSES = (ImportStatus.REJECTED, ImportStatus.FAILED)


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _absolute(path: str) -> str:
    return settings.NOTIFICATIONS_BASE_URL.rstrip("/") + path


@dataclass
class BillReadyCounts:
    periods: int = 0
    no_customer: int = 0
    not_recent: int = 0
    not_active: int = 0
    ineligible: int = 0
    notified: int = 0  # customers given to notify_bulk (one per bill date)
    messages_created: int = 0


def billing_import_followup(
    *, run_pk: int, customer_pks: Sequence[int], billing_periods: Sequence[NewBillingPeriods]
) -> None:
    """After a billing import committed: contact points, then "bill ready"
    (so a customer registered by this file can hear about this bill).

    Runs as a Celery task (billing.tasks), off the import's own time; both
    steps are idempotent, so a retried task sends nothing twice.
    """
    if customer_pks:
        registered = customers_contact_points_register(customer_pks=customer_pks)
        logger.info("Import #%s: contact points %s", run_pk, registered)
    if billing_periods:
        counts = bill_ready_notify(billing_periods=billing_periods)
        logger.info("Import #%s: bill ready %s", run_pk, counts)


def periods_to_json(billing_periods: Sequence[NewBillingPeriods]) -> list[list]:
    """The signal's entries as plain lists, for a task's JSON arguments."""
    return [
        [p.service_point_pk, p.customer_pk, p.periods, p.latest_date_to.isoformat()]
        for p in billing_periods
    ]


def periods_from_json(rows: Sequence[Sequence]) -> list[NewBillingPeriods]:
    return [
        NewBillingPeriods(
            service_point_pk=sp,
            customer_pk=customer,
            periods=n,
            latest_date_to=date.fromisoformat(day),
        )
        for sp, customer, n, day in rows
    ]


def bill_ready_max_age_days() -> int:
    return int(
        getattr(settings, "BILLING_BILL_READY_MAX_AGE_DAYS", DEFAULT_BILL_READY_MAX_AGE_DAYS)
    )


def bill_ready_notify(
    *,
    billing_periods: Sequence[NewBillingPeriods],
    today: date | None = None,
) -> BillReadyCounts:
    """Tell each customer with a new bill that it is ready.

    `billing_periods` are the `usage_imported` signal's entries: only periods
    the import created (a correction re-sent updates a period and is not
    listed). A period is announced when it ended within the last
    BILLING_BILL_READY_MAX_AGE_DAYS days (loading years of history sends
    nothing old), to the customer whose *active* account covers it, if that
    customer is eligible. One message per customer and bill date: a
    customer is one person at one premise, so electric and gas billed on the
    same day are one message; the idempotency key
    `bill_ready:<date_to>:customer:<pk>` makes a re-import (or --force) send
    nothing again.
    """
    today = today or timezone.localdate()
    oldest = today - timedelta(days=bill_ready_max_age_days())
    counts = BillReadyCounts(periods=len(billing_periods))
    recent = []
    for entry in billing_periods:
        if entry.customer_pk is None:
            counts.no_customer += 1  # no account covers the period
        elif not oldest <= entry.latest_date_to <= today:
            counts.not_recent += 1
        else:
            recent.append(entry)
    if not recent:
        return counts

    service_points = sorted({entry.service_point_pk for entry in recent})
    active: dict[int, int] = {}
    for chunk in _chunks(service_points):
        active.update(
            Account.objects.active()
            .filter(service_point_id__in=chunk)
            .values_list("service_point_id", "customer_id")
        )
    candidates = sorted(
        {e.customer_pk for e in recent if active.get(e.service_point_pk) == e.customer_pk}
    )
    eligible: dict[int, Customer] = {}
    for chunk in _chunks(candidates):
        selected = customers_eligible(
            purpose=BILL_READY_PURPOSE, on=today, customers=Customer.objects.filter(pk__in=chunk)
        ).only("pk", "customer_id", "secondary_id", "first_name", "last_name", "language")
        eligible.update((customer.pk, customer) for customer in selected)

    bills: dict[date, set[int]] = defaultdict(set)
    for entry in recent:
        if active.get(entry.service_point_pk) != entry.customer_pk:
            counts.not_active += 1
        elif entry.customer_pk not in eligible:
            counts.ineligible += 1
        else:
            bills[entry.latest_date_to].add(entry.customer_pk)

    bill_url = _absolute(reverse("home"))
    for day, customer_pks in sorted(bills.items()):
        period_end = {}
        for language in {settings.LANGUAGE_CODE, *(code for code, _name in settings.LANGUAGES)}:
            with translation.override(language):
                period_end[language] = date_format(day, "DATE_FORMAT")
        items = []
        for pk in sorted(customer_pks):
            customer = eligible[pk]
            recipient = recipient_for_customer(customer)
            context = {
                "account": customer.masked_id,
                "period_end": period_end.get(
                    recipient.language, period_end[settings.LANGUAGE_CODE]
                ),
                "bill_url": bill_url,
            }
            items.append((recipient, context))
        result = notify_bulk(
            topic=topics.BILL_READY, items=items, idempotency_key=f"bill_ready:{day.isoformat()}"
        )
        counts.notified += len(items)
        counts.messages_created += result.created
    return counts


def import_alert_group() -> str:
    return getattr(settings, "BILLING_IMPORT_ALERT_GROUP", DEFAULT_IMPORT_ALERT_GROUP)


def import_failure_alert(*, run_pk: int) -> None:
    """Alert staff that an import ended rejected or failed (once per run)."""
    run = ImportRun.objects.filter(pk=run_pk).first()
    group = import_alert_group()
    if run is None or run.status not in FAILED_STATUSES or not group:
        return
    context = {
        "file_name": run.file_name,
        "kind": run.get_kind_display(),
        "status": str(run.get_status_display()).lower(),
        "error": run.message,
        "rows": f"{run.rows_total:,}",
        "rejected": f"{run.rejected:,}",
        "url": _absolute(reverse("admin:billing_importrun_change", args=[run.pk])),
    }
    notify(
        recipient=Recipient(key=f"{STAFF_PREFIX}{group}", name=group),
        topic=topics.STAFF_IMPORT_FAILED,
        context=context,
        idempotency_key=f"import_failed:{run.pk}",
    )
