from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from catalog.models import (
    Bundle,
    BundleAddition,
    BundleItem,
    Category,
    EligibilityRule,
    Product,
    ProductRelation,
)


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["slug"]

    name = "Energy efficiency"
    slug = "energy-efficiency"


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.Sequence(lambda n: f"program-{n}")
    category = factory.SubFactory(CategoryFactory)
    summary = "Save energy and money."
    description = "A **good** program."
    benefits = "Saves money\nHelps the grid"
    terms = "You may leave at any time."
    kind = "generic"
    fulfilment = "instant"
    audience = "residential"
    fuel = "any"
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class ProductRelationFactory(DjangoModelFactory):
    class Meta:
        model = ProductRelation

    from_product = factory.SubFactory(ProductFactory)
    to_product = factory.SubFactory(ProductFactory)
    kind = "also_consider"


class BundleFactory(DjangoModelFactory):
    class Meta:
        model = Bundle
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Bundle {n}")
    slug = factory.Sequence(lambda n: f"bundle-{n}")
    category = factory.SubFactory(CategoryFactory)
    summary = "Several programs in one step."
    audience = "residential"
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))

    @factory.post_generation
    def products(self, create, extracted, **kwargs):
        if create and extracted:
            for order, product in enumerate(extracted):
                BundleItem.objects.create(bundle=self, product=product, sort_order=order)


class BundleAdditionFactory(DjangoModelFactory):
    class Meta:
        model = BundleAddition

    bundle = factory.SubFactory(BundleFactory)
    product = factory.SubFactory(ProductFactory)
    effect = "allow"


class EligibilityRuleFactory(DjangoModelFactory):
    class Meta:
        model = EligibilityRule

    product = factory.SubFactory(ProductFactory)
    rule_type = "has_ami_meter"
    params = factory.LazyFunction(dict)
