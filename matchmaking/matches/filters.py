import django_filters
from django.utils.translation import gettext_lazy as _

from matchmaking.core.filters import FLAG_CHOICES, flag_is_set
from matchmaking.matches.states import MatchState
from matchmaking.models import Match

MATCH_FITS = ("category", "region", "price", "maturity", "transfer")


# A fit holds when the result meets what the need asked; a need that asked nothing of a fit
# (any maturity, any transfer mode) is met by every result.
GOOD_REASONS = {
    "category": ("category_match", "category_same_parent"),
    "region": ("region_served", "region_nationwide"),
    "price": ("price_within_budget",),
    "maturity": ("trl_ok", "trl_not_required"),
    "transfer": ("transfer_mode_match", "transfer_mode_any"),
}


class FlagFilter(django_filters.ChoiceFilter):
    """A yes/no parameter that refuses any other value: 1/true keeps only the rows the
    `method` selects, 0/false or absent keeps every row."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", FLAG_CHOICES)
        super().__init__(*args, **kwargs)


def _fit_filter(fit: str, label) -> FlagFilter:
    def method(queryset, name, value):
        if not flag_is_set(value):
            return queryset
        return queryset.filter(**{f"explanation__fits__{fit}__reason__in": GOOD_REASONS[fit]})

    return FlagFilter(label=label, method=method)


class MatchFilter(django_filters.FilterSet):
    """?state=…&fit_category=1…: the states to keep and the fits that must hold."""

    state = django_filters.MultipleChoiceFilter(
        choices=MatchState.choices, label=_("State"), distinct=False
    )
    fit_category = _fit_filter("category", _("Same category"))
    fit_region = _fit_filter("region", _("Serves the province"))
    fit_price = _fit_filter("price", _("Within budget"))
    fit_maturity = _fit_filter("maturity", _("Mature enough"))
    fit_transfer = _fit_filter("transfer", _("Transfer mode accepted"))

    class Meta:
        model = Match
        fields = ["state"]
