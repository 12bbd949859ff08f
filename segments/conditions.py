"""Segment condition types: what staff may choose, and what each one means.

Each condition type has a stable key (stored on ``SegmentCondition``), a
parameter form (typed, validated; its cleaned data is what is stored) and a
function that turns the parameters into a ``Q`` over ``billing.Customer``, so
a whole segment is one query (membership is computed set-based).

Stable keys rather than dotted class paths: renaming code never breaks a
segment staff saved (django-oscar's lesson with ``proxy_class``). Apps above
segments add their own types with :func:`condition_register` from their
``AppConfig.ready()`` (enrollment adds "enrolled in a program").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from billing.models import Account, CustomerType, DwellingType, Fuel, HeatingFuel, MeterType

PROFILE_FLAGS = [
    ("owns_solar", _("Has solar panels")),
    ("owns_ev", _("Has an electric vehicle")),
    ("owns_agricultural_pump", _("Has an agricultural pump")),
    ("income_qualified", _("Income-qualified")),
]


@dataclass(frozen=True)
class ConditionType:
    key: str
    label: str
    params_form: type[forms.Form]
    build_q: Callable[[dict], Q]
    describe: Callable[[dict], str]


CONDITION_TYPES: dict[str, ConditionType] = {}


def condition_register(condition_type: ConditionType) -> None:
    CONDITION_TYPES[condition_type.key] = condition_type


def condition_choices() -> list[tuple[str, str]]:
    return [(ct.key, ct.label) for ct in CONDITION_TYPES.values()]


def condition_params_clean(key: str, params: dict | None) -> dict:
    """Validate parameters for a condition type; return what to store.

    Raises ``ValidationError`` naming the field and the problem.
    """
    condition_type = CONDITION_TYPES.get(key)
    if condition_type is None:
        raise ValidationError({"condition_type": _("Unknown condition type “%s”.") % key})
    if params is not None and not isinstance(params, dict):
        raise ValidationError({"params": _("Parameters must be a JSON object.")})
    form = condition_type.params_form(data=params or {})
    if not form.is_valid():
        problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise ValidationError({"params": problems})
    return _jsonable(form.cleaned_data)


def condition_q(key: str, params: dict, *, negate: bool = False) -> Q:
    q = CONDITION_TYPES[key].build_q(params)
    return ~q if negate else q


def condition_describe(key: str, params: dict, *, negate: bool = False) -> str:
    condition_type = CONDITION_TYPES.get(key)
    if condition_type is None:
        return f"? {key}"
    try:
        text = str(condition_type.describe(params))
    except (KeyError, TypeError, ValueError):
        text = f"{condition_type.label} ({params})"
    return f"{_('not')} {text}" if negate else text


def _jsonable(data: dict) -> dict:
    out = {}
    for name, value in data.items():
        if isinstance(value, Decimal):
            out[name] = str(value)
        elif isinstance(value, (list, tuple)):
            out[name] = list(value)
        else:
            out[name] = value
    return out


def _active_accounts():
    return Account.objects.active().filter(customer=OuterRef("pk"))


def _choices_form(choices) -> type[forms.Form]:
    return type(
        "ChoicesParams",
        (forms.Form,),
        {"values": forms.MultipleChoiceField(choices=[c for c in choices if c[0]])},
    )


def _labels(choices, values) -> str:
    labels = dict(choices)
    return ", ".join(str(labels.get(v, v)) for v in values)


class BooleanParams(forms.Form):
    flag = forms.ChoiceField(choices=PROFILE_FLAGS)
    value = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args, **kwargs):
        data = kwargs.get("data")
        if data is not None and "value" not in data:
            kwargs["data"] = {**data, "value": True}
        super().__init__(*args, **kwargs)


class RangeParams(forms.Form):
    min = forms.DecimalField(required=False, min_value=0)
    max = forms.DecimalField(required=False, min_value=0)

    def clean(self):
        data = super().clean()
        low, high = data.get("min"), data.get("max")
        if low is None and high is None:
            raise ValidationError(_("Give a minimum, a maximum or both."))
        if low is not None and high is not None and low >= high:
            raise ValidationError(_("The minimum must be below the maximum."))
        return data


class ShareRangeParams(RangeParams):
    min = forms.DecimalField(required=False, min_value=0, max_value=1)
    max = forms.DecimalField(required=False, min_value=0, max_value=1)


class CodesParams(forms.Form):
    codes = forms.CharField(help_text=_("Comma-separated, e.g. RES-1, RES-TOU"))

    def clean_codes(self):
        raw = self.cleaned_data["codes"]
        items = raw if isinstance(raw, list) else str(raw).split(",")
        codes = [str(c).strip() for c in items if str(c).strip()]
        if not codes:
            raise ValidationError(_("Give at least one value."))
        return codes


class ZipParams(CodesParams):
    def clean_codes(self):
        codes = super().clean_codes()
        for code in codes:
            if not code.replace("-", "").isdigit() or len(code) > 10:
                raise ValidationError(_("“%s” is not a ZIP code or ZIP prefix.") % code)
        return codes


class FuelParams(forms.Form):
    fuel = forms.ChoiceField(choices=Fuel.choices)


class NoParams(forms.Form):
    pass


def _range_q(field: str, params: dict) -> Q:
    q = Q()
    if params.get("min") not in (None, ""):
        q &= Q(**{f"{field}__gte": Decimal(params["min"])})
    if params.get("max") not in (None, ""):
        q &= Q(**{f"{field}__lt": Decimal(params["max"])})
    return q


def _range_text(label: str, params: dict, unit: str = "") -> str:
    low, high = params.get("min"), params.get("max")
    if low not in (None, "") and high not in (None, ""):
        return f"{label} {low}–{high}{unit}"
    if low not in (None, ""):
        return f"{label} ≥ {low}{unit}"
    return f"{label} < {high}{unit}"


def _zip_q(params: dict) -> Q:
    q = Q(pk__in=[])
    for code in params["codes"]:
        q |= Q(premise__zip_code__startswith=code)
    return q


for _ct in [
    ConditionType(
        "customer_type",
        _("Customer type"),
        _choices_form(CustomerType.choices),
        lambda p: Q(customer_type__in=p["values"]),
        lambda p: _("customer type is %s") % _labels(CustomerType.choices, p["values"]),
    ),
    ConditionType(
        "dwelling_type",
        _("Dwelling type"),
        _choices_form(DwellingType.choices),
        lambda p: Q(premise__dwelling_type__in=p["values"]),
        lambda p: _("dwelling is %s") % _labels(DwellingType.choices, p["values"]),
    ),
    ConditionType(
        "heating_fuel",
        _("Heating fuel"),
        _choices_form(HeatingFuel.choices),
        lambda p: Q(premise__heating_fuel__in=p["values"]),
        lambda p: _("heats with %s") % _labels(HeatingFuel.choices, p["values"]),
    ),
    ConditionType(
        "profile_flag",
        _("Profile attribute (solar, EV, agricultural pump, income-qualified)"),
        BooleanParams,
        lambda p: Q(**{f"profile__{p['flag']}": bool(p.get("value", True))}),
        lambda p: (
            str(dict(PROFILE_FLAGS)[p["flag"]])
            if p.get("value", True)
            else f"{_('not')} {dict(PROFILE_FLAGS)[p['flag']]}"
        ),
    ),
    ConditionType(
        "yearly_usage_kwh",
        _("Yearly electricity use (kWh)"),
        RangeParams,
        lambda p: _range_q("profile__yearly_kwh", p),
        lambda p: _range_text(str(_("yearly use")), p, " kWh"),
    ),
    ConditionType(
        "summer_peak_share",
        _("Summer peak share (0–1, from smart-meter reads)"),
        ShareRangeParams,
        lambda p: _range_q("profile__summer_peak_share", p),
        lambda p: _range_text(str(_("summer peak share")), p),
    ),
    ConditionType(
        "rate_code",
        _("Rate code (any active account)"),
        CodesParams,
        lambda p: Q(Exists(_active_accounts().filter(rate_code__code__in=p["codes"]))),
        lambda p: _("on rate %s") % ", ".join(p["codes"]),
    ),
    ConditionType(
        "zip_code",
        _("ZIP code or prefix"),
        ZipParams,
        _zip_q,
        lambda p: _("ZIP starts with %s") % ", ".join(p["codes"]),
    ),
    ConditionType(
        "has_fuel",
        _("Has service of a fuel"),
        FuelParams,
        lambda p: Q(Exists(_active_accounts().filter(service_point__fuel=p["fuel"]))),
        lambda p: _("has %s service") % dict(Fuel.choices).get(p["fuel"], p["fuel"]),
    ),
    ConditionType(
        "has_ami_meter",
        _("Has a smart meter (AMI)"),
        NoParams,
        lambda p: Q(Exists(_active_accounts().filter(service_point__meter_type=MeterType.AMI))),
        lambda p: _("has a smart meter"),
    ),
]:
    condition_register(_ct)
