"""Which promotions a visitor sees in a spot (two queries per spot)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.templatetags.static import static

from catalog.eligibility import CustomerFacts
from catalog.models import Audience, Product
from catalog.spots import SpotItem
from portal.markdown import markdown_html
from promotions.models import Promotion


def promotion_spot_items(
    *, slot: str, facts: CustomerFacts | None, context_product_ids: frozenset[int]
) -> list[SpotItem]:
    promotions = (
        Promotion.objects.published()
        .filter(slot=slot)
        .select_related("product", "segment")
        .prefetch_related(Prefetch("shown_with", queryset=Product.objects.only("pk")))
    )
    taken = set(context_product_ids) | set(facts.open_product_ids if facts else ())
    items = []
    for promotion in promotions:
        if not _targets(promotion, facts, context_product_ids):
            continue
        if promotion.product_id and (
            promotion.product_id in taken or not promotion.product.is_published
        ):
            continue
        items.append(_item(promotion))
    return items


def _targets(promotion: Promotion, facts: CustomerFacts | None, chosen: frozenset[int]) -> bool:
    if promotion.segment_id is not None:
        if facts is None or promotion.segment.slug not in facts.segment_slugs:
            return False
        if not promotion.segment.is_active:
            return False
    if promotion.audience != Audience.ALL and (
        facts is None or facts.customer_type != promotion.audience
    ):
        return False
    triggers = {p.pk for p in promotion.shown_with.all()}
    return not triggers or bool(triggers & chosen)


def _item(promotion: Promotion) -> SpotItem:
    image = (
        promotion.image.url
        if promotion.image
        else static(f"catalog/img/{promotion.illustration}.svg")
    )
    product = promotion.product
    return SpotItem(
        key=f"promotion-{promotion.pk}",
        headline=promotion.headline,
        body_html=markdown_html(promotion.body),
        image_url=image,
        image_alt=promotion.image_alt,
        cta_label=promotion.link_label,
        cta_url=promotion.link_url or (product.get_absolute_url() if product else ""),
        product_id=product.pk if product else None,
    )
