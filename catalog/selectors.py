"""Reads of the catalog, and eligibility for one customer.

Every list here costs a fixed number of queries whatever the catalog's size
(rules, items and additions are prefetched; eligibility is evaluated in
memory against facts built once per customer).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Account, Customer, MeterType
from catalog.combinations import BundleRef, ProductRef, Relations
from catalog.eligibility import (
    FACTS_PROVIDERS,
    CustomerFacts,
    Verdict,
    rules_evaluate,
)
from catalog.models import (
    AdditionEffect,
    Audience,
    Bundle,
    BundleItem,
    Category,
    FuelScope,
    Product,
    ProductRelation,
    RelationKind,
)
from segments.conditions import PROFILE_FLAGS
from segments.models import CustomerProfile, SegmentMembership


def customer_facts(*, customer: Customer, today=None) -> CustomerFacts:
    """What the rule types read about one customer at their premise."""
    accounts = list(
        Account.objects.active()
        .filter(customer=customer)
        .select_related("service_point", "rate_code")
        .order_by("active_date")
    )
    memberships = list(
        SegmentMembership.objects.filter(customer=customer, segment__is_active=True).values_list(
            "segment__slug", "segment__name"
        )
    )
    profile = CustomerProfile.objects.filter(customer=customer).first()
    flags = frozenset(
        flag for flag, _label in PROFILE_FLAGS if profile is not None and getattr(profile, flag)
    )
    extra: dict = {}
    for provider in FACTS_PROVIDERS:
        extra.update(provider(customer=customer))
    return CustomerFacts(
        customer_id=customer.pk,
        customer_type=customer.customer_type,
        premise_id=customer.premise_id,
        zip_code=customer.premise.zip_code,
        fuels=frozenset(a.service_point.fuel for a in accounts),
        has_ami_meter=any(a.service_point.meter_type == MeterType.AMI for a in accounts),
        rate_codes=frozenset(a.rate_code.code for a in accounts),
        account_active_since=accounts[0].active_date if accounts else None,
        segment_slugs=frozenset(slug for slug, _name in memberships),
        segment_names=dict(memberships),
        profile_flags=flags,
        today=today or timezone.localdate(),
        **extra,
    )


def product_list_published(
    *,
    category: Category | None = None,
    search: str = "",
    audience: str = "",
    fuel: str = "",
) -> QuerySet[Product]:
    products = Product.objects.published().select_related("category").prefetch_related("rules")
    if category is not None:
        products = products.filter(category=category)
    if search:
        products = products.filter(
            Q(name__icontains=search) | Q(summary__icontains=search) | Q(benefits__icontains=search)
        )
    if audience in (Audience.RESIDENTIAL, Audience.COMMERCIAL):
        products = products.filter(audience__in=[audience, Audience.ALL])
    if fuel in (FuelScope.ELECTRIC, FuelScope.GAS):
        products = products.filter(fuel__in=[fuel, FuelScope.ANY])
    return products


def bundle_list_published(*, category: Category | None = None, search: str = "", audience=""):
    items = BundleItem.objects.select_related("product").prefetch_related("product__rules")
    bundles = (
        Bundle.objects.published()
        .select_related("category")
        .prefetch_related(Prefetch("items", queryset=items), "rules", "additions")
    )
    if category is not None:
        bundles = bundles.filter(category=category)
    if search:
        bundles = bundles.filter(Q(name__icontains=search) | Q(summary__icontains=search))
    if audience in (Audience.RESIDENTIAL, Audience.COMMERCIAL):
        bundles = bundles.filter(audience__in=[audience, Audience.ALL])
    return bundles


def category_list() -> QuerySet[Category]:
    return Category.objects.all()


def audience_matches(audience: str, facts: CustomerFacts) -> bool:
    return audience == Audience.ALL or audience == facts.customer_type


def product_verdict(product: Product, facts: CustomerFacts) -> Verdict:
    """Eligibility of one product: its audience, fuel, enrolment and rules."""
    reasons: list[str] = []
    if not audience_matches(product.audience, facts):
        reasons.append(
            _("It is for %(audience)s customers.")
            % {"audience": product.get_audience_display().lower()}
        )
    if product.fuel != FuelScope.ANY and product.fuel not in facts.fuels:
        reasons.append(
            _("It needs %(fuel)s service at this address.")
            % {"fuel": product.get_fuel_display().lower()}
        )
    if product.pk in facts.open_product_ids:
        reasons.append(
            _("You are already enrolled, or have a request in progress, at this address.")
        )
    verdict = rules_evaluate(
        product.rules.all(), mode=product.rule_mode, facts=facts, subject=frozenset([product.pk])
    )
    if reasons:
        return Verdict(False, (*reasons, *verdict.reasons), any_of=False)
    return verdict


def bundle_verdict(bundle: Bundle, facts: CustomerFacts) -> Verdict:
    """Eligibility of a bundle: its own rules and every product in it."""
    reasons: list[str] = []
    if not audience_matches(bundle.audience, facts):
        reasons.append(
            _("It is for %(audience)s customers.")
            % {"audience": bundle.get_audience_display().lower()}
        )
    own = rules_evaluate(
        bundle.rules.all(),
        mode=bundle.rule_mode,
        facts=facts,
        subject=frozenset(item.product_id for item in bundle.items.all()),
    )
    reasons.extend(own.reasons)
    for item in bundle.items.all():
        verdict = product_verdict(item.product, facts)
        for reason in verdict.reasons:
            # The bundle's own rule often repeats its programs' rule: say it once.
            if reason not in reasons:
                reasons.append(f"{item.product.name}: {reason}")
    if not reasons:
        return Verdict.ok()
    return Verdict(False, tuple(reasons), any_of=own.any_of and len(reasons) == len(own.reasons))


@dataclass
class CombinationInputs:
    catalog: dict[int, ProductRef]
    relations: Relations


def combination_inputs(*, product_ids: set[int], enrolled_ids: set[int]) -> CombinationInputs:
    """Names, groups and relations for the combination rules (2 queries)."""
    relations = list(
        ProductRelation.objects.filter(
            Q(from_product_id__in=product_ids) | Q(to_product_id__in=product_ids),
            kind__in=[RelationKind.REQUIRES, RelationKind.EXCLUDES],
        ).values_list("from_product_id", "to_product_id", "kind")
    )
    ids = set(product_ids) | set(enrolled_ids)
    for a, b, _kind in relations:
        ids.update((a, b))
    catalog = {
        pid: ProductRef(pid, name, group)
        for pid, name, group in Product.objects.filter(pk__in=ids).values_list(
            "pk", "name", "exclusive_group"
        )
    }
    requires: dict[int, set[int]] = defaultdict(set)
    excludes: set[frozenset[int]] = set()
    for a, b, kind in relations:
        if kind == RelationKind.REQUIRES:
            requires[a].add(b)
        else:
            excludes.add(frozenset((a, b)))
    return CombinationInputs(
        catalog=catalog,
        relations=Relations(
            requires={k: frozenset(v) for k, v in requires.items()}, excludes=frozenset(excludes)
        ),
    )


def bundle_ref(bundle: Bundle) -> BundleRef:
    """A bundle as the combination rules see it (uses prefetched items/additions)."""
    additions = list(bundle.additions.all())
    return BundleRef(
        id=bundle.pk,
        name=bundle.name,
        product_ids=frozenset(item.product_id for item in bundle.items.all()),
        additions_policy=bundle.additions_policy,
        allowed=frozenset(a.product_id for a in additions if a.effect == AdditionEffect.ALLOW),
        denied=frozenset(a.product_id for a in additions if a.effect == AdditionEffect.DENY),
    )


def product_related(*, product: Product, kinds: list[str]) -> list[ProductRelation]:
    return list(
        ProductRelation.objects.filter(from_product=product, kind__in=kinds)
        .filter(to_product__in=Product.objects.published())
        .select_related("to_product__category")
    )


def product_get_published(*, slug: str) -> Product | None:
    return (
        Product.objects.published()
        .select_related("category")
        .prefetch_related("rules")
        .filter(slug=slug)
        .first()
    )


def bundle_get_published(*, slug: str) -> Bundle | None:
    return bundle_list_published().filter(slug=slug).first()
