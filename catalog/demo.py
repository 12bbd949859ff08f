# ruff: noqa: E501 - tabular demo data reads better unwrapped
"""A realistic demo catalog: programs, rates, bundles, relations, segments.

Idempotent: entries are matched by slug and updated in place, so running it
again after editing this file updates the demo database.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from catalog.models import (
    Bundle,
    BundleAddition,
    BundleItem,
    Category,
    EligibilityRule,
    Product,
    ProductRelation,
)
from segments.models import Segment, SegmentCondition

R, C, A = "residential", "commercial", "all"

# slug, name, category, kind, fulfilment, audience, fuel, group, illustration, featured,
# summary, benefits, handler params, rules [(type, params, message)]
PRODUCTS = [
    ("peak-time-rebates", "Peak Time Rebates", "demand-response", "ptr", "instant", R, "electric",
     "", "bolt", True,
     "Earn a bill credit for every kWh you save during a few peak hours on the hottest days.",
     "Earn $1.25 for every kWh saved during peak events\nDay-ahead notice by e-mail, text or phone\n"
     "No penalty if you can't cut back", {"program": "PTR"},
     [("has_ami_meter", {}, "")]),
    ("smart-thermostat-rebate", "Smart Thermostat Rebate", "energy-efficiency", "generic",
     "staff_review", R, "any", "", "thermostat", True,
     "Get $75 back when you install an ENERGY STAR certified smart thermostat.",
     "$75 rebate per home\nSaves about 8% on heating and cooling\nWorks with Peak Time Rebates",
     {}, []),
    ("home-energy-assessment", "Home Energy Assessment", "energy-efficiency", "generic",
     "field_work", R, "any", "", "home", False,
     "A certified energy advisor visits your home and shows you where energy is wasted.",
     "Free two-hour visit\nFree LED bulbs and smart power strips installed\nA written action plan",
     {}, [("account_active_months", {"months": 6}, "")]),
    ("appliance-recycling", "Appliance Recycling", "energy-efficiency", "generic", "field_work",
     R, "electric", "", "home", False,
     "We pick up your old, working refrigerator or freezer and pay you $50.",
     "Free pick-up\n$50 bill credit\nResponsible recycling", {}, []),
    ("furnace-tune-up-rebate", "Furnace Tune-up Rebate", "energy-efficiency", "generic",
     "staff_review", R, "gas", "", "thermostat", False,
     "A $40 rebate on a professional gas furnace tune-up once a year.",
     "$40 rebate\nSafer, more efficient heating", {}, []),
    ("time-of-use-rate", "Time-of-Use Rate", "rates", "rate_change", "staff_review", R,
     "electric", "electric-rate", "clock", True,
     "Lower prices most of the day in exchange for higher prices from 2 to 7 p.m. on weekdays.",
     "Off-peak price about 30% below the standard rate\nBest if you can shift laundry and "
     "dishwashing\nSwitch back any time in the first year at no cost",
     {"rate_code": "RES-TOU"},
     [("has_ami_meter", {}, ""), ("rate_code_not_in", {"codes": "RES-MED"},
       "Customers on the medical baseline rate keep their rate: call us to discuss options.")]),
    ("standard-residential-rate", "Standard Residential Rate", "rates", "rate_change",
     "staff_review", R, "electric", "electric-rate", "bolt", False,
     "One simple price per kWh, any time of day.", "Predictable bills\nNo peak hours to watch",
     {"rate_code": "RES-1"}, [("rate_code_not_in", {"codes": "RES-1"}, "You are on this rate already.")]),
    ("ev-charging-rate", "EV Charging Rate", "rates", "rate_change", "staff_review", R,
     "electric", "electric-rate", "car", False,
     "Charge your electric vehicle overnight for about half the standard price.",
     "Super off-peak price from midnight to 6 a.m.\nNo second meter needed",
     {"rate_code": "RES-TOU"},
     [("profile_flag", {"flag": "owns_ev"},
       "Tell us in your home profile that you have an electric vehicle."),
      ("has_ami_meter", {}, "")]),
    ("paperless-billing", "Paperless Billing", "billing-and-payment", "paperless_billing",
     "instant", A, "any", "", "card", False,
     "Get your bill by e-mail instead of paper: faster, and better for the planet.",
     "Bill-ready e-mail every month\n24 months of bills online", {}, []),
    ("autopay", "AutoPay", "billing-and-payment", "autopay", "instant", A, "any", "", "card",
     False, "Pay your bill automatically on the due date from your bank account.",
     "Never miss a due date\nChange or stop any time", {}, []),
    ("budget-billing", "Budget Billing", "billing-and-payment", "generic", "staff_review", A,
     "any", "", "card", False,
     "Pay the same amount every month, based on your average use over the last year.",
     "No seasonal surprises\nReviewed every six months",
     {}, [("account_active_months", {"months": 12}, "")]),
    ("green-power-100", "Green Power 100", "renewable-energy", "generic", "instant", A,
     "electric", "", "leaf", False,
     "Match 100% of your electricity with wind and solar energy certificates from the region.",
     "About $4 a month for a typical home\nCancel any time", {}, []),
    ("community-solar", "Community Solar", "renewable-energy", "generic", "staff_review", R,
     "electric", "", "sun", False,
     "Subscribe to a share of a local solar farm and get a credit on your bill.",
     "No panels on your roof\n5–10% off your electricity bill",
     {}, [("not_in_segment", {"segment": "solar-owners"}, "")]),
    ("net-metering", "Net Metering for Solar Owners", "renewable-energy", "rate_change",
     "field_work", R, "electric", "", "sun", False,
     "Get credit for the solar energy you send back to the grid.",
     "Credit at the retail rate\nBi-directional meter installed for free",
     {"rate_code": "RES-NEM"}, [("profile_flag", {"flag": "owns_solar"},
                                  "Tell us in your home profile that you have solar panels.")]),
    ("bill-payment-assistance", "Bill Payment Assistance", "assistance", "generic",
     "staff_review", R, "any", "", "hand", False,
     "A monthly discount on your bill for income-qualified households.",
     "Up to 25% off your monthly bill\nArrears forgiveness after 12 on-time payments",
     {}, [("in_segment", {"segment": "income-qualified"},
           "For households whose income we have verified: call us to apply.")]),
    ("weatherization-assistance", "Weatherization Assistance", "assistance", "generic",
     "field_work", R, "any", "", "hand", False,
     "Free insulation, air sealing and furnace repairs for income-qualified homes.",
     "Free of charge\nCertified contractors", {}, [("in_segment", {"segment": "income-qualified"},
                                                  "For households whose income we have "
                                                  "verified: call us to apply.")]),
    ("agricultural-pump-efficiency", "Agricultural Pump Efficiency", "energy-efficiency",
     "generic", "field_work", A, "electric", "", "pump", False,
     "A free pump test and rebates for efficient irrigation pumps and controls.",
     "Free pump efficiency test\nUp to $2,000 in rebates",
     {}, [("profile_flag", {"flag": "owns_agricultural_pump"},
           "Tell us in your home profile that you have an agricultural pump.")]),
    ("small-business-lighting", "Small Business Lighting Retrofit", "energy-efficiency",
     "generic", "field_work", C, "electric", "", "bolt", True,
     "We replace your old lighting with LEDs and pay up to 70% of the cost.",
     "Up to 70% of project cost\nApproved contractors", {}, []),
    ("business-demand-response", "Business Demand Response", "demand-response", "generic",
     "staff_review", C, "electric", "", "bolt", False,
     "Earn capacity payments for reducing load when the grid is stressed.",
     "$40 per kW per season\nAutomated or manual participation",
     {}, [("has_ami_meter", {}, "")]),
    ("business-time-of-use-rate", "Business Time-of-Use Rate", "rates", "rate_change",
     "staff_review", C, "electric", "electric-rate-business", "clock", False,
     "Lower prices off-peak for businesses that can shift load.", "Off-peak discount of 25%",
     {"rate_code": "COM-TOU"}, [("has_ami_meter", {}, "")]),
]  # fmt: skip

RELATIONS = [
    ("time-of-use-rate", "peak-time-rebates", "also_consider", "Both reward using less at peak."),
    ("peak-time-rebates", "smart-thermostat-rebate", "also_consider",
     "A smart thermostat cuts back for you on peak days."),
    ("standard-residential-rate", "time-of-use-rate", "upgrade_to",
     "Save if you can shift use away from 2–7 p.m."),
    ("ev-charging-rate", "green-power-100", "also_consider", "Drive on wind and sun."),
    ("net-metering", "community-solar", "excludes", ""),
    ("budget-billing", "autopay", "also_consider", "Same amount, paid automatically."),
    ("autopay", "paperless-billing", "requires", "AutoPay sends your receipts by e-mail."),
    ("weatherization-assistance", "home-energy-assessment", "also_consider", ""),
    ("smart-thermostat-rebate", "peak-time-rebates", "also_consider", ""),
]  # fmt: skip

BUNDLES = [
    ("low-income-saver-bundle", "Income-Qualified Saver Bundle", "assistance", "listed",
     "Bill discount, free weatherization and paperless billing, in one step.",
     ["bill-payment-assistance", "weatherization-assistance", "paperless-billing"],
     [("time-of-use-rate", "allow"), ("autopay", "allow"),
      ("standard-residential-rate", "deny")],
     [("in_segment", {"segment": "income-qualified"},
       "For households whose income we have verified: call us to apply.")]),
    ("peak-saver-bundle", "Peak Saver Bundle", "demand-response", "any",
     "Time-of-use rate, peak time rebates and a thermostat rebate: save at peak times.",
     ["time-of-use-rate", "peak-time-rebates", "smart-thermostat-rebate"],
     [("standard-residential-rate", "deny"), ("ev-charging-rate", "deny")],
     [("has_ami_meter", {}, "")]),
    ("digital-account-bundle", "Digital Account Bundle", "billing-and-payment", "any",
     "Paperless billing and AutoPay together.", ["paperless-billing", "autopay"], [], []),
]  # fmt: skip

SEGMENTS = [
    ("income-qualified", "Income-qualified households", "all",
     [("profile_flag", {"flag": "income_qualified", "value": True})]),
    ("solar-owners", "Solar owners", "any",
     [("profile_flag", {"flag": "owns_solar", "value": True}), ("rate_code", {"codes": "RES-NEM"})]),
    ("ev-owners", "Electric vehicle owners", "all",
     [("profile_flag", {"flag": "owns_ev", "value": True})]),
    ("agricultural-pumps", "Agricultural pump owners", "all",
     [("profile_flag", {"flag": "owns_agricultural_pump", "value": True})]),
    ("smart-meter-homes", "Homes with a smart meter", "all",
     [("customer_type", {"values": ["residential"]}), ("has_ami_meter", {})]),
    ("high-summer-peak", "High summer peak users (17% or more of summer use at peak)", "all",
     [("has_ami_meter", {}), ("summer_peak_share", {"min": "0.17"})]),
    ("high-usage-homes", "High-usage homes (12,000 kWh a year or more)", "all",
     [("customer_type", {"values": ["residential"]}), ("yearly_usage_kwh", {"min": "12000"})]),
    ("electric-heat", "Electrically heated homes", "all",
     [("heating_fuel", {"values": ["electric"]})]),
    ("apartment-dwellers", "Apartment and condo residents", "all",
     [("dwelling_type", {"values": ["multi_family"]})]),
    ("springfield", "Springfield ZIP codes", "all", [("zip_code", {"codes": "627"})]),
    ("commercial", "Business customers", "all", [("customer_type", {"values": ["commercial"]})]),
    ("ptr-participants", "Peak Time Rebate participants", "all",
     [("enrolled_in", {"programs": "peak-time-rebates"})]),
]  # fmt: skip


@transaction.atomic
def demo_catalog_seed() -> dict[str, int]:
    from segments.conditions import CONDITION_TYPES, condition_params_clean

    published = timezone.now() - timedelta(days=30)
    segments = {}
    for slug, name, match, _conditions in SEGMENTS:
        segments[slug], _ = Segment.objects.update_or_create(
            slug=slug, defaults={"name": name, "match": match, "is_active": True}
        )
    categories = {c.slug: c for c in Category.objects.all()}
    products: dict[str, Product] = {}
    for order, row in enumerate(PRODUCTS):
        (slug, name, category, kind, fulfilment, audience, fuel, group, illustration, featured,
         summary, benefits, params, rules) = row  # fmt: skip
        product, _ = Product.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "category": categories[category],
                "kind": kind,
                "fulfilment": fulfilment,
                "audience": audience,
                "fuel": fuel,
                "exclusive_group": group,
                "illustration": illustration,
                "is_featured": featured,
                "summary": summary,
                "description": _description(name, summary),
                "benefits": benefits,
                "terms": _terms(name),
                "handler_params": params,
                "sort_order": order * 10,
                "publish_at": published,
                "withdraw_at": None,
            },
        )
        _rules_set(product=product, rules=rules)
        products[slug] = product
    ProductRelation.objects.filter(from_product__in=products.values()).delete()
    for a, b, kind, note in RELATIONS:
        ProductRelation.objects.create(
            from_product=products[a], to_product=products[b], kind=kind, note=note
        )
    for order, (slug, name, category, policy, summary, items, additions, rules) in enumerate(
        BUNDLES
    ):
        bundle, _ = Bundle.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "category": categories[category],
                "additions_policy": policy,
                "summary": summary,
                "description": summary,
                "sort_order": order * 10,
                "publish_at": published,
                "withdraw_at": None,
            },
        )
        bundle.items.all().delete()
        for position, product_slug in enumerate(items):
            BundleItem.objects.create(
                bundle=bundle, product=products[product_slug], sort_order=position
            )
        bundle.additions.all().delete()
        for product_slug, effect in additions:
            BundleAddition.objects.create(
                bundle=bundle, product=products[product_slug], effect=effect
            )
        _rules_set(bundle=bundle, rules=rules)
    # Conditions last: "enrolled in" names products created above.
    for slug, _name, _match, conditions in SEGMENTS:
        segment = segments[slug]
        segment.conditions.all().delete()
        for order, (key, params) in enumerate(conditions):
            if key not in CONDITION_TYPES:
                continue  # e.g. enrolled_in without the enrollment app
            SegmentCondition.objects.create(
                segment=segment,
                condition_type=key,
                params=condition_params_clean(key, params),
                sort_order=order,
            )
    return {"products": len(products), "bundles": len(BUNDLES), "segments": len(SEGMENTS)}


def _rules_set(*, rules, product=None, bundle=None) -> None:
    from catalog.eligibility import rule_params_clean

    owner = {"product": product} if product else {"bundle": bundle}
    EligibilityRule.objects.filter(**owner).delete()
    for order, (key, params, message) in enumerate(rules):
        EligibilityRule.objects.create(
            **owner,
            rule_type=key,
            params=rule_params_clean(key, params),
            customer_message=message,
            sort_order=order,
        )


def _description(name: str, summary: str) -> str:
    return (
        f"{summary}\n\n"
        f"### How {name} works\n\n"
        "1. Add it to your cart and check out: we confirm right away whether this address "
        "qualifies.\n"
        "2. Follow each step on the **My programs** page; we also let you know by e-mail or "
        "text.\n"
        "3. Leave at any time from the same page.\n\n"
        "Questions? See the [program FAQ](https://prairievalley.example/programs) or call us."
    )


def _terms(name: str) -> str:
    return (
        f"By enrolling in {name} you agree that the utility may use your usage data to run "
        "the program and report results. You may leave at any time; leaving takes effect on "
        "your next billing cycle. Rewards are credited to the account at this address."
    )
