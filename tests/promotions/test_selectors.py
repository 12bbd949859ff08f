from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.selectors import customer_facts
from catalog.spots import spot_items
from segments.services import segment_refresh
from tests.factories import (
    CustomerProfileFactory,
    EnrollmentFactory,
    ProductFactory,
    PromotionFactory,
    SegmentConditionFactory,
    SegmentFactory,
)
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def _headlines(**kwargs):
    return [item.headline for item in spot_items(limit=10, **kwargs)]


def test_everyone_sees_untargeted_published_promotions_in_their_spot():
    PromotionFactory(headline="Live", priority=2)
    PromotionFactory(headline="First", priority=1)
    PromotionFactory(headline="Draft", publish_at=None)
    PromotionFactory(headline="Over", publish_at=timezone.now() - timedelta(days=9),
                     withdraw_at=timezone.now())  # fmt: skip
    PromotionFactory(headline="Elsewhere", slot="checkout")
    assert _headlines(slot="catalog_top", facts=None) == ["First", "Live"]


def test_segment_targeting_needs_a_signed_in_member():
    _user, customer = customer_with_login()
    CustomerProfileFactory(customer=customer, owns_ev=True)
    segment = SegmentFactory(slug="ev-owners")
    SegmentConditionFactory(segment=segment, condition_type="profile_flag",
                            params={"flag": "owns_ev", "value": True})  # fmt: skip
    segment_refresh(segment=segment)
    PromotionFactory(headline="EV rate", segment=segment)
    assert _headlines(slot="catalog_top", facts=None) == []
    assert _headlines(slot="catalog_top", facts=customer_facts(customer=customer)) == ["EV rate"]
    _other_user, other = customer_with_login()
    assert _headlines(slot="catalog_top", facts=customer_facts(customer=other)) == []


def test_cross_sell_shows_only_with_its_trigger_and_never_what_is_taken():
    _user, customer = customer_with_login()
    rate, paperless = ProductFactory(), ProductFactory()
    promotion = PromotionFactory(headline="Go paperless", slot="checkout", product=paperless)
    promotion.shown_with.set([rate])
    facts = customer_facts(customer=customer)
    assert _headlines(slot="checkout", facts=facts) == []
    assert _headlines(slot="checkout", facts=facts, context_product_ids=frozenset({rate.pk})) == [
        "Go paperless"
    ]
    both = frozenset({rate.pk, paperless.pk})
    assert _headlines(slot="checkout", facts=facts, context_product_ids=both) == []
    EnrollmentFactory(order__customer=customer, product=paperless, status="active")
    facts = customer_facts(customer=customer)
    assert _headlines(slot="checkout", facts=facts, context_product_ids=frozenset({rate.pk})) == []


def test_catalog_page_shows_the_spot_with_an_add_button(client):
    product = ProductFactory(name="Peak rebates")
    PromotionFactory(headline="Earn on peak days", product=product)
    page = client.get(reverse("catalog:index"))
    assert "Earn on peak days" in page.text
    assert "<strong>more</strong>" in page.text
    assert f'name="product" value="{product.pk}"' in page.text


def test_a_link_must_stay_on_the_site():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PromotionFactory(link_url="https://evil.example/")
