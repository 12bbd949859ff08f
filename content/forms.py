from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from content.models import ContactTopic

MESSAGE_MAX_LENGTH = 4000


class HelpSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search help"),
        max_length=100,
        required=False,
        error_messages={"max_length": _("Please use at most 100 characters.")},
    )


class FaqFeedbackForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("yes", "yes"), ("no", "no")])


class ContactForm(forms.Form):
    topic = forms.ChoiceField(
        label=_("What is it about?"),
        choices=[("", _("Choose a topic")), *ContactTopic.choices],
        error_messages={"required": _("Choose the topic closest to your question.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        error_messages={"required": _("Tell us your name so we know how to address you.")},
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("We send your reference number and our answer here."),
        error_messages={
            "required": _("Enter your e-mail address so we can reply."),
            "invalid": _("Enter an e-mail address like name@example.com."),
        },
    )
    phone = PhoneNumberField(
        label=_("Phone (optional)"),
        required=False,
        help_text=_("If you prefer a call back."),
        error_messages={"invalid": _("Enter a phone number like 217-555-0134.")},
    )
    premise = forms.TypedChoiceField(
        label=_("Which address is it about?"), required=False, coerce=int, empty_value=None
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=MESSAGE_MAX_LENGTH,
        min_length=10,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Please do not include card or bank account numbers."),
        error_messages={
            "required": _("Write your question or what you need help with."),
            "min_length": _("Please tell us a little more (at least 10 characters)."),
            "max_length": _("Please keep your message under 4,000 characters."),
        },
    )

    def __init__(self, *args, premises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.premises = {premise.pk: premise for premise in premises}
        if self.premises:
            self.fields["premise"].choices = [("", _("Not about a specific address"))] + [
                (pk, premise.full_address) for pk, premise in self.premises.items()
            ]
            self.fields["premise"].error_messages["invalid_choice"] = _(
                "Choose one of your own addresses."
            )
        else:
            del self.fields["premise"]

    def clean_premise(self):
        # The choices are the login's own premises; anything else never validates.
        pk = self.cleaned_data.get("premise")
        return self.premises.get(pk) if pk is not None else None
