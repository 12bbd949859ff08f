from django import forms
from django.utils.translation import gettext_lazy as _

from billing.claims import amount_parse
from billing.models import ClaimMethod


class ClaimForm(forms.Form):
    identifier = forms.CharField(
        label=_("Account number or customer ID"),
        max_length=64,
        help_text=_("As printed on your bill, for example A30000001E."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    method = forms.ChoiceField(
        label=_("How would you like to confirm it's yours?"),
        choices=ClaimMethod.choices,
        initial=ClaimMethod.ZIP_AND_NAME,
        widget=forms.RadioSelect,
    )
    zip_code = forms.CharField(
        label=_("Service ZIP code"),
        max_length=10,
        required=False,
        help_text=_("The ZIP code of the address where you get service."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    last_name = forms.CharField(
        label=_("Last name on the account"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    bill_amount = forms.CharField(
        label=_("Amount of your last bill"),
        max_length=20,
        required=False,
        help_text=_("In dollars and cents, for example 84.17."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        method = data.get("method")
        if method == ClaimMethod.ZIP_AND_NAME:
            if not data.get("zip_code"):
                self.add_error("zip_code", _("Enter the ZIP code of your service address."))
            if not data.get("last_name"):
                self.add_error("last_name", _("Enter the last name on the account."))
        elif method == ClaimMethod.LAST_BILL:
            amount = amount_parse(data.get("bill_amount"))
            if amount is None:
                self.add_error("bill_amount", _("Enter the amount, for example 84.17."))
            data["bill_amount"] = amount
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person to invite"),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
