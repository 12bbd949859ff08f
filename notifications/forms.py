from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from notifications.topics import Channel


class EmailContactForm(forms.Form):
    address = forms.EmailField(label=_("E-mail address"), max_length=254)


class PhoneContactForm(forms.Form):
    address = PhoneNumberField(
        label=_("Phone number"), region="US", help_text=_("For example 312-555-0134.")
    )


CONTACT_FORMS = {
    Channel.EMAIL: EmailContactForm,
    Channel.SMS: PhoneContactForm,
    Channel.VOICE: PhoneContactForm,
}


class ChannelOptOutForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that this is permanent and cannot be undone."),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
