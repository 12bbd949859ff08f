"""Demo enrolments and home profiles, so recommendations have peers to cite.

Deterministic and idempotent: customers are picked by their position in
customer-id order; existing open enrolments are left alone.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from billing.models import Customer
from catalog.models import Product
from enrollment import workflow
from enrollment.models import OPEN_STATUSES, Enrollment, EnrollmentStatusChange, Order, Status
from enrollment.services import _number
from segments.models import CustomerProfile

# (every nth residential customer, offset, product slug)
PEER_PLAN = [
    (4, 1, "paperless-billing"),
    (6, 2, "peak-time-rebates"),
    (7, 3, "smart-thermostat-rebate"),
    (9, 4, "time-of-use-rate"),
    (11, 5, "green-power-100"),
    (8, 6, "autopay"),
    (13, 7, "budget-billing"),
]


@transaction.atomic
def demo_profiles_seed() -> int:
    """Give about a tenth of customers an EV, solar or income qualification."""
    customers = list(Customer.objects.order_by("customer_id", "pk").values_list("pk", flat=True))
    count = 0
    for position, pk in enumerate(customers):
        flags = {
            "owns_ev": position % 9 == 3,
            "owns_solar": position % 17 == 5,
            "owns_agricultural_pump": position % 41 == 7,
            "income_qualified": position % 8 == 2,
        }
        profile, _ = CustomerProfile.objects.get_or_create(customer_id=pk)
        # The demo customer (first in order) owns an EV, to show the EV rate.
        if position == 0:
            flags.update(owns_ev=True, income_qualified=False)
        for name, value in flags.items():
            setattr(profile, name, value)
        profile.income_verified_on = (
            timezone.localdate() - timedelta(days=90) if profile.income_qualified else None
        )
        profile.save()
        count += 1
    return count


@transaction.atomic
def demo_enrollments_seed() -> int:
    """Active enrolments for a spread of residential customers (placed by staff)."""
    staff = get_user_model().objects.filter(is_staff=True).order_by("pk").first()
    if staff is None:
        return 0
    products = {p.slug: p for p in Product.objects.filter(slug__in=[s for *_, s in PEER_PLAN])}
    customers = list(
        Customer.objects.filter(customer_type="residential", accounts__inactive_date__isnull=True)
        .exclude(customer_id="C2000000")
        .distinct()
        .order_by("customer_id", "pk")
        .select_related("premise")
    )
    open_pairs = set(
        Enrollment.objects.filter(status__in=OPEN_STATUSES).values_list("premise_id", "product_id")
    )
    created = 0
    now = timezone.now()
    for every, offset, slug in PEER_PLAN:
        product = products.get(slug)
        if product is None:
            continue
        for position, customer in enumerate(customers):
            if position % every != offset or (customer.premise_id, product.pk) in open_pairs:
                continue
            placed = now - timedelta(days=10 + position % 60)
            order = Order.objects.create(
                number=_number("EN"),
                user=staff,
                customer=customer,
                terms_accepted_at=placed,
                placed_at=placed,
            )
            enrollment = Enrollment.objects.create(
                order=order,
                customer=customer,
                premise=customer.premise,
                product=product,
                status=Status.ACTIVE,
                status_changed_at=placed,
                fulfilment=product.fulfilment,
            )
            EnrollmentStatusChange.objects.bulk_create(
                [
                    EnrollmentStatusChange(
                        enrollment=enrollment, from_status="", to_status=Status.SUBMITTED,
                        at=placed, by=staff, actor=workflow.STAFF, note="Demo data",
                    ),
                    EnrollmentStatusChange(
                        enrollment=enrollment, from_status=Status.SUBMITTED,
                        to_status=Status.ACTIVE, at=placed, by=staff, actor=workflow.STAFF,
                    ),
                ]
            )  # fmt: skip
            open_pairs.add((customer.premise_id, product.pk))
            created += 1
    return created
