"""The filters of the need and result lists, shared by the pages, the API and the exports."""

import functools

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.enums import RegionGroup
from accounts.models import Region
from matchmaking import search
from matchmaking.enums import (
    STAGE_TRLS,
    MatchState,
    MaturityStage,
    NeedStatus,
    ResultStatus,
    TransferMode,
)
from matchmaking.fields import ChoiceSetField
from matchmaking.models import Category, Match, ResearchResult, TechnologyNeed

# The values a yes/no parameter (?mine=, ?fit_price=) accepts; anything else is refused.
FLAG_VALUES = ("1", "0", "true", "false")
FLAG_CHOICES = [(value, value) for value in FLAG_VALUES]


def flag_is_set(value) -> bool:
    return str(value).lower() in ("1", "true")


def parse_flag(params, name: str) -> bool:
    """A yes/no query parameter: absent or empty is no; a value outside FLAG_VALUES raises a
    ValidationError naming the parameter."""
    value = str(params.get(name, "") or "").lower()
    if value and value not in FLAG_VALUES:
        raise ValidationError(
            {name: [_("“%(value)s” is not one of 1, 0, true, false.") % {"value": value[:40]}]}
        )
    return flag_is_set(value)


class PlainSelect(forms.Select):
    """A select whose options are written here rather than through a template each: Django's
    per-option templates took half of a list page's time (bench/load_site.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if str(key) in selected else "", label)
                for key, label in self.choices
            ),
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


def category_choices():
    choices = []
    for category in Category.objects.select_related("parent").order_by(
        F("parent__position").asc(nulls_first=True), "parent_id", "position"
    ):
        prefix = "— " if category.parent_id else ""
        choices.append((category.slug, prefix + category.display_name))
    return choices


def province_choices():
    return [(r.code, r.name) for r in Region.objects.filter(level=1).order_by("code")]


class ListingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_search", label=_("Search"))
    category = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        method="filter_category",
        label=_("Category"),
        choices=category_choices,
    )
    province = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        method="filter_province",
        label=_("Province"),
        choices=province_choices,
    )
    region_group = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        field_name="region__group",
        label=_("Region group"),
        choices=RegionGroup.choices,
    )
    transfer_mode = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        method="filter_transfer_mode",
        label=_("Transfer mode"),
        choices=TransferMode.choices,
    )
    stage = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        method="filter_stage",
        label=_("Maturity"),
        choices=MaturityStage.choices,
    )

    trl_field = "trl"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The blank choice is the default order: most relevant first when searching (the
        # selectors order so); otherwise it is newest first, offered once, not twice.
        sort = self.filters["sort"]
        searching = bool(search.search_terms(str((self.data or {}).get("q") or "")))
        sort.extra["empty_label"] = _("Most relevant") if searching else None
        once = {}
        for filter_ in self.filters.values():
            # A filter builds its form field once and keeps it; one built from the class's
            # filters (the API schema reads them) would ignore what is set here.
            filter_.__dict__.pop("_field", None)
            # Sort is a CSV field with a widget of its own.
            if type(filter_) is django_filters.ChoiceFilter:
                filter_.extra.setdefault("widget", PlainSelect)
            choices = filter_.extra.get("choices")
            if callable(choices):
                # The form checks a value against the choices and then renders them: one
                # query for both (and for the two filters of provinces).
                filter_.extra["choices"] = once.setdefault(choices, functools.cache(choices))

    def filter_search(self, queryset, name, value):
        terms = search.search_terms(value)
        if not terms:
            return queryset
        if connection.vendor == "postgresql":
            tokens = sorted({t for term in terms for t in search.term_tokens(term)})
            if tokens:
                query = " & ".join(t.replace("'", "") for t in tokens)
                queryset = queryset.filter(
                    RawSQL(
                        "to_tsvector('simple', search_tokens) @@ to_tsquery('simple', %s)",
                        [query],
                        output_field=BooleanField(),
                    )
                )
        for term in terms:
            queryset = queryset.filter(search_text__contains=term)
        return queryset

    def filter_category(self, queryset, name, value):
        return queryset.filter(Q(category__slug=value) | Q(category__parent__slug=value))

    def filter_province(self, queryset, name, value: str):
        return queryset.filter(region__code__startswith=value[:2])

    def filter_transfer_mode(self, queryset, name, value):
        return queryset.filter(transfer_modes__contains=ChoiceSetField.contains(value))

    def filter_stage(self, queryset, name, value):
        trls = STAGE_TRLS[MaturityStage(value)]
        return queryset.filter(**{f"{self.trl_field}__in": list(trls)})


class NeedFilter(ListingFilter):
    # A plain column: DISTINCT (the filter's default, for joins) would only make PostgreSQL
    # sort the wide rows, tripling the count of a long list.
    status = django_filters.MultipleChoiceFilter(
        choices=NeedStatus.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    budget_from = django_filters.NumberFilter(
        method="filter_budget_from", label=_("Budget at least (CNY)")
    )
    budget_to = django_filters.NumberFilter(
        method="filter_budget_to", label=_("Budget at most (CNY)")
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        empty_label=_("Newest"),
        fields=(("published_at", "published"), ("deadline", "deadline")),
        field_labels={
            "-published": _("Newest"),
            "deadline": _("Deadline soonest"),
        },
        choices=[
            ("-published", _("Newest")),
            ("deadline", _("Deadline soonest")),
        ],
    )

    trl_field = "min_trl"

    class Meta:
        model = TechnologyNeed
        fields = ["q", "category", "province", "region_group", "stage", "transfer_mode", "status"]

    # Budgets marked private never take part in filtering: a filter would reveal them.
    def filter_budget_from(self, queryset, name, value):
        return queryset.filter(budget_public=True).filter(
            Q(budget_max__gte=value) | Q(budget_max__isnull=True, budget_min__isnull=False)
        )

    def filter_budget_to(self, queryset, name, value):
        return queryset.filter(budget_public=True, budget_min__isnull=False, budget_min__lte=value)


class ResultFilter(ListingFilter):
    status = django_filters.MultipleChoiceFilter(
        choices=ResultStatus.choices,
        label=_("Status"),
        widget=forms.CheckboxSelectMultiple,
        distinct=False,
    )
    price_from = django_filters.NumberFilter(
        field_name="asking_price", lookup_expr="gte", label=_("Price at least (CNY)")
    )
    price_to = django_filters.NumberFilter(
        field_name="asking_price", lookup_expr="lte", label=_("Price at most (CNY)")
    )
    serves = django_filters.ChoiceFilter(
        empty_label=_("Any"),
        method="filter_serves",
        label=_("Serves province"),
        choices=province_choices,
    )
    sort = django_filters.OrderingFilter(
        label=_("Sort"),
        empty_label=_("Newest"),
        fields=(("published_at", "published"), ("asking_price", "price"), ("trl", "maturity")),
        choices=[
            ("-published", _("Newest")),
            ("price", _("Lowest price")),
            ("-maturity", _("Most mature")),
        ],
    )

    class Meta:
        model = ResearchResult
        fields = ["q", "category", "province", "region_group", "stage", "transfer_mode", "status"]

    def filter_serves(self, queryset, name, value: str):
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over wide rows.
        served = ResearchResult.regions_served.through.objects.filter(
            researchresult_id=OuterRef("pk"), region_id=value
        )
        return queryset.filter(Q(serves_all_regions=True) | Exists(served))


# -- the filters of a listing's match list ----------------------------------------------------

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


# -- the statistics filters ---------------------------------------------------------------------

YEARS = (1991, 2199)


def _province_choices_with_prefixes():
    # A province by its 6-digit GB/T 2260 code (as the page's select sends it) or its
    # 2-digit prefix.
    codes = [code for code, _name in province_choices()]
    return [(c, c) for c in codes] + [(c[:2], c[:2]) for c in codes]


def _statistics_category_choices():
    return [(slug, slug) for slug in Category.objects.values_list("slug", flat=True)]


def _station_choices():
    from accounts.enums import OrganisationKind
    from accounts.models import Organisation

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
            "province": _province_choices_with_prefixes,
            "category": _statistics_category_choices,
            "station": _station_choices,
        }
        for name, choices in lookups.items():
            if data.get(name):
                self.fields[name].choices = [("", "")] + choices()

    def clean_province(self):
        return self.cleaned_data["province"][:2]

    def clean_station(self):
        value = self.cleaned_data["station"]
        return int(value) if value else None

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("year_from"), cleaned.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", _("The last year comes before the first."))
        return cleaned


# -- the station board's filters ----------------------------------------------------------------


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


# -- a fair's participant list ------------------------------------------------------------------


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
            self.fields["province"].choices = [("", "")] + _province_choices_with_prefixes()

    def clean_province(self):
        return self.cleaned_data["province"][:2]
