"""Reads of segments and customer profiles."""

from __future__ import annotations

from django.db.models import QuerySet

from billing.models import Customer
from segments.models import CustomerProfile, Segment, SegmentMembership


def segment_ids_for_customer(*, customer: Customer) -> set[int]:
    return set(
        SegmentMembership.objects.filter(customer=customer, segment__is_active=True).values_list(
            "segment_id", flat=True
        )
    )


def segment_member_preview(*, segment: Segment, limit: int = 25) -> QuerySet[Customer]:
    return (
        Customer.objects.filter(segment_memberships__segment=segment)
        .select_related("premise")
        .order_by("customer_id")[:limit]
    )


def customer_profile_get(*, customer: Customer) -> CustomerProfile:
    """The customer's profile; an unsaved blank one if none exists yet."""
    try:
        return customer.profile
    except CustomerProfile.DoesNotExist:
        return CustomerProfile(customer=customer)
