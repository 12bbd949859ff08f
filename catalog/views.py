"""The browsable catalog: categories, search, filters and eligibility badges."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from billing.selectors import customer_current_for_request
from catalog.eligibility import CustomerFacts, Verdict
from catalog.forms import CatalogFilterForm
from catalog.models import Bundle, Product, RelationKind
from catalog.selectors import (
    bundle_get_published,
    bundle_list_published,
    bundle_verdict,
    category_list,
    customer_facts,
    product_get_published,
    product_list_published,
    product_related,
    product_verdict,
)
from catalog.shopper import shopper_state
from catalog.spots import CATALOG_TOP, spot_items


@dataclass
class Entry:
    item: Product | Bundle
    verdict: Verdict | None  # None: nobody signed in, eligibility unknown
    in_cart: bool = False

    @property
    def is_bundle(self) -> bool:
        return isinstance(self.item, Bundle)


def _facts(request: HttpRequest) -> tuple[object, CustomerFacts | None]:
    if not request.user.is_authenticated:
        return None, None
    customer = customer_current_for_request(request=request)
    if customer is None:
        return None, None
    return customer, customer_facts(customer=customer)


@require_GET
def catalog_index(request: HttpRequest) -> HttpResponse:
    form = CatalogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    categories = list(category_list())
    category = next((c for c in categories if c.slug == filters.get("category")), None)
    customer, facts = _facts(request)
    # A signed-in customer sees the offers for their customer type only.
    audience = facts.customer_type if facts else filters.get("audience", "")
    search = filters.get("q", "")
    shopper = shopper_state(request=request)
    products = product_list_published(
        category=category, search=search, audience=audience, fuel=filters.get("fuel", "")
    )
    bundles = bundle_list_published(category=category, search=search, audience=audience)
    if filters.get("fuel"):
        bundles = bundles.none() if filters["fuel"] == "gas" else bundles
    bundle_entries = [
        Entry(b, bundle_verdict(b, facts) if facts else None, b.pk in shopper.cart_bundle_ids)
        for b in bundles
    ]
    entries = [
        Entry(p, product_verdict(p, facts) if facts else None, p.pk in shopper.cart_product_ids)
        for p in products
    ]
    if facts and filters.get("eligible"):
        entries = [e for e in entries if e.verdict.eligible]
        bundle_entries = [e for e in bundle_entries if e.verdict.eligible]
    featured = [e for e in entries if e.item.is_featured] if not (search or category) else []
    return render(
        request,
        "catalog/catalog_index.html",
        {
            "form": form,
            "categories": categories,
            "category": category,
            "entries": entries,
            "bundle_entries": bundle_entries,
            "featured": featured,
            "customer": customer,
            "facts": facts,
            "shopper": shopper,
            "search": search,
            "spots": spot_items(
                slot=CATALOG_TOP,
                facts=facts,
                context_product_ids=frozenset(shopper.cart_product_ids),
            ),
        },
    )


@require_GET
def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    product = product_get_published(slug=slug)
    if product is None:
        raise Http404
    customer, facts = _facts(request)
    shopper = shopper_state(request=request)
    related = product_related(
        product=product,
        kinds=[RelationKind.ALSO_CONSIDER, RelationKind.UPGRADE_TO, RelationKind.REQUIRES],
    )
    return render(
        request,
        "catalog/product_detail.html",
        {
            "product": product,
            "entry": Entry(
                product,
                product_verdict(product, facts) if facts else None,
                product.pk in shopper.cart_product_ids,
            ),
            "related": related,
            "customer": customer,
            "shopper": shopper,
            "bundles": product.bundles.published(),
        },
    )


@require_GET
def bundle_detail(request: HttpRequest, slug: str) -> HttpResponse:
    bundle = bundle_get_published(slug=slug)
    if bundle is None:
        raise Http404
    customer, facts = _facts(request)
    shopper = shopper_state(request=request)
    return render(
        request,
        "catalog/bundle_detail.html",
        {
            "bundle": bundle,
            "entry": Entry(
                bundle,
                bundle_verdict(bundle, facts) if facts else None,
                bundle.pk in shopper.cart_bundle_ids,
            ),
            "customer": customer,
            "shopper": shopper,
        },
    )
