from django import forms
from django.utils.translation import gettext_lazy as _

from segments.conditions import condition_choices, condition_params_clean
from segments.models import SegmentCondition


class HomeProfileForm(forms.Form):
    owns_solar = forms.BooleanField(label=_("I have solar panels"), required=False)
    owns_ev = forms.BooleanField(label=_("I have an electric vehicle"), required=False)
    owns_agricultural_pump = forms.BooleanField(
        label=_("I have an agricultural or irrigation pump"), required=False
    )


class SegmentConditionForm(forms.ModelForm):
    condition_type = forms.ChoiceField(label=_("condition"), choices=())

    class Meta:
        model = SegmentCondition
        fields = ["condition_type", "params", "negate", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["condition_type"].choices = condition_choices()
        self.fields["params"].help_text = _(
            'JSON. customer_type/dwelling_type/heating_fuel: {"values": ["residential"]}; '
            'profile_flag: {"flag": "owns_solar", "value": true}; yearly_usage_kwh and '
            'summer_peak_share: {"min": 0.3, "max": 1}; rate_code and zip_code: '
            '{"codes": "RES-1, RES-TOU"}; has_fuel: {"fuel": "gas"}; has_ami_meter: {}; '
            'enrolled_in: {"programs": "peak-time-rebates"}.'
        )

    def clean(self):
        data = super().clean()
        if data.get("condition_type"):
            try:
                data["params"] = condition_params_clean(
                    data["condition_type"], data.get("params") or {}
                )
            except forms.ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data
