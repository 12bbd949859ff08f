"""Marketing spots: places on the catalog and checkout pages for promotions.

Catalog owns the spots and renders them; what goes in them comes from a
provider registered by an app above (``promotions``, from its
``AppConfig.ready()``). Without a provider the spots stay empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from catalog.eligibility import CustomerFacts

CATALOG_TOP = "catalog_top"
CHECKOUT = "checkout"
ORDER_CONFIRMATION = "order_confirmation"
SLOTS = (CATALOG_TOP, CHECKOUT, ORDER_CONFIRMATION)


@dataclass(frozen=True)
class SpotItem:
    key: str
    headline: str
    body_html: str  # already sanitised
    image_url: str
    image_alt: str = ""
    cta_label: str = ""
    cta_url: str = ""
    product_id: int | None = None  # offers an "add to cart" button


_PROVIDERS: list[Callable[..., list[SpotItem]]] = []


def spot_provider_register(provider: Callable[..., list[SpotItem]]) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def spot_items(
    *,
    slot: str,
    facts: CustomerFacts | None,
    context_product_ids: frozenset[int] = frozenset(),
    limit: int = 2,
) -> list[SpotItem]:
    """What to show in a spot for this visitor (``facts`` None: anonymous).

    ``context_product_ids``: what the visitor has chosen or ordered, for
    cross-sell targeting and so nothing chosen is promoted again.
    """
    items: list[SpotItem] = []
    for provider in _PROVIDERS:
        items.extend(provider(slot=slot, facts=facts, context_product_ids=context_product_ids))
    return items[:limit]
