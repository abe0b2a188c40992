from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.enums import OrganisationKind, RegionGroup
from accounts.models import Organisation
from accounts.regions import code_prefix
from matchmaking.core.filters import province_choices_with_prefixes
from matchmaking.models import Category

YEARS = (1991, 2199)


def _statistics_category_choices():
    return [(slug, slug) for slug in Category.objects.values_list("slug", flat=True)]


def _station_choices():

    stations = Organisation.objects.filter(kind=OrganisationKind.STATION)
    return [(str(pk), str(pk)) for pk in stations.values_list("pk", flat=True)]


class StatisticsFilterForm(forms.Form):
    """The statistics page's and API's filters; a value outside these is refused."""

    year_from = forms.IntegerField(
        label=_("From year"), required=False, min_value=YEARS[0], max_value=YEARS[1]
    )
    year_to = forms.IntegerField(
        label=_("To year"), required=False, min_value=YEARS[0], max_value=YEARS[1]
    )
    region_group = forms.ChoiceField(
        label=_("Region group"), required=False, choices=[("", "")] + RegionGroup.choices
    )
    province = forms.ChoiceField(label=_("Province"), required=False, choices=())
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    station = forms.ChoiceField(label=_("Station"), required=False, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the fields given are checked against the database.
        data = self.data or {}
        lookups = {
            "province": province_choices_with_prefixes,
            "category": _statistics_category_choices,
            "station": _station_choices,
        }
        for name, choices in lookups.items():
            if data.get(name):
                self.fields[name].choices = [("", "")] + choices()

    def clean_province(self):
        return code_prefix(self.cleaned_data["province"])

    def clean_station(self):
        value = self.cleaned_data["station"]
        return int(value) if value else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", _("The last year comes before the first."))
        return cleaned
