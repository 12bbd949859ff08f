import pytest

from catalog.selectors import customer_facts
from enrollment.recommendations import recommendations_for
from segments.services import segment_refresh
from tests.factories import (
    EligibilityRuleFactory,
    EnrollmentFactory,
    ProductFactory,
    ProductRelationFactory,
    SegmentConditionFactory,
    SegmentFactory,
)
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def test_relations_of_the_cart_come_first_with_their_reason():
    _user, customer = customer_with_login()
    tou = ProductFactory(name="TOU")
    ptr = ProductFactory(name="Peak rebates")
    ProductRelationFactory(from_product=tou, to_product=ptr, kind="also_consider", note="")
    recos = recommendations_for(
        customer=customer, facts=customer_facts(customer=customer), chosen_ids={tou.pk}
    )
    assert [r.product for r in recos] == [ptr]
    assert recos[0].reason == "Goes well with TOU."
    assert recos[0].source == "relation"


def test_customers_like_you_counts_households_in_shared_segments():
    _user, customer = customer_with_login()
    segment = SegmentFactory()
    SegmentConditionFactory(segment=segment)  # residential customers
    popular, less, ineligible = (
        ProductFactory(name="Popular"),
        ProductFactory(name="Less"),
        ProductFactory(name="Commercial only", audience="commercial"),
    )
    for product, n in ((popular, 3), (less, 1), (ineligible, 4)):
        for _n in range(n):
            EnrollmentFactory(product=product, status="active")
    EnrollmentFactory(product=less, status="cancelled")
    segment_refresh(segment=segment)
    recos = recommendations_for(
        customer=customer, facts=customer_facts(customer=customer), chosen_ids=set()
    )
    assert [r.product.name for r in recos] == ["Popular", "Less"]
    assert recos[0].reason == "Customers like you also enrolled in this (3 households)."


def test_nothing_chosen_enrolled_or_ineligible_is_suggested():
    _user, customer = customer_with_login(meter_type="amr")
    chosen = ProductFactory()
    needs_ami = ProductFactory()
    EligibilityRuleFactory(product=needs_ami, rule_type="has_ami_meter")
    ProductRelationFactory(from_product=chosen, to_product=needs_ami)
    enrolled = EnrollmentFactory(order__customer=customer, status="active").product
    ProductRelationFactory(from_product=chosen, to_product=enrolled)
    recos = recommendations_for(
        customer=customer, facts=customer_facts(customer=customer), chosen_ids={chosen.pk}
    )
    assert recos == []


def test_recommendations_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    _user, customer = customer_with_login()
    anchor = ProductFactory()
    for _n in range(20):
        ProductRelationFactory(from_product=anchor, to_product=ProductFactory())
        EnrollmentFactory(status="active")
    facts = customer_facts(customer=customer)
    with django_assert_max_num_queries(5):
        recos = recommendations_for(customer=customer, facts=facts, chosen_ids={anchor.pk})
    assert len(recos) == 4
