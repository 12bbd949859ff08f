from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from promotions.models import Promotion


class PromotionFactory(DjangoModelFactory):
    class Meta:
        model = Promotion

    name = factory.Sequence(lambda n: f"Promotion {n}")
    slot = "catalog_top"
    headline = factory.Sequence(lambda n: f"Offer {n}")
    body = "Save **more**."
    publish_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
