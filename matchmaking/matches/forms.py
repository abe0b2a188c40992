from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaking.enums import DeclineReason
from matchmaking.matches.states import MatchState
from matchmaking.models import (
    SavedSearch,
)


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why not?"), choices=DeclineReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ContactRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the researcher"),
        max_length=2000,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": _("What you need, when, and how to reach you.")}
        ),
    )


class MatchMoveForm(forms.Form):
    to = forms.ChoiceField(choices=MatchState.choices)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=1000)
    expected_state = forms.ChoiceField(choices=MatchState.choices, required=False)


class SavedSearchForm(forms.ModelForm):
    class Meta:
        model = SavedSearch
        fields = ["target", "query", "category", "province"]
