from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Region
from matchmaking.models import Category


class BoardFilterForm(forms.Form):
    """The pipeline board's filters: a county the station covers, a category, one of its staff."""

    county = forms.CharField(label=_("County"), required=False, max_length=6)
    category = forms.ChoiceField(label=_("Category"), required=False, choices=())
    staff = forms.ChoiceField(label=_("Staff member"), required=False, choices=())

    def __init__(self, data, station, **kwargs):
        super().__init__({k: data.get(k) for k in self.base_fields if data.get(k)}, **kwargs)
        self.station = station
        if self.data.get("category"):
            # The menu sends names (Chinese or English); old bookmarks carry slugs.
            known = Category.objects.values_list("slug", "name", "name_en")
            values = {value for row in known for value in row if value}
            self.fields["category"].choices = [("", "")] + [(v, v) for v in sorted(values)]
        if self.data.get("staff"):
            members = station.memberships.values_list("user_id", flat=True)
            self.fields["staff"].choices = [("", "")] + [(str(pk), str(pk)) for pk in members]

    def clean_county(self):
        """A region the station covers, or a county inside one."""
        county = self.cleaned_data["county"]
        if not county:
            return county
        covered = list(self.station.covered_regions.values_list("code", flat=True))
        prefixes = tuple(
            c[:2] if c.endswith("0000") else c[:4] if c.endswith("00") else c for c in covered
        )
        if county not in covered and not (
            county.startswith(prefixes) and Region.objects.filter(code=county).exists()
        ):
            raise ValidationError(_("This station does not cover that county."))
        return county
