"""Every rule type, passing and failing with a customer-readable reason."""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from catalog.eligibility import (
    RULE_TYPES,
    CustomerFacts,
    rule_describe,
    rule_params_clean,
    rules_evaluate,
)
from tests.factories import SegmentFactory


def facts(**overrides) -> CustomerFacts:
    values = {
        "customer_id": 1,
        "customer_type": "residential",
        "premise_id": 1,
        "zip_code": "62701-1234",
        "fuels": frozenset({"electric"}),
        "has_ami_meter": True,
        "rate_codes": frozenset({"RES-1"}),
        "account_active_since": date(2024, 1, 15),
        "segment_slugs": frozenset({"income-qualified"}),
        "segment_names": {"income-qualified": "Income-qualified households"},
        "profile_flags": frozenset({"owns_ev"}),
        "open_product_ids": frozenset({7}),
        "today": date(2025, 1, 20),
    }
    values.update(overrides)
    return CustomerFacts(**values)


def rule(rule_type, params=None, message=""):
    return SimpleNamespace(rule_type=rule_type, params=params or {}, customer_message=message)


# (rule type, params, facts that pass, facts that fail, words in the reason)
CASES = [
    ("in_segment", {"segment": "income-qualified"}, {}, {"segment_slugs": frozenset()},
     "specific group"),
    ("not_in_segment", {"segment": "income-qualified"}, {"segment_slugs": frozenset()}, {},
     "Income-qualified households"),
    ("has_fuel", {"fuel": "electric"}, {}, {"fuels": frozenset({"gas"})}, "electric service"),
    ("has_ami_meter", {}, {}, {"has_ami_meter": False}, "smart meter"),
    ("customer_type", {"values": ["commercial"]}, {"customer_type": "commercial"}, {},
     "commercial customers"),
    ("rate_code_in", {"codes": ["RES-TOU", "RES-1"]}, {}, {"rate_codes": frozenset({"COM-1"})},
     "RES-TOU, RES-1"),
    ("rate_code_not_in", {"codes": ["RES-MED"]}, {}, {"rate_codes": frozenset({"RES-MED"})},
     "current rate (RES-MED)"),
    ("account_active_months", {"months": 12}, {}, {"account_active_since": date(2024, 6, 1)},
     "at least 12 months"),
    ("zip_code_in", {"codes": ["627"]}, {}, {"zip_code": "62561"}, "ZIP code 62561"),
    ("profile_flag", {"flag": "owns_ev"}, {}, {"profile_flags": frozenset()},
     "electric vehicle"),
]  # fmt: skip


@pytest.mark.parametrize(("key", "params", "ok", "bad", "words"), CASES, ids=[c[0] for c in CASES])
def test_rule_type_passes_and_fails_with_a_reason(key, params, ok, bad, words):
    passing = rules_evaluate([rule(key, params)], mode="all", facts=facts(**ok))
    failing = rules_evaluate([rule(key, params)], mode="all", facts=facts(**bad))
    assert passing.eligible is True
    assert failing.eligible is False
    assert words in failing.reasons[0]


def test_not_already_enrolled_checks_the_subject_products():
    verdict = rules_evaluate(
        [rule("not_already_enrolled")], mode="all", facts=facts(), subject=frozenset({7})
    )
    assert verdict.eligible is False
    assert "already enrolled" in verdict.reasons[0]
    other = rules_evaluate(
        [rule("not_already_enrolled")], mode="all", facts=facts(), subject=frozenset({8})
    )
    assert other.eligible is True


def test_every_registered_rule_type_is_covered_by_a_test():
    covered = {case[0] for case in CASES} | {"not_already_enrolled"}
    assert set(RULE_TYPES) == covered


def test_account_active_months_counts_whole_months():
    f = facts(account_active_since=date(2024, 1, 21), today=date(2025, 1, 20))
    assert f.months_active() == 11
    assert facts(account_active_since=None).months_active() == 0


def test_all_needs_every_rule_and_lists_every_failure():
    verdict = rules_evaluate(
        [
            rule("has_ami_meter"),
            rule("has_fuel", {"fuel": "gas"}),
            rule("zip_code_in", {"codes": ["1"]}),
        ],
        mode="all",
        facts=facts(has_ami_meter=False),
    )
    assert verdict.eligible is False
    assert len(verdict.reasons) == 3
    assert verdict.any_of is False


def test_any_needs_one_rule_and_marks_the_reasons_as_alternatives():
    rules = [rule("has_fuel", {"fuel": "gas"}), rule("has_ami_meter")]
    assert rules_evaluate(rules, mode="any", facts=facts()).eligible is True
    verdict = rules_evaluate(rules, mode="any", facts=facts(has_ami_meter=False))
    assert verdict.eligible is False
    assert verdict.any_of is True
    assert len(verdict.reasons) == 2


def test_no_rules_means_eligible():
    assert rules_evaluate([], mode="all", facts=facts()).eligible is True
    assert rules_evaluate([], mode="any", facts=facts()).eligible is True


def test_staff_message_replaces_the_standard_reason():
    verdict = rules_evaluate(
        [rule("has_ami_meter", message="Ask us for a smart meter first.")],
        mode="all",
        facts=facts(has_ami_meter=False),
    )
    assert verdict.reasons == ("Ask us for a smart meter first.",)


def test_an_unknown_rule_type_never_lets_anyone_through():
    verdict = rules_evaluate([rule("removed_type")], mode="all", facts=facts())
    assert verdict.eligible is False
    assert verdict.reasons


@pytest.mark.django_db
def test_params_are_validated_and_normalised():
    SegmentFactory(slug="income-qualified")
    assert rule_params_clean("in_segment", {"segment": "income-qualified"}) == {
        "segment": "income-qualified"
    }
    assert rule_params_clean("rate_code_in", {"codes": "RES-1, RES-TOU"}) == {
        "codes": ["RES-1", "RES-TOU"]
    }
    with pytest.raises(ValidationError, match="No segment"):
        rule_params_clean("in_segment", {"segment": "nope"})
    with pytest.raises(ValidationError, match="months"):
        rule_params_clean("account_active_months", {"months": "soon"})
    with pytest.raises(ValidationError, match="fuel"):
        rule_params_clean("has_fuel", {"fuel": "coal"})
    with pytest.raises(ValidationError, match="Unknown rule type"):
        rule_params_clean("bogus", {})
    with pytest.raises(ValidationError, match="JSON object"):
        rule_params_clean("has_ami_meter", ["x"])


def test_rules_describe_themselves_for_staff():
    assert rule_describe("rate_code_in", {"codes": ["RES-1"]}) == "rate in RES-1"
    assert rule_describe("gone", {}) == "? gone"
