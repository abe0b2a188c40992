from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaking.core.filters import province_choices_with_prefixes


class ParticipantFilterForm(forms.Form):
    """A fair's participants: enterprises or institutions, from a province."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", ""), ("enterprise", "enterprise"), ("institution", "institution")],
    )
    province = forms.ChoiceField(label=_("Province"), required=False, choices=())

    def __init__(self, data, **kwargs):
        super().__init__({k: data.get(k) for k in self.base_fields if data.get(k)}, **kwargs)
        if self.data.get("province"):
            self.fields["province"].choices = [("", "")] + province_choices_with_prefixes()

    def clean_province(self):
        return self.cleaned_data["province"][:2]
