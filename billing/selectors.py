"""Reads of the utility data, each scoped by who is asking."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from billing.models import Account, Customer, IntervalRead, ServicePoint


def customer_list_for_user(*, user) -> QuerySet[Customer]:
    """Customers (a person at a premise) this login may see on the web.

    A customer whose accounts are all inactive has no web access (seed 002:
    a non-null inactive_date discontinues web access).
    """
    if not user.is_authenticated:
        return Customer.objects.none()
    active = Account.objects.active().filter(customer=OuterRef("pk"))
    return (
        Customer.objects.filter(accesses__user=user)
        .filter(Exists(active))
        .select_related("premise")
        .order_by("premise__premise_id", "customer_id")
    )


def interval_read_page(
    *, service_point: ServicePoint, before=None, limit: int = 96
) -> list[IntervalRead]:
    """The latest reads of a service point, newest first, by keyset."""
    reads = IntervalRead.objects.filter(service_point=service_point)
    if before is not None:
        reads = reads.filter(interval_end__lt=before)
    return list(reads.order_by("-interval_end")[:limit])


SESSION_CUSTOMER_KEY = "billing.customer_pk"


def customers_for_request(*, request) -> list[Customer]:
    """`customer_list_for_user` for the request's login, read once per request.

    The header's switcher and the page both need it; the list is short (the
    login's own homes).
    """
    cached = getattr(request, "_billing_customers", None)
    if cached is None:
        cached = list(customer_list_for_user(user=request.user))
        request._billing_customers = cached
    return cached


def customer_current_for_request(*, request) -> Customer | None:
    """The customer-premise the signed-in login is looking at.

    The premise switcher stores the choice in the session; a choice the login
    can no longer see (access removed, accounts closed) falls back to its
    first customer, so no page can be steered to someone else's data.
    """
    customers = customers_for_request(request=request)
    chosen = request.session.get(SESSION_CUSTOMER_KEY)
    if chosen is not None:
        customer = next((c for c in customers if c.pk == chosen), None)
        if customer is not None:
            return customer
    return customers[0] if customers else None


def customer_current_set(*, request, customer_pk: int) -> Customer | None:
    """Switch to another of the login's customers; None if it is not theirs."""
    customer = customer_list_for_user(user=request.user).filter(pk=customer_pk).first()
    if customer is not None and request.session.get(SESSION_CUSTOMER_KEY) != customer.pk:
        request.session[SESSION_CUSTOMER_KEY] = customer.pk
    return customer


def premise_choices_for_request(*, request) -> tuple[list, object | None]:
    """The login's distinct premises and the one the switcher is on (the contact form)."""
    premises: dict = {}
    for customer in customers_for_request(request=request):
        premises.setdefault(customer.premise.pk, customer.premise)
    current = customer_current_for_request(request=request)
    return list(premises.values()), (current.premise if current is not None else None)
