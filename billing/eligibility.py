"""Who may receive what: web access, communications, reports, neighbor comparison.

The rules come from the data model (seed 002) and are applied the same way
for one customer (with every reason, for customer service) and for a whole
population (a queryset, for fan-outs such as peak-event messages):

- web access: at least one active account (a non-null `inactive_date` ends
  web access and communications for that account);
- communications: web access, and no eligibility hold in force (a gap or
  overlap in billed usage holds communications for two years);
- reports: communications, and every active account on an allowlisted rate
  (the allowlist excludes e.g. medical rates);
- neighbor comparison: reports, active accounts at no more than two premises
  (more suggests a property manager), and no net-metering (solar) rate.

Each purpose includes the ones before it, so a reason is listed under every
purpose it blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Account, Customer, EligibilityHold, Purpose

MAX_PREMISES_FOR_NEIGHBOR_COMPARISON = 2

# Each purpose requires the purposes listed before it.
PURPOSE_ORDER = [Purpose.WEB, Purpose.COMMUNICATIONS, Purpose.REPORTS, Purpose.NEIGHBOR_COMPARISON]


@dataclass(frozen=True)
class Reason:
    code: str
    message: str
    since: date | None = None
    until: date | None = None


@dataclass
class Decision:
    purpose: str
    reasons: list[Reason] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.reasons


@dataclass
class CustomerEligibility:
    customer: Customer
    on: date
    decisions: dict[str, Decision]

    def is_eligible(self, purpose: str) -> bool:
        return self.decisions[purpose].eligible


def customer_eligibility(*, customer: Customer, on: date | None = None) -> CustomerEligibility:
    """Every purpose for one customer, with each reason that blocks it."""
    on = on or timezone.localdate()
    accounts = list(
        Account.objects.filter(customer=customer).select_related("rate_code", "service_point")
    )
    active = [a for a in accounts if a.inactive_date is None]
    own_reasons: dict[str, list[Reason]] = {purpose: [] for purpose in PURPOSE_ORDER}

    if not accounts:
        own_reasons[Purpose.WEB].append(Reason("no_account", _("No account on file.")))
    elif not active:
        closed = max(a.inactive_date for a in accounts)
        own_reasons[Purpose.WEB].append(
            Reason(
                "accounts_closed",
                _("All accounts closed (last on %(day)s).") % {"day": closed},
                since=closed,
            )
        )

    holds = EligibilityHold.objects.filter(customer=customer, starts_on__lte=on, ends_on__gt=on)
    for hold in holds.order_by("starts_on"):
        message = hold.get_reason_display()
        if hold.detail:
            message = f"{message}: {hold.detail}"
        own_reasons[hold.purpose].append(
            Reason(hold.reason, message, since=hold.starts_on, until=hold.ends_on)
        )

    for account in active:
        rate = account.rate_code
        if not rate.is_allowlisted:
            own_reasons[Purpose.REPORTS].append(
                Reason(
                    "rate_not_allowlisted",
                    _("Account %(account)s is on rate %(rate)s, which is not eligible (%(why)s).")
                    % {
                        "account": account.account_id,
                        "rate": rate.code,
                        "why": rate.exclusion_reason,
                    },
                    since=account.active_date,
                )
            )
        if rate.is_net_metering:
            own_reasons[Purpose.NEIGHBOR_COMPARISON].append(
                Reason(
                    "net_metering",
                    _("Account %(account)s is on net-metering rate %(rate)s (self-generation).")
                    % {"account": account.account_id, "rate": rate.code},
                )
            )

    premises = (
        Account.objects.active()
        .filter(customer__customer_id=customer.customer_id)
        .values("customer__premise")
        .distinct()
        .count()
    )
    if premises > MAX_PREMISES_FOR_NEIGHBOR_COMPARISON:
        own_reasons[Purpose.NEIGHBOR_COMPARISON].append(
            Reason(
                "too_many_premises",
                _("Active accounts at %(n)d premises (more than %(max)d).")
                % {"n": premises, "max": MAX_PREMISES_FOR_NEIGHBOR_COMPARISON},
            )
        )

    decisions = {}
    inherited: list[Reason] = []
    for purpose in PURPOSE_ORDER:
        inherited = inherited + own_reasons[purpose]
        decisions[purpose] = Decision(purpose=purpose, reasons=list(inherited))
    return CustomerEligibility(customer=customer, on=on, decisions=decisions)


def customers_eligible(
    *, purpose: str, on: date | None = None, customers: QuerySet[Customer] | None = None
) -> QuerySet[Customer]:
    """The customers eligible for `purpose`, as one query (for fan-outs)."""
    on = on or timezone.localdate()
    customers = Customer.objects.all() if customers is None else customers
    level = PURPOSE_ORDER.index(purpose)

    active = Account.objects.active().filter(customer=OuterRef("pk"))
    customers = customers.filter(Exists(active))
    if level >= PURPOSE_ORDER.index(Purpose.COMMUNICATIONS):
        held_purposes = PURPOSE_ORDER[1 : level + 1]
        holds = EligibilityHold.objects.filter(
            customer=OuterRef("pk"), purpose__in=held_purposes, starts_on__lte=on, ends_on__gt=on
        )
        customers = customers.exclude(Exists(holds))
    if level >= PURPOSE_ORDER.index(Purpose.REPORTS):
        customers = customers.exclude(Exists(active.filter(rate_code__is_allowlisted=False)))
    if level >= PURPOSE_ORDER.index(Purpose.NEIGHBOR_COMPARISON):
        customers = customers.exclude(Exists(active.filter(rate_code__is_net_metering=True)))
        premise_count = (
            Account.objects.active()
            .filter(customer__customer_id=OuterRef("customer_id"))
            .values("customer__customer_id")
            .annotate(n=Count("customer__premise", distinct=True))
            .values("n")
        )
        customers = customers.annotate(
            _active_premises=Coalesce(Subquery(premise_count), 0)
        ).filter(~Q(_active_premises__gt=MAX_PREMISES_FOR_NEIGHBOR_COMPARISON))
    return customers
