"""Reads of carts, orders and enrolments, scoped by who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from billing.models import Customer
from billing.selectors import customer_list_for_user
from catalog.combinations import Problem, combination_problems
from catalog.eligibility import CustomerFacts, Verdict
from catalog.models import Bundle, BundleItem, Product
from catalog.selectors import (
    bundle_ref,
    bundle_verdict,
    combination_inputs,
    product_verdict,
)
from enrollment.fulfilment import fulfilment_handler, fulfilment_kinds
from enrollment.models import (
    OPEN_STATUSES,
    Cart,
    CartLine,
    CartStatus,
    Enrollment,
    EnrollmentStatusChange,
    Order,
)


def open_product_ids_at_premise(*, premise_id: int) -> set[int]:
    return set(
        Enrollment.objects.filter(premise_id=premise_id, status__in=OPEN_STATUSES).values_list(
            "product_id", flat=True
        )
    )


def facts_for_customer(*, customer: Customer) -> dict:
    """The catalog's facts provider: what the premise is enrolled in.

    Besides open enrolments, a program may take customers part without an
    order (Peak Time Rebates enrols by rate code and smart meter): a
    fulfilment handler with ``participating(customer, params)`` says so, and
    its products count as already enrolled.
    """
    product_ids = open_product_ids_at_premise(premise_id=customer.premise_id)
    return {"open_product_ids": frozenset(product_ids | _participating_product_ids(customer))}


def _participating_product_ids(customer: Customer) -> set[int]:
    kinds = [
        kind for kind in fulfilment_kinds() if hasattr(fulfilment_handler(kind), "participating")
    ]
    if not kinds:
        return set()
    found = set()
    for product_id, kind, params in Product.objects.filter(kind__in=kinds).values_list(
        "pk", "kind", "handler_params"
    ):
        if fulfilment_handler(kind).participating(customer, params or {}):
            found.add(product_id)
    return found


def cart_lines(*, cart: Cart) -> list[CartLine]:
    items = BundleItem.objects.select_related("product").prefetch_related("product__rules")
    return list(
        cart.lines.select_related("product__category", "bundle__category").prefetch_related(
            "product__rules",
            Prefetch("bundle__items", queryset=items),
            "bundle__rules",
            "bundle__additions",
        )
    )


@dataclass
class ReviewedLine:
    line: CartLine
    verdict: Verdict | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (self.verdict is None or self.verdict.eligible) and not self.problems


@dataclass
class CartReview:
    lines: list[ReviewedLine]
    problems: list[Problem]

    @property
    def ready(self) -> bool:
        return bool(self.lines) and all(r.ok for r in self.lines) and not self.problems

    @property
    def product_ids(self) -> set[int]:
        ids: set[int] = set()
        for reviewed in self.lines:
            line = reviewed.line
            if line.product_id:
                ids.add(line.product_id)
            else:
                ids.update(item.product_id for item in line.bundle.items.all())
        return ids


def selection_problems(
    *, products: list[Product], bundles: list[Bundle], enrolled_ids: set[int]
) -> list[Problem]:
    """The combination rules over a selection (2 queries)."""
    product_ids = [p.pk for p in products]
    refs = [bundle_ref(b) for b in bundles]
    every = set(product_ids)
    for ref in refs:
        every |= ref.product_ids
    inputs = combination_inputs(product_ids=every, enrolled_ids=enrolled_ids)
    return combination_problems(
        product_ids=product_ids,
        bundles=refs,
        catalog=inputs.catalog,
        relations=inputs.relations,
        enrolled_ids=frozenset(enrolled_ids),
    )


def cart_review(*, cart: Cart, facts: CustomerFacts | None) -> CartReview:
    """Each line's eligibility for the premise, and the combination problems."""
    lines = cart_lines(cart=cart)
    problems = selection_problems(
        products=[line.product for line in lines if line.product_id],
        bundles=[line.bundle for line in lines if line.bundle_id],
        enrolled_ids=set(facts.open_product_ids) if facts else set(),
    )
    reviewed = []
    for line in lines:
        verdict = None
        if facts is not None:
            if line.product_id:
                verdict = product_verdict(line.product, facts)
            else:
                verdict = bundle_verdict(line.bundle, facts)
        reviewed.append(ReviewedLine(line, verdict, [p for p in problems if line.key in p.lines]))
    line_keys = {line.key for line in lines}
    orphans = [p for p in problems if not set(p.lines) & line_keys]
    return CartReview(reviewed, orphans)


def cart_open_for_user(*, user) -> Cart | None:
    if not user.is_authenticated:
        return None
    return Cart.objects.filter(user=user, status=CartStatus.OPEN).first()


def order_list_for_user(*, user) -> QuerySet[Order]:
    customers = customer_list_for_user(user=user).values("pk")
    return (
        Order.objects.filter(customer__in=customers)
        .select_related("customer__premise")
        .prefetch_related(
            Prefetch("enrollments", queryset=Enrollment.objects.select_related("product"))
        )
        .order_by("-placed_at")
    )


def order_get_for_user(*, user, number: str) -> Order | None:
    customers = customer_list_for_user(user=user).values("pk")
    history = EnrollmentStatusChange.objects.order_by("at", "pk")
    lines = (
        Enrollment.objects.select_related("product__category", "bundle", "service_order")
        .prefetch_related(Prefetch("history", queryset=history))
        .order_by("pk")
    )
    return (
        Order.objects.filter(customer__in=customers, number=number)
        .select_related("customer__premise")
        .prefetch_related(Prefetch("enrollments", queryset=lines))
        .first()
    )


def enrollment_get_for_user(*, user, pk: int) -> Enrollment | None:
    customers = customer_list_for_user(user=user).values("pk")
    return (
        Enrollment.objects.filter(customer__in=customers, pk=pk)
        .select_related("order", "product", "customer__premise")
        .first()
    )


def enrollment_list_for_user(*, user) -> QuerySet[Enrollment]:
    customers = customer_list_for_user(user=user).values("pk")
    return (
        Enrollment.objects.filter(customer__in=customers)
        .select_related("order", "product__category", "customer__premise")
        .order_by("-status_changed_at")
    )
