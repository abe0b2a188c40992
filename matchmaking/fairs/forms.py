from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation
from matchmaking.fairs.services import clean_breaks
from matchmaking.models import (
    Fair,
)


class BreaksWidget(forms.Widget):
    """Rows of start and end times (breaks_start / breaks_end), one row a break; the script
    static/js/fair_breaks.js adds and removes rows, and without it one empty row is offered."""

    template_name = "matchmaking/widgets/breaks.html"

    def value_from_datadict(self, data, files, name):
        starts, ends = data.getlist(f"{name}_start"), data.getlist(f"{name}_end")
        return [[a, b] for a, b in zip(starts, ends, strict=False)]

    def value_omitted_from_data(self, data, files, name):
        return f"{name}_start" not in data and f"{name}_end" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = [list(row) for row in (value or []) if isinstance(row, list | tuple)]
        context["widget"]["rows"] = [*rows, ["", ""]]  # room for one more without the script
        return context


class BreaksField(forms.Field):
    widget = BreaksWidget

    def to_python(self, value):
        return [list(row) for row in value or []]


class FairForm(forms.ModelForm):
    """Announce or edit a fair; the breaks are checked by services.fairs.clean_breaks."""

    breaks = BreaksField(
        label=_("Breaks"),
        required=False,
        help_text=_("No meetings start inside a break, such as lunch from 12:00 to 13:30."),
    )

    class Meta:
        model = Fair
        fields = [
            "name",
            "year",
            "city",
            "venue",
            "first_day",
            "days",
            "registration_opens",
            "registration_closes",
            "day_start",
            "day_end",
            "slot_minutes",
            "breaks",
            "tables",
            "max_meetings",
            "organisers",
        ]
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_opens": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "registration_closes": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "day_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "organisers": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is None or not permissions.is_admin(user):
            del self.fields["organisers"]
        else:
            self.fields["organisers"].queryset = Organisation.objects.filter(
                kind=OrganisationKind.STATION
            ).order_by("name")

    def clean(self):

        cleaned = super().clean()
        start, end = cleaned.get("day_start"), cleaned.get("day_end")
        if start and end and start >= end:
            self.add_error("day_end", _("The meetings end after they start."))
        opens, closes = cleaned.get("registration_opens"), cleaned.get("registration_closes")
        if opens and closes and opens > closes:
            self.add_error("registration_closes", _("Registration closes after it opens."))
        if "breaks" in cleaned:
            try:
                cleaned["breaks"] = clean_breaks(cleaned["breaks"], start, end)
            except ValidationError as error:
                self.add_error("breaks", error.message_dict["breaks"])
        return cleaned
