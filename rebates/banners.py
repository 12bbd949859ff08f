"""The next peak event as a banner on the insights dashboard.

Listed in settings.INSIGHTS_DASHBOARD_BANNERS; the dashboard calls it with
the signed-in login's current customer. The dashboard is built to run few
queries, so the banner's HTML is cached per customer and language for two
minutes, and every change to events or participants starts a new cache
generation (banner_cache_clear).
"""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.translation import get_language

from rebates.selectors import peak_event_next_for_customer

BANNER_SECONDS = 120
GENERATION_KEY = "rebates:banner-generation"


def _generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, 1, None)
        generation = cache.get(GENERATION_KEY, 1)
    return generation


def banner_cache_clear() -> None:
    """Events or participants changed: every cached banner is stale."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


def peak_event_banner(request, customer) -> str | None:
    key = f"rebates:banner:{_generation()}:{customer.pk}:{get_language()}"
    html = cache.get(key)
    if html is None:
        next_event = peak_event_next_for_customer(customer=customer)
        html = (
            render_to_string(
                "rebates/includes/next_event_banner.html",
                {"next_event": next_event},
                request=request,
            )
            if next_event
            else ""
        )
        cache.set(key, html, BANNER_SECONDS)
    return html or None
