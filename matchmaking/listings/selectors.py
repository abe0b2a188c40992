"""Reads for needs and results: what a user may see, filtered and ready to render."""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import User
from matchmaking.enums import Visibility
from matchmaking.listings import search
from matchmaking.listings.filters import NeedFilter, ResultFilter
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.matches.matching import has_fresh_vector
from matchmaking.models import Category, NeedPhoto, ResearchResult, SavedSearch, TechnologyNeed

_LIST_RELATED = ("organisation", "category", "category__parent", "region")
# What no list shows (pages, API, exports): the search columns and the dense vector are the
# widest part of a row, and the organisation's profile text is for its own page.
_LIST_DEFERRED = (
    "search_text",
    "search_tokens",
    "embedding",
    "embedding_encoder",
    "embedding_digest",
    "organisation__description",
)


def _visible(queryset: QuerySet, user: User) -> QuerySet:
    queryset = queryset.exclude(status=NeedStatus.DRAFT)
    if not user.is_authenticated:
        queryset = queryset.exclude(visibility=Visibility.REGISTERED)
    return queryset


def _mine(queryset: QuerySet, user: User) -> QuerySet:
    """The listings of the user's organisations (drafts included), and for station staff,
    those of the enterprises in their counties that they entered."""
    if not user.is_authenticated:
        return queryset.none()
    organisations = permissions.organisations_of(user)
    mine = Q(organisation__in=[o.pk for o in organisations])
    stations = [o.pk for o in organisations if o.kind == OrganisationKind.STATION]
    if stations:
        # Only stations act for others. Without the OR the query keeps to one index.
        mine |= Q(acting_station__in=stations)
    return queryset.filter(mine)


def need_queryset(user: User, *, mine: bool = False) -> QuerySet[TechnologyNeed]:
    needs = TechnologyNeed.objects.select_related(*_LIST_RELATED).defer(*_LIST_DEFERRED)
    return _mine(needs, user) if mine else _visible(needs, user)


def result_queryset(user: User, *, mine: bool = False) -> QuerySet[ResearchResult]:
    results = ResearchResult.objects.select_related(*_LIST_RELATED).defer(*_LIST_DEFERRED)
    return _mine(results, user) if mine else _visible(results, user)


def own_listings(model, user: User) -> QuerySet:
    """The listings of the user's organisations (the `mine` lists, unfiltered)."""
    return _mine(model.objects.all(), user)


def listing_for_page(model) -> QuerySet:
    """Needs or results with everything their page shows; not the search copies and the
    vector, which no page shows (whether the vector is fresh is read from its digest)."""
    return model.objects.select_related(
        "organisation",
        "organisation__region",
        "category",
        "category__parent",
        "region",
        "created_by",
        "acting_station",
    ).defer("search_text", "search_tokens", "embedding", "organisation__description")


def listing_for_api(model) -> QuerySet:
    """Needs or results with what the API's detail and the permission checks read."""
    return model.objects.select_related("organisation", "category", "region")


def listing_with_organisation(model) -> QuerySet:
    return model.objects.select_related("organisation")


def api_listing_list(queryset: QuerySet, *, published: str = "", newest_first: bool) -> QuerySet:
    """The API's list: only `published` listings when a status is given, newest first unless
    the caller sorts."""
    if published:
        queryset = queryset.filter(status=published)
    if newest_first:
        queryset = queryset.order_by("-published_at", "-created_at", "-pk")
    return queryset


def need_photos() -> QuerySet[NeedPhoto]:
    """Photos with their need's organisation and region, as the permission check reads them."""
    return NeedPhoto.objects.select_related("need__organisation__region")


def photos_of(need: TechnologyNeed) -> list[NeedPhoto]:
    return list(need.photos.all())


def needs_with_organisation() -> QuerySet[TechnologyNeed]:
    return TechnologyNeed.objects.select_related("organisation", "organisation__region")


def category_tree() -> QuerySet[Category]:
    return Category.objects.select_related("parent").order_by("parent_id", "position", "slug")


def recent_public(model, status: str, *, limit: int = 4) -> list:
    """The newest public listings in this status, as the home page lists them."""
    return list(
        model.objects.filter(status=status, visibility=Visibility.PUBLIC)
        .select_related("organisation", "region")
        .only("pk", "title", "published_at", "organisation__name", "region__name")
        .order_by("-published_at", "-pk")[:limit]
    )


def needs_by_pk(pks) -> QuerySet[TechnologyNeed]:
    """The needs with these ids, whoever owns them: the service keeps the caller's own."""
    return TechnologyNeed.objects.filter(pk__in=pks)


def results_by_pk(pks) -> QuerySet[ResearchResult]:
    """The results with these ids, whoever owns them: the service keeps the caller's own."""
    return ResearchResult.objects.filter(pk__in=pks)


def saved_searches_of(user: User) -> QuerySet[SavedSearch]:
    return SavedSearch.objects.filter(user=user).select_related("category", "province")


def _filtered(filter_class, queryset, params, default_status: str, *, mine: bool, request=None):
    filterset = filter_class(params, queryset=queryset, request=request)
    filtered = filterset.qs if filterset.is_valid() else queryset.none()
    if not mine and not params.get("status"):
        filtered = filtered.filter(status=default_status)
    if not params.get("sort"):
        terms = search.search_terms(str(params.get("q") or ""))
        if terms:
            # Most relevant first: the terms in the title count most, in the keywords next.
            relevance = sum(
                (
                    Case(When(title__icontains=term, then=Value(2)), default=Value(0))
                    + Case(When(keywords__icontains=term, then=Value(1)), default=Value(0))
                    for term in terms
                ),
                start=Value(0),
            )
            # An alias, not an annotation: it orders the list and is shown nowhere.
            filtered = filtered.alias(relevance=relevance).order_by(
                "-relevance", "-published_at", "-created_at", "-pk"
            )
        else:
            filtered = filtered.order_by("-published_at", "-created_at", "-pk")
    return filterset, filtered


def need_list(user: User, params, *, mine: bool = False, request=None):
    """(filterset, queryset) of the needs the user may see, filtered by `params`."""
    return _filtered(
        NeedFilter,
        need_queryset(user, mine=mine),
        params,
        NeedStatus.OPEN,
        mine=mine,
        request=request,
    )


def result_list(user: User, params, *, mine: bool = False, request=None):
    return _filtered(
        ResultFilter,
        result_queryset(user, mine=mine),
        params,
        ResultStatus.LISTED,
        mine=mine,
        request=request,
    )


def status_counts(queryset: QuerySet) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))


def matched_by_meaning(listing) -> bool:
    """False while the listing waits for its dense vector: its matches are by keywords only."""

    return has_fresh_vector(listing)
