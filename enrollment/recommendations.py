"""What else to suggest at checkout and on the order page.

Two sources, in this order:

1. product relations of what is in the cart or enrolled at the premise
   ("requires" first, then "upgrade to", then "also consider");
2. customers like you: the programs most enrolled (approved or active) by
   other customers who share a segment with this one ("customers like you
   also enrolled in…"), or, for a customer in no segment, by customers of
   the same type in the same ZIP code.

Only published products the customer is eligible for and has not chosen are
suggested. A fixed number of queries whatever the catalog's size.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.models import Customer
from catalog.eligibility import CustomerFacts
from catalog.models import Product, ProductRelation, RelationKind
from catalog.selectors import product_verdict
from enrollment.models import Enrollment, Status

RELATION_ORDER = [RelationKind.REQUIRES, RelationKind.UPGRADE_TO, RelationKind.ALSO_CONSIDER]


@dataclass
class Recommendation:
    product: Product
    reason: str
    source: str  # "relation" | "peers"


def recommendations_for(
    *,
    customer: Customer,
    facts: CustomerFacts,
    chosen_ids: set[int],
    limit: int = 4,
) -> list[Recommendation]:
    exclude = set(chosen_ids) | set(facts.open_product_ids)
    anchors = set(chosen_ids) | set(facts.open_product_ids)
    reasons: dict[int, tuple[str, str]] = {}

    relations = (
        ProductRelation.objects.filter(from_product_id__in=anchors, kind__in=RELATION_ORDER)
        .exclude(to_product_id__in=exclude)
        .select_related("from_product")
        .order_by("pk")
    )
    for relation in sorted(relations, key=lambda r: RELATION_ORDER.index(r.kind)):
        if relation.to_product_id in reasons:
            continue
        text = relation.note or {
            RelationKind.REQUIRES: _("Needed for %(p)s."),
            RelationKind.UPGRADE_TO: _("An upgrade from %(p)s."),
            RelationKind.ALSO_CONSIDER: _("Goes well with %(p)s."),
        }[relation.kind] % {"p": relation.from_product.name}
        reasons[relation.to_product_id] = (text, "relation")

    peers = Enrollment.objects.filter(status__in=[Status.APPROVED, Status.ACTIVE]).exclude(
        customer=customer
    )
    if facts.segment_slugs:
        peers = peers.filter(customer__segment_memberships__segment__slug__in=facts.segment_slugs)
    else:
        peers = peers.filter(
            Q(customer__customer_type=facts.customer_type)
            & Q(customer__premise__zip_code__startswith=facts.zip_code[:5])
        )
    popular = (
        peers.exclude(product_id__in=exclude)
        .values("product_id")
        .annotate(n=Count("customer", distinct=True))
        .order_by("-n", "product_id")[: limit * 3]
    )
    for row in popular:
        if row["product_id"] in reasons:
            continue
        reasons[row["product_id"]] = (
            ngettext(
                "Customers like you also enrolled in this (%(n)d household).",
                "Customers like you also enrolled in this (%(n)d households).",
                row["n"],
            )
            % {"n": row["n"]},
            "peers",
        )

    products = {
        p.pk: p
        for p in Product.objects.published()
        .filter(pk__in=reasons)
        .select_related("category")
        .prefetch_related("rules")
    }
    result = []
    for pid, (text, source) in reasons.items():
        product = products.get(pid)
        if product is None or not product_verdict(product, facts).eligible:
            continue
        result.append(Recommendation(product, text, source))
        if len(result) >= limit:
            break
    return result
