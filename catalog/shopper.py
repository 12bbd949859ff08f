"""What the catalog pages show about the visitor's cart.

The cart belongs to enrollment, above catalog; enrollment registers a
provider from its ``AppConfig.ready()`` returning a :class:`ShopperState`
for a request. Without one (enrollment not installed) the catalog is a
brochure: no cart buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ShopperState:
    cart_url: str = ""
    cart_add_url: str = ""
    cart_count: int = 0
    cart_product_ids: frozenset[int] = frozenset()
    cart_bundle_ids: frozenset[int] = frozenset()
    extra: dict = field(default_factory=dict)


_PROVIDER: list[Callable[..., ShopperState]] = []


def shopper_state_provider_register(provider: Callable[..., ShopperState]) -> None:
    _PROVIDER[:] = [provider]


def shopper_state(*, request) -> ShopperState:
    if not _PROVIDER:
        return ShopperState()
    return _PROVIDER[0](request=request)
