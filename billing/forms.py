from django import forms
from django.utils.translation import gettext_lazy as _

from billing.models import ImportKind


class DataFileUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of file"),
        choices=[(k.value, k.label) for k in (ImportKind.BILLING, ImportKind.INTERVAL)],
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "Tab-separated UTF-8 text, plain, .gz or a .zip holding one file. Name it by the "
            "convention (opwr_<utility>_res_<version>_<full|customer|usage|interval60>_"
            "<yyyyMMddHHmmss>) so its layout and time stamp are known."
        ),
    )
    max_rejected_percent = forms.DecimalField(
        label=_("Largest share of bad rows accepted (%)"),
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Leave empty for the usual limit (1% unless configured otherwise)."),
    )
    force = forms.BooleanField(
        label=_("Re-apply if already imported"),
        required=False,
        help_text=_("A file with the same checksum is otherwise reported as already imported."),
    )
