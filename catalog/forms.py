from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.eligibility import rule_params_clean, rule_type_choices
from catalog.models import Audience, EligibilityRule, FuelScope


class CatalogFilterForm(forms.Form):
    q = forms.CharField(label=_("Search programs"), required=False, max_length=100)
    category = forms.SlugField(required=False, widget=forms.HiddenInput)
    audience = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("Everyone")), (Audience.RESIDENTIAL, _("Homes")),
                 (Audience.COMMERCIAL, _("Businesses"))],
    )  # fmt: skip
    fuel = forms.ChoiceField(
        label=_("Fuel"),
        required=False,
        choices=[("", _("Electric or gas")), (FuelScope.ELECTRIC, _("Electric")),
                 (FuelScope.GAS, _("Gas"))],
    )  # fmt: skip
    eligible = forms.BooleanField(label=_("Only what I qualify for"), required=False)


class EligibilityRuleForm(forms.ModelForm):
    rule_type = forms.ChoiceField(label=_("rule"), choices=())

    class Meta:
        model = EligibilityRule
        fields = ["rule_type", "params", "customer_message", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_type"].choices = rule_type_choices()
        self.fields["params"].help_text = _(
            'JSON. in_segment/not_in_segment: {"segment": "income-qualified"}; has_fuel: '
            '{"fuel": "gas"}; customer_type: {"values": ["residential"]}; rate_code_in, '
            'rate_code_not_in, zip_code_in: {"codes": "RES-1, RES-TOU"}; '
            'account_active_months: {"months": 12}; profile_flag: {"flag": "owns_ev"}; '
            "has_ami_meter, not_already_enrolled: {}."
        )

    def clean(self):
        data = super().clean()
        if data.get("rule_type"):
            try:
                data["params"] = rule_params_clean(data["rule_type"], data.get("params") or {})
            except forms.ValidationError as exc:
                for name, errors in exc.message_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
        return data
