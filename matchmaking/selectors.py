"""Reads for needs and results: what a user may see, filtered and ready to render."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts import permissions
from accounts.models import User
from matchmaking.enums import NeedStatus, ResultStatus, Visibility
from matchmaking.filters import NeedFilter, ResultFilter
from matchmaking.models import ResearchResult, TechnologyNeed

_LIST_RELATED = ("organisation", "category", "category__parent", "region")


def _visible(queryset: QuerySet, user: User) -> QuerySet:
    queryset = queryset.exclude(status="draft")
    if not user.is_authenticated:
        queryset = queryset.exclude(visibility=Visibility.REGISTERED)
    return queryset


def _mine(queryset: QuerySet, user: User) -> QuerySet:
    """The listings of the user's organisations (drafts included), and for station staff,
    those of the enterprises in their counties that they entered."""
    if not user.is_authenticated:
        return queryset.none()
    own = [o.pk for o in permissions.organisations_of(user)]
    return queryset.filter(Q(organisation__in=own) | Q(acting_station__in=own))


def need_queryset(user: User, *, mine: bool = False) -> QuerySet[TechnologyNeed]:
    needs = TechnologyNeed.objects.select_related(*_LIST_RELATED)
    return _mine(needs, user) if mine else _visible(needs, user)


def result_queryset(user: User, *, mine: bool = False) -> QuerySet[ResearchResult]:
    results = ResearchResult.objects.select_related(*_LIST_RELATED)
    return _mine(results, user) if mine else _visible(results, user)


def _filtered(filter_class, queryset, params, default_status: str, *, mine: bool, request=None):
    filterset = filter_class(params, queryset=queryset, request=request)
    filtered = filterset.qs if filterset.is_valid() else queryset.none()
    if not mine and not params.get("status"):
        filtered = filtered.filter(status=default_status)
    if not params.get("sort"):
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
        result_queryset(user, mine=mine).prefetch_related("regions_served"),
        params,
        ResultStatus.LISTED,
        mine=mine,
        request=request,
    )


def status_counts(queryset: QuerySet) -> dict[str, int]:
    return dict(queryset.order_by().values_list("status").annotate(n=Count("pk")))
