"""The filters of the need and result lists, shared by the pages, the API and the exports."""

import functools

import django_filters
from django import forms
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from accounts.enums import RegionGroup
from accounts.regions import code_prefix
from matchmaking.core.fields import ChoiceSetField
from matchmaking.core.filters import (
    PlainCheckboxes,
    PlainSelect,
    category_choices,
    province_choices,
)
from matchmaking.enums import STAGE_TRLS, MaturityStage, TransferMode
from matchmaking.listings import search
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.models import ResearchResult, TechnologyNeed


class FreshFieldsForm(forms.Form):
    """The filters' form, without the deep copy of its fields that every Django form makes.

    ListingFilter builds its filters' fields anew for each list (its __init__), so no other
    form shares them; copying them again deep-copied every category and province choice, about
    a tenth of a list page's CPU (bench/request_cpu.py)."""

    def __init__(self, *args, **kwargs):
        fields = type(self).base_fields
        self.base_fields = {}  # what Form.__init__ copies: nothing
        super().__init__(*args, **kwargs)
        del self.base_fields
        self.fields = dict(fields)


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
        return queryset.filter(region__code__startswith=code_prefix(value))

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
        widget=PlainCheckboxes,
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
        form = FreshFieldsForm
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
        widget=PlainCheckboxes,
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
        form = FreshFieldsForm
        fields = ["q", "category", "province", "region_group", "stage", "transfer_mode", "status"]

    def filter_serves(self, queryset, name, value: str):
        # EXISTS rather than a join: no duplicate rows, so no DISTINCT over wide rows.
        served = ResearchResult.regions_served.through.objects.filter(
            researchresult_id=OuterRef("pk"), region_id=value
        )
        return queryset.filter(Q(serves_all_regions=True) | Exists(served))
