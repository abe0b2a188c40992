from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from matchmaking.imports import uploads


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the sheet holds"),
        choices=[("needs", _("Technology needs")), ("results", _("Research results"))],
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "At most %(limit)s. Download a template below to see the columns."
        ) % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        uploads.sheet_kind(upload)
        return upload
