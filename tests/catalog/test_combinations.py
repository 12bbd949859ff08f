"""The combination rules: bundles and customer-built collections alike."""

from catalog.combinations import BundleRef, ProductRef, Relations, combination_problems

TOU, STANDARD, EV_RATE, PTR, ASSIST, WEATHER, PAPERLESS, AUTOPAY, NEM, SOLAR = range(1, 11)
CATALOG = {
    TOU: ProductRef(TOU, "Time-of-Use Rate", "electric-rate"),
    STANDARD: ProductRef(STANDARD, "Standard Rate", "electric-rate"),
    EV_RATE: ProductRef(EV_RATE, "EV Rate", "electric-rate"),
    PTR: ProductRef(PTR, "Peak Time Rebates"),
    ASSIST: ProductRef(ASSIST, "Bill Assistance"),
    WEATHER: ProductRef(WEATHER, "Weatherization"),
    PAPERLESS: ProductRef(PAPERLESS, "Paperless Billing"),
    AUTOPAY: ProductRef(AUTOPAY, "AutoPay"),
    NEM: ProductRef(NEM, "Net Metering"),
    SOLAR: ProductRef(SOLAR, "Community Solar"),
}
RELATIONS = Relations(
    requires={AUTOPAY: frozenset({PAPERLESS})}, excludes=frozenset({frozenset({NEM, SOLAR})})
)
LOW_INCOME = BundleRef(
    100,
    "Low-Income Bundle",
    frozenset({ASSIST, WEATHER, PAPERLESS}),
    additions_policy="listed",
    allowed=frozenset({TOU, AUTOPAY}),
    denied=frozenset({STANDARD}),
)


def problems(product_ids=(), bundles=(), enrolled=()):
    return combination_problems(
        product_ids=list(product_ids),
        bundles=list(bundles),
        catalog=CATALOG,
        relations=RELATIONS,
        enrolled_ids=frozenset(enrolled),
    )


def test_low_income_bundle_may_add_the_time_of_use_rate():
    assert problems([TOU], [LOW_INCOME]) == []


def test_low_income_bundle_may_not_add_the_standard_rate():
    found = problems([STANDARD], [LOW_INCOME])
    assert [p.code for p in found] == ["bundle_addition"]
    assert found[0].message == "Standard Rate cannot be added to Low-Income Bundle."
    assert set(found[0].lines) == {("bundle", 100), ("product", STANDARD)}


def test_listed_policy_refuses_products_not_allowed():
    found = problems([PTR], [LOW_INCOME])
    assert [p.code for p in found] == ["bundle_addition"]


def test_deny_under_any_policy_refuses_only_the_denied_product():
    bundle = BundleRef(101, "Peak Saver", frozenset({TOU, PTR}), "any", denied=frozenset({EV_RATE}))
    assert problems([PAPERLESS], [bundle]) == []
    codes = {p.code for p in problems([EV_RATE], [bundle])}
    assert "bundle_addition" in codes
    assert "exclusive" in codes  # EV rate and TOU are both electric rates


def test_none_policy_refuses_any_addition():
    bundle = BundleRef(102, "Closed", frozenset({PTR}), "none")
    found = problems([PAPERLESS], [bundle])
    assert found[0].code == "bundle_addition"
    assert "cannot be combined with other programs" in found[0].message


def test_two_rates_are_mutually_exclusive():
    found = problems([TOU, STANDARD])
    assert [p.code for p in found] == ["exclusive"]
    assert "Time-of-Use Rate and Standard Rate cannot be combined" in found[0].message
    assert set(found[0].lines) == {("product", TOU), ("product", STANDARD)}


def test_a_rate_conflicts_with_the_rate_already_enrolled():
    found = problems([TOU], enrolled=[STANDARD])
    assert [p.code for p in found] == ["exclusive_enrolled"]
    assert "already enrolled in Standard Rate" in found[0].message


def test_excludes_works_in_both_directions_and_against_enrolments():
    assert [p.code for p in problems([SOLAR, NEM])] == ["excludes"]
    assert [p.code for p in problems([SOLAR], enrolled=[NEM])] == ["excludes_enrolled"]
    assert [p.code for p in problems([NEM], enrolled=[SOLAR])] == ["excludes_enrolled"]


def test_requires_is_met_by_the_cart_a_bundle_or_an_enrolment():
    found = problems([AUTOPAY])
    assert [p.code for p in found] == ["requires"]
    assert found[0].suggest_product_id == PAPERLESS
    assert problems([AUTOPAY, PAPERLESS]) == []
    assert problems([AUTOPAY], [LOW_INCOME]) == []  # the bundle includes paperless
    assert problems([AUTOPAY], enrolled=[PAPERLESS]) == []


def test_a_bundle_alone_is_fine_and_a_customer_collection_follows_the_same_rules():
    assert problems(bundles=[LOW_INCOME]) == []
    assert problems([ASSIST, WEATHER, PAPERLESS, TOU]) == []
    assert [p.code for p in problems([ASSIST, TOU, EV_RATE])] == ["exclusive"]


def test_two_bundles_apply_each_others_policies():
    other = BundleRef(103, "Digital", frozenset({PAPERLESS, AUTOPAY}), "any")
    found = problems(bundles=[LOW_INCOME, other])
    # AutoPay is allowed beside the low-income bundle; paperless is in both.
    assert found == []
    rates = BundleRef(104, "Standard pack", frozenset({STANDARD}), "any")
    codes = [p.code for p in problems(bundles=[LOW_INCOME, rates])]
    assert codes == ["bundle_addition"]
