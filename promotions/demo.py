"""Demo promotions for the demo catalog (idempotent, matched by name)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from promotions.models import Promotion
from segments.models import Segment

PROMOTIONS = [
    # name, slot, headline, body, illustration, product, link, label, segment, shown with, priority
    ("EV owners: EV rate", "catalog_top", "Charge your EV overnight for about half price",
     "The **EV Charging Rate** has a super off-peak price from midnight to 6 a.m.", "car",
     "ev-charging-rate", "", "", "ev-owners", [], 10),
    ("Everyone: Peak Time Rebates", "catalog_top", "Earn $1.25 for every kWh you save on peak days",
     "Join **Peak Time Rebates**: no cost, no penalty, a bill credit when you cut back.", "bolt",
     "peak-time-rebates", "", "", None, [], 50),
    ("Cross-sell: paperless with a rate change", "checkout", "Changing your rate? Go paperless too",
     "See your first bill on the new rate the day it is ready.", "card", "paperless-billing", "",
     "", None, ["time-of-use-rate", "standard-residential-rate", "ev-charging-rate"], 20),
    ("After an order: home profile", "order_confirmation", "Get offers that fit your home",
     "Tell us whether you have solar panels, an electric vehicle or a pump.", "home", None,
     "/home-profile/", "Update your home profile", None, [], 30),
]  # fmt: skip


@transaction.atomic
def demo_promotions_seed() -> int:
    products = {p.slug: p for p in Product.objects.all()}
    segments = {s.slug: s for s in Segment.objects.all()}
    published = timezone.now() - timedelta(days=7)
    for (name, slot, headline, body, illustration, product, link, label, segment, shown_with,
         priority) in PROMOTIONS:  # fmt: skip
        promotion, _ = Promotion.objects.update_or_create(
            name=name,
            defaults={
                "slot": slot,
                "headline": headline,
                "body": body,
                "illustration": illustration,
                "product": products.get(product) if product else None,
                "link_url": link,
                "link_label": label,
                "segment": segments.get(segment) if segment else None,
                "priority": priority,
                "publish_at": published,
                "withdraw_at": None,
            },
        )
        promotion.shown_with.set([products[s] for s in shown_with if s in products])
    return len(PROMOTIONS)
