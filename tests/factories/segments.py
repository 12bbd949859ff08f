import factory
from factory.django import DjangoModelFactory

from segments.models import CustomerProfile, Segment, SegmentCondition


class SegmentFactory(DjangoModelFactory):
    class Meta:
        model = Segment

    name = factory.Sequence(lambda n: f"Segment {n}")
    slug = factory.Sequence(lambda n: f"segment-{n}")
    match = "all"


class SegmentConditionFactory(DjangoModelFactory):
    class Meta:
        model = SegmentCondition

    segment = factory.SubFactory(SegmentFactory)
    condition_type = "customer_type"
    params = factory.LazyFunction(lambda: {"values": ["residential"]})


class CustomerProfileFactory(DjangoModelFactory):
    class Meta:
        model = CustomerProfile
        django_get_or_create = ["customer"]

    customer = factory.SubFactory("tests.factories.billing.CustomerFactory")
