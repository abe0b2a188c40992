from django import forms

from accounts.models import Region


class RegionSearchWidget(forms.Select):
    """A select of regions that the user fills by typing (htmx), instead of 3,000 options.

    Only the current choice is rendered; typing in the search box asks the region search view
    for matching options and swaps them into the select.
    """

    template_name = "accounts/widgets/region_search.html"

    def __init__(self, attrs=None, levels: str = "1,2,3"):
        super().__init__(attrs)
        self.levels = levels

    def optgroups(self, name, value, attrs=None):
        selected = {str(v) for v in value if v}
        groups = []
        if selected:
            for index, region in enumerate(Region.objects.filter(code__in=selected)):
                option = self.create_option(
                    name, region.code, region.full_name, True, index, attrs=attrs
                )
                groups.append((None, [option], index))
        else:
            groups.append((None, [self.create_option(name, "", "---------", True, 0)], 0))
        return groups

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["levels"] = self.levels
        return context
