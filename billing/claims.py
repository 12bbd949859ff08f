"""Linking a login to the utility account: proof of ownership from the bill.

The customer enters what is printed on the bill (account number, customer ID
or secondary ID) plus a second fact the utility holds: the service ZIP code
and last name, or the amount of the last bill. Only customers with an active
account can be claimed (an inactive account gives no web access).

Every attempt is logged (`ClaimAttempt`) and the log is the rate limit:
`MAX_FAILURES_PER_LOGIN` failures per login or `MAX_FAILURES_PER_IP` per IP
address in `FAILURE_WINDOW` refuse further attempts before anything is looked
up. The answer to the customer is the same whether the number does not exist,
belongs to a closed account or the second fact is wrong; staff see which in
the admin.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from billing.models import (
    AccessRole,
    Account,
    ClaimAttempt,
    ClaimMethod,
    ClaimOutcome,
    Customer,
    CustomerAccess,
    UsageValue,
)
from billing.periods import period_start

FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_IP = 20
FAILED = (ClaimOutcome.NO_MATCH, ClaimOutcome.SECOND_FACT)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ClaimRequest:
    identifier: str
    method: str
    zip_code: str = ""
    last_name: str = ""
    bill_amount: Decimal | None = None


@dataclass
class ClaimResult:
    outcome: str
    customers: list[Customer] = field(default_factory=list)

    @property
    def linked(self) -> bool:
        return self.outcome == ClaimOutcome.LINKED


def identifier_normalize(value: str) -> str:
    """Bills print numbers with spaces and dashes; compare without them."""
    return re.sub(r"[\s\-.]", "", value or "").upper()


def name_normalize(value: str) -> str:
    """Case, accents, spaces and punctuation do not matter: 'O’Brien' = 'obrien'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    letters = "".join(ch for ch in decomposed if ch.isalnum())
    return letters.casefold()


def amount_parse(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace("$", "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return amount.quantize(CENT) if amount.is_finite() else None


def claim_failures_recent(*, user, ip: str | None) -> tuple[int, int]:
    since = timezone.now() - FAILURE_WINDOW
    recent = ClaimAttempt.objects.filter(outcome__in=FAILED, created_at__gte=since)
    by_user = recent.filter(user=user).count()
    by_ip = recent.filter(ip=ip).count() if ip else 0
    return by_user, by_ip


def claim_is_rate_limited(*, user, ip: str | None) -> bool:
    by_user, by_ip = claim_failures_recent(user=user, ip=ip)
    return by_user >= MAX_FAILURES_PER_LOGIN or by_ip >= MAX_FAILURES_PER_IP


def _customers_by_identifier(identifier: str) -> list[Customer]:
    """Customers with an active account that the number on the bill names."""
    if not identifier:
        return []
    active = Account.objects.active().filter(customer=OuterRef("pk"))
    by_account = Account.objects.active().filter(
        customer=OuterRef("pk"), account_id__iexact=identifier
    )
    return list(
        Customer.objects.filter(Exists(active))
        .filter(
            Q(Exists(by_account))
            | Q(customer_id__iexact=identifier)
            | (Q(secondary_id__iexact=identifier) & ~Q(secondary_id=""))
        )
        .select_related("premise")
        .order_by("pk")
    )


def _last_bill_amounts(customer: Customer) -> set[Decimal]:
    """The latest usage charge on each active account, and their sum.

    Only periods inside the customer's own tenure count: the previous
    occupant's last bill proves nothing.
    """
    accounts = list(Account.objects.active().filter(customer=customer))
    latest = {}
    for account in accounts:
        periods = UsageValue.objects.filter(
            service_point_id=account.service_point_id,
            date_to__gte=account.active_date,
            usage_charge__isnull=False,
        ).order_by("-date_to")[:2]
        for period in periods:
            if period_start(period.date_to, period.duration) >= account.active_date:
                latest[account.service_point_id] = period.usage_charge.quantize(CENT)
                break
    amounts = set(latest.values())
    if len(latest) > 1:
        amounts.add(sum(latest.values(), Decimal(0)))
    return amounts


def second_fact_matches(customer: Customer, request: ClaimRequest) -> bool:
    if request.method == ClaimMethod.ZIP_AND_NAME:
        zip_given = re.sub(r"\D", "", request.zip_code or "")[:5]
        last_name = name_normalize(request.last_name)
        return (
            len(zip_given) == 5
            and bool(last_name)
            and customer.premise.zip_code[:5] == zip_given
            and name_normalize(customer.last_name) == last_name
        )
    if request.method == ClaimMethod.LAST_BILL:
        amount = amount_parse(request.bill_amount)
        return amount is not None and amount in _last_bill_amounts(customer)
    return False


@transaction.atomic
def account_claim(*, user, ip: str | None, request: ClaimRequest) -> ClaimResult:
    """Link `user` to the customers the bill's facts prove, as account holder.

    Several customers may match one claim (the same customer ID at two homes
    with the ZIP code given); each becomes a home in the login's switcher. A
    customer that already has an account holder is not taken over: the holder
    invites household members instead.
    """
    identifier = identifier_normalize(request.identifier)
    if claim_is_rate_limited(user=user, ip=ip):
        return _logged(user, ip, identifier, request, ClaimResult(ClaimOutcome.RATE_LIMITED))
    candidates = _customers_by_identifier(identifier)
    if not candidates:
        return _logged(user, ip, identifier, request, ClaimResult(ClaimOutcome.NO_MATCH))
    matched = [c for c in candidates if second_fact_matches(c, request)]
    if not matched:
        return _logged(user, ip, identifier, request, ClaimResult(ClaimOutcome.SECOND_FACT))
    owners = dict(
        CustomerAccess.objects.filter(customer__in=matched, role=AccessRole.OWNER).values_list(
            "customer_id", "user_id"
        )
    )
    linked = []
    for customer in matched:
        owner = owners.get(customer.pk)
        if owner is not None and owner != user.pk:
            continue
        CustomerAccess.objects.update_or_create(
            user=user, customer=customer, defaults={"role": AccessRole.OWNER}
        )
        linked.append(customer)
    outcome = ClaimOutcome.LINKED if linked else ClaimOutcome.ALREADY_LINKED
    return _logged(user, ip, identifier, request, ClaimResult(outcome, linked))


def _logged(user, ip, identifier, request: ClaimRequest, result: ClaimResult) -> ClaimResult:
    ClaimAttempt.objects.create(
        user=user,
        ip=ip,
        identifier=identifier[:64],
        method=request.method if request.method in ClaimMethod.values else ClaimMethod.LAST_BILL,
        outcome=result.outcome,
        customers_linked=len(result.customers),
    )
    return result
