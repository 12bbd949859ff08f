from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from users.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language", "phone"]
        labels = {
            "name": _("Your name"),
            "language": _("Language for the portal and our messages"),
            "phone": _("Mobile phone"),
        }
        help_texts = {
            "phone": _("Optional. For example +1 217 555 0134."),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)
