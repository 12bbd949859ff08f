from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    BundleAdditionFactory,
    BundleFactory,
    CategoryFactory,
    EligibilityRuleFactory,
    ProductFactory,
    ProductRelationFactory,
)
from tests.factories.enrollment import customer_with_login

pytestmark = pytest.mark.django_db


def _names(response):
    return {e.item.name for e in response.context["entries"]}


def test_only_published_entries_are_listed():
    from django.test import Client

    now = timezone.now()
    ProductFactory(name="Live")
    ProductFactory(name="Draft", publish_at=None)
    ProductFactory(name="Future", publish_at=now + timedelta(days=3))
    ProductFactory(name="Withdrawn", publish_at=now - timedelta(days=9), withdraw_at=now)
    response = Client().get(reverse("catalog:index"))
    assert _names(response) == {"Live"}


def test_search_category_and_fuel_filters(client):
    rates = CategoryFactory(slug="rates", name="Rates")
    ProductFactory(name="Time-of-Use Rate", category=rates, fuel="electric")
    ProductFactory(name="Furnace Tune-up", summary="Gas furnace rebate", fuel="gas")
    ProductFactory(name="Paperless Billing", benefits="Bill by e-mail")
    url = reverse("catalog:index")
    assert _names(client.get(url, {"q": "furnace"})) == {"Furnace Tune-up"}
    assert _names(client.get(url, {"q": "e-mail"})) == {"Paperless Billing"}
    assert _names(client.get(url, {"category": "rates"})) == {"Time-of-Use Rate"}
    assert _names(client.get(url, {"fuel": "gas"})) == {"Furnace Tune-up", "Paperless Billing"}
    assert client.get(url, {"fuel": "plutonium", "q": "x" * 500}).status_code == 200


def test_anonymous_visitors_choose_homes_or_businesses(client):
    ProductFactory(name="Home", audience="residential")
    ProductFactory(name="Business", audience="commercial")
    url = reverse("catalog:index")
    assert _names(client.get(url, {"audience": "commercial"})) == {"Business"}
    page = client.get(url)
    assert _names(page) == {"Home", "Business"}
    assert "Sign in to check eligibility" in page.text


def test_signed_in_customer_sees_eligibility_badges_and_can_filter_to_qualifying(client):
    user, _customer = customer_with_login(meter_type="amr")
    ProductFactory(name="Paperless")
    needs_ami = ProductFactory(name="Peak rebates")
    EligibilityRuleFactory(product=needs_ami, rule_type="has_ami_meter")
    client.force_login(user)
    page = client.get(reverse("catalog:index"))
    assert "You qualify" in page.text
    assert "It needs a smart meter at this address." in page.text
    assert _names(client.get(reverse("catalog:index"), {"eligible": "on"})) == {"Paperless"}


def test_product_page_renders_markdown_safely_and_lists_relations(client):
    product = ProductFactory(
        name="Green Power",
        description="**Clean** energy <script>alert(1)</script> [x](javascript:alert(1))",
    )
    ProductRelationFactory(from_product=product, to_product=ProductFactory(name="Solar"))
    page = client.get(product.get_absolute_url())
    assert "<strong>Clean</strong>" in page.text
    assert "<script>alert(1)" not in page.text
    assert "javascript:" not in page.text
    assert "Solar" in page.text


def test_unpublished_product_and_bundle_pages_are_404(client):
    assert client.get(ProductFactory(publish_at=None).get_absolute_url()).status_code == 404
    assert client.get(BundleFactory(publish_at=None).get_absolute_url()).status_code == 404
    assert client.get("/programs/no-such-program/").status_code == 404


def test_bundle_page_lists_items_and_combination_rules(client):
    tou = ProductFactory(name="Time-of-Use Rate")
    standard = ProductFactory(name="Standard Rate")
    bundle = BundleFactory(
        name="Low income", additions_policy="listed", products=[ProductFactory(name="Assistance")]
    )
    BundleAdditionFactory(bundle=bundle, product=tou, effect="allow")
    BundleAdditionFactory(bundle=bundle, product=standard, effect="deny")
    page = client.get(bundle.get_absolute_url())
    assert "Assistance" in page.text
    assert "You may add only these programs" in page.text
    assert "Time-of-Use Rate" in page.text
    assert "Not allowed" in page.text


def test_bundle_eligibility_includes_each_program(client):
    user, _customer = customer_with_login(meter_type="amr")
    needs_ami = ProductFactory(name="Peak rebates")
    EligibilityRuleFactory(product=needs_ami, rule_type="has_ami_meter")
    bundle = BundleFactory(products=[needs_ami, ProductFactory()])
    client.force_login(user)
    page = client.get(bundle.get_absolute_url())
    assert "Peak rebates: It needs a smart meter at this address." in page.text


def test_a_bundle_reason_shared_with_its_programs_is_said_once(client):
    user, _customer = customer_with_login(meter_type="amr")
    needs_ami = ProductFactory(name="Peak rebates")
    EligibilityRuleFactory(product=needs_ami, rule_type="has_ami_meter")
    bundle = BundleFactory(products=[needs_ami])
    EligibilityRuleFactory(product=None, bundle=bundle, rule_type="has_ami_meter")
    client.force_login(user)
    verdict = client.get(bundle.get_absolute_url()).context["entry"].verdict
    assert verdict.reasons == ("It needs a smart meter at this address.",)


def test_the_catalog_speaks_spanish(client):
    from django.conf import settings

    ProductFactory(name="Paperless")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(reverse("catalog:index"))
    assert "Agregar al carrito" in page.text
    assert "Inicie sesión para ver si califica" in page.text
