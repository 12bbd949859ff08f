from django import forms
from django.utils.translation import gettext_lazy as _


class CartAddForm(forms.Form):
    product = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    bundle = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    next = forms.CharField(required=False, max_length=300, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if bool(data.get("product")) == bool(data.get("bundle")):
            raise forms.ValidationError(_("Choose one program or one bundle."))
        return data


class CheckoutForm(forms.Form):
    terms_accepted = forms.BooleanField(
        label=_("I have read and accept the terms of the programs in this order."),
        error_messages={"required": _("Please accept the terms to place the order.")},
    )


class PremiseForm(forms.Form):
    customer = forms.TypedChoiceField(label=_("Address"), coerce=int, choices=())

    def __init__(self, *args, customers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customer"].choices = [
            (c.pk, f"{c.premise.full_address} · {c.masked_id}") for c in customers
        ]


class LeaveForm(forms.Form):
    note = forms.CharField(
        label=_("Anything we should know? (optional)"), required=False, max_length=300
    )
