"""Who may enrol in what: a registry of rule types with typed parameters.

Staff attach rules to a product or a bundle in the admin, choosing a rule
type by its stable key and giving its parameters, which the type's form
validates (and normalises) before they are stored. Code owns what each type
means. A product's rules combine with "all" or "any"; every failed rule gives
a customer-readable reason (the staff's own message, or the type's standard
one), so "not eligible" always says why.

Evaluation is pure: it reads a :class:`CustomerFacts` built once per
customer (``catalog.selectors.customer_facts``, a fixed number of queries),
so checking a hundred products costs no more queries than checking one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from billing.models import CustomerType, Fuel
from segments.conditions import PROFILE_FLAGS


@dataclass(frozen=True)
class CustomerFacts:
    """Everything the rule types read about one customer at one premise."""

    customer_id: int
    customer_type: str
    premise_id: int
    zip_code: str = ""
    fuels: frozenset[str] = frozenset()
    has_ami_meter: bool = False
    rate_codes: frozenset[str] = frozenset()
    account_active_since: date | None = None
    segment_slugs: frozenset[str] = frozenset()
    segment_names: dict[str, str] = field(default_factory=dict)
    profile_flags: frozenset[str] = frozenset()
    # Supplied by enrollment through a facts provider (see below).
    open_product_ids: frozenset[int] = frozenset()
    today: date = field(default_factory=date.today)

    def months_active(self) -> int:
        if self.account_active_since is None:
            return 0
        since, today = self.account_active_since, self.today
        months = (today.year - since.year) * 12 + today.month - since.month
        return months - (1 if today.day < since.day else 0)


# Apps above catalog add facts only they know (e.g. enrollment: the products
# with an open enrolment at the premise). A provider takes the customer and
# returns a dict of CustomerFacts fields.
FACTS_PROVIDERS: list[Callable[..., dict]] = []


def facts_provider_register(provider: Callable[..., dict]) -> None:
    if provider not in FACTS_PROVIDERS:
        FACTS_PROVIDERS.append(provider)


@dataclass(frozen=True)
class RuleType:
    key: str
    label: str
    params_form: type[forms.Form]
    # (facts, params, ids of the products being checked) -> None when met,
    # else the standard reason, translated.
    check: Callable[[CustomerFacts, dict, frozenset[int]], str | None]
    describe: Callable[[dict], str]


RULE_TYPES: dict[str, RuleType] = {}


def rule_type_register(rule_type: RuleType) -> None:
    RULE_TYPES[rule_type.key] = rule_type


def rule_type_choices() -> list[tuple[str, str]]:
    return [(rt.key, rt.label) for rt in RULE_TYPES.values()]


def rule_params_clean(key: str, params: dict | None) -> dict:
    """Validate a rule's parameters; return the normalised JSON to store."""
    rule_type = RULE_TYPES.get(key)
    if rule_type is None:
        raise ValidationError({"rule_type": _("Unknown rule type “%s”.") % key})
    if params is not None and not isinstance(params, dict):
        raise ValidationError({"params": _("Parameters must be a JSON object.")})
    form = rule_type.params_form(data=params or {})
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        raise ValidationError({"params": problems})
    return dict(form.cleaned_data)


def rule_describe(key: str, params: dict) -> str:
    rule_type = RULE_TYPES.get(key)
    if rule_type is None:
        return f"? {key}"
    try:
        return str(rule_type.describe(params))
    except (KeyError, TypeError, ValueError):
        return f"{rule_type.label} {params}"


@dataclass(frozen=True)
class Verdict:
    """Whether a customer may enrol, and every reason why not."""

    eligible: bool
    reasons: tuple[str, ...] = ()
    any_of: bool = False  # reasons are alternatives: meeting one is enough

    @classmethod
    def ok(cls) -> Verdict:
        return cls(True)


class RuleLike:
    rule_type: str
    params: dict
    customer_message: str


def rules_evaluate(
    rules: Iterable[RuleLike],
    *,
    mode: str,
    facts: CustomerFacts,
    subject: frozenset[int] = frozenset(),
) -> Verdict:
    """Combine rules with "all" or "any"; no rules means eligible.

    ``subject`` holds the ids of the products being checked (one product, or
    a bundle's products).
    """
    failures: list[str] = []
    passed = 0
    count = 0
    for rule in rules:
        count += 1
        rule_type = RULE_TYPES.get(rule.rule_type)
        if rule_type is None:
            # An unknown type (code removed) never lets anyone through.
            failures.append(_("This offer is not available right now."))
            continue
        reason = rule_type.check(facts, rule.params, subject)
        if reason is None:
            passed += 1
        else:
            failures.append(rule.customer_message or reason)
    if count == 0:
        return Verdict.ok()
    if mode == "any":
        return Verdict.ok() if passed else Verdict(False, tuple(failures), any_of=True)
    return Verdict(not failures, tuple(failures))


# --- parameter forms ----------------------------------------------------------


class NoParams(forms.Form):
    pass


class SegmentParams(forms.Form):
    segment = forms.SlugField()

    def clean_segment(self):
        from segments.models import Segment

        slug = self.cleaned_data["segment"]
        if not Segment.objects.filter(slug=slug).exists():
            raise ValidationError(_("No segment with slug “%s”.") % slug)
        return slug


class FuelParams(forms.Form):
    fuel = forms.ChoiceField(choices=Fuel.choices)


class CustomerTypeParams(forms.Form):
    values = forms.MultipleChoiceField(choices=CustomerType.choices)


class CodesParams(forms.Form):
    codes = forms.CharField()

    def clean_codes(self):
        raw = self.cleaned_data["codes"]
        items = raw if isinstance(raw, list) else str(raw).split(",")
        codes = [str(c).strip() for c in items if str(c).strip()]
        if not codes:
            raise ValidationError(_("Give at least one value."))
        return codes


class MonthsParams(forms.Form):
    months = forms.IntegerField(min_value=1, max_value=600)


class ProfileFlagParams(forms.Form):
    flag = forms.ChoiceField(choices=PROFILE_FLAGS)


def _segment_name(facts: CustomerFacts | None, slug: str) -> str:
    if facts is not None and slug in facts.segment_names:
        return facts.segment_names[slug]
    return slug.replace("-", " ")


def _labels(choices, values) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(v, v)).lower() for v in values)


# --- the rule types -----------------------------------------------------------


def _check_in_segment(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if p["segment"] in facts.segment_slugs:
        return None
    return _("This offer is for a specific group of customers, and this address is not in it.")


def _check_not_in_segment(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if p["segment"] not in facts.segment_slugs:
        return None
    return _("This offer is not available to customers in the “%(group)s” group.") % {
        "group": _segment_name(facts, p["segment"])
    }


def _check_has_fuel(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if p["fuel"] in facts.fuels:
        return None
    return _("It needs %(fuel)s service at this address.") % {
        "fuel": str(dict(Fuel.choices)[p["fuel"]]).lower()
    }


def _check_has_ami(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if facts.has_ami_meter:
        return None
    return _("It needs a smart meter at this address.")


def _check_customer_type(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if facts.customer_type in p["values"]:
        return None
    return _("It is only for %(types)s customers.") % {
        "types": _labels(CustomerType.choices, p["values"])
    }


def _check_rate_in(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if facts.rate_codes & set(p["codes"]):
        return None
    return _("It is only for customers on rate %(codes)s.") % {"codes": ", ".join(p["codes"])}


def _check_rate_not_in(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    blocked = sorted(facts.rate_codes & set(p["codes"]))
    if not blocked:
        return None
    return _("It is not available on your current rate (%(rate)s).") % {"rate": ", ".join(blocked)}


def _check_not_enrolled(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    # Also applied to every product implicitly (catalog.selectors).
    if not facts.open_product_ids & subject:
        return None
    return _("You are already enrolled, or have a request in progress, at this address.")


def _check_active_months(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    have = facts.months_active()
    if have >= p["months"]:
        return None
    return _(
        "It needs an account open for at least %(months)d months at this address (yours: %(have)d)."
    ) % {"months": p["months"], "have": have}


def _check_zip(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if any(facts.zip_code.startswith(code) for code in p["codes"]):
        return None
    return _("It is not offered in ZIP code %(zip)s.") % {"zip": facts.zip_code[:5]}


def _check_profile_flag(facts: CustomerFacts, p: dict, subject: frozenset[int]) -> str | None:
    if p["flag"] in facts.profile_flags:
        return None
    return _("It is for customers whose home profile says: %(what)s.") % {
        "what": str(dict(PROFILE_FLAGS)[p["flag"]]).lower()
    }


for _rt in [
    RuleType(
        "in_segment",
        gettext_lazy("In segment"),
        SegmentParams,
        _check_in_segment,
        lambda p: _("in segment %s") % p["segment"],
    ),
    RuleType(
        "not_in_segment",
        gettext_lazy("Not in segment"),
        SegmentParams,
        _check_not_in_segment,
        lambda p: _("not in segment %s") % p["segment"],
    ),
    RuleType(
        "has_fuel",
        gettext_lazy("Has fuel"),
        FuelParams,
        _check_has_fuel,
        lambda p: _("has %s service") % p["fuel"],
    ),
    RuleType(
        "has_ami_meter",
        gettext_lazy("Has a smart meter (AMI)"),
        NoParams,
        _check_has_ami,
        lambda p: _("has a smart meter"),
    ),
    RuleType(
        "customer_type",
        gettext_lazy("Customer type"),
        CustomerTypeParams,
        _check_customer_type,
        lambda p: _("customer type in %s") % ", ".join(p["values"]),
    ),
    RuleType(
        "rate_code_in",
        gettext_lazy("Rate code in list"),
        CodesParams,
        _check_rate_in,
        lambda p: _("rate in %s") % ", ".join(p["codes"]),
    ),
    RuleType(
        "rate_code_not_in",
        gettext_lazy("Rate code not in list"),
        CodesParams,
        _check_rate_not_in,
        lambda p: _("rate not in %s") % ", ".join(p["codes"]),
    ),
    RuleType(
        "not_already_enrolled",
        gettext_lazy("Not already enrolled (always applied)"),
        NoParams,
        _check_not_enrolled,
        lambda p: _("not already enrolled"),
    ),
    RuleType(
        "account_active_months",
        gettext_lazy("Account active for N months"),
        MonthsParams,
        _check_active_months,
        lambda p: _("account active ≥ %d months") % p["months"],
    ),
    RuleType(
        "zip_code_in",
        gettext_lazy("ZIP code or prefix in list"),
        CodesParams,
        _check_zip,
        lambda p: _("ZIP starts with %s") % ", ".join(p["codes"]),
    ),
    RuleType(
        "profile_flag",
        gettext_lazy("Home profile says (solar, EV, pump, income-qualified)"),
        ProfileFlagParams,
        _check_profile_flag,
        lambda p: str(dict(PROFILE_FLAGS)[p["flag"]]),
    ),
]:
    rule_type_register(_rt)
