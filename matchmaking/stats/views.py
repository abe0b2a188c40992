"""Statistics pages, downloads and the public headline page."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import permissions
from accounts.enums import OrganisationKind, RegionGroup
from matchmaking.core.downloads import table_response
from matchmaking.matches.quality import match_quality_report
from matchmaking.stats import charts, tables
from matchmaking.stats import selectors as stats
from matchmaking.stats import summary as stats_summary


def _filters_for(request, params=None) -> stats.Filters:
    return stats.filters_for(request.user, request.GET if params is None else params)


def _station_view(request) -> bool:
    return not permissions.can_view_statistics(request.user)


@login_required
def statistics(request):
    try:
        filters, errors = _filters_for(request), {}
    except ValidationError as error:
        # Said beside the filters, with the figures for no filter at all.
        filters, errors = _filters_for(request, {}), error.message_dict
    station_only = _station_view(request)
    names = list(stats.STATION_FIGURES) if station_only else list(stats.FIGURES)
    figures, oldest = {}, None
    for name in names:
        data, computed = stats.cached(name, filters)
        header, rows = tables.table(name, data)
        # Template variables cannot hold a hyphen: transfer-rate is figures.transfer_rate.
        figures[name.replace("-", "_")] = {"data": data, "header": header, "rows": rows}
        oldest = computed if oldest is None or computed < oldest else oldest
    query = request.GET.urlencode()
    context = {
        "figures": figures,
        "filters": filters,
        "computed_at": oldest,
        "freshness": _freshness(oldest),
        "can_refresh": permissions.is_admin(request.user),
        "can_read_reports": permissions.can_subscribe_to_reports(request.user),
        "query": query,
        "station_only": station_only,
        "groups": RegionGroup.choices,
        "provinces": stats.filter_provinces(),
        "categories": stats.filter_categories(),
        "stations": permissions.organisations_of(request.user, OrganisationKind.STATION)
        if station_only
        else stats.all_stations(),
        "max_funnel": max((r["reached"] for r in figures["funnel"]["data"]), default=1) or 1,
        "filter_errors": errors,
        "headlines": {
            name.replace("-", "_"): stats_summary.headline(name, figures[key]["data"], filters)
            for name in stats_summary.KEY
            if (key := name.replace("-", "_")) in figures
        },
    }
    if "transfer_rate" in figures:
        english = (get_language() or "").startswith("en")
        context["trend"] = charts.trend(figures["transfer_rate"]["data"]["by_year"])
        context["province_map"] = charts.province_map(
            figures["transfer_by_province"]["data"], english=english
        )
        context["flows"] = charts.flows(
            figures["region_matrix"]["data"], {k: str(v) for k, v in RegionGroup.choices}
        )
    return render(request, "matchmaking/statistics.html", context, status=400 if errors else 200)


def _freshness(computed_at) -> dict:
    """What the page may truthfully say about its age: "refreshed every 10 minutes" only while
    beat has refreshed the figures recently; otherwise when they were computed."""
    from django.utils import timezone

    by_beat = stats.refreshed_by_beat()
    running = by_beat is not None and timezone.now() - by_beat < timedelta(minutes=20)
    return {"computed_at": computed_at, "beat_running": running, "beat_at": by_beat}


@login_required
@require_POST
def statistics_refresh(request):
    """An administrator recomputes the figures for the filters on the page now."""
    if not permissions.is_admin(request.user):
        raise PermissionDenied
    try:
        filters = stats.Filters.from_params(request.POST)
    except ValidationError:
        filters = stats.Filters()
    stats.forget(filters)
    query = {k: v for k, v in request.POST.items() if k in FILTER_NAMES and v}
    messages.success(request, _("The figures were computed anew."))
    return redirect(
        f"{reverse('statistics')}?{urlencode(query)}" if query else reverse("statistics")
    )


FILTER_NAMES = ("year_from", "year_to", "region_group", "province", "category", "station")


@login_required
def statistics_export(request, fmt: str):
    name = request.GET.get("figure", "")
    if fmt not in ("csv", "xlsx") or name not in stats.FIGURES:
        raise Http404
    try:
        filters = _filters_for(request)
    except ValidationError as error:
        lines = [f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()]
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
    if _station_view(request) and name not in stats.STATION_FIGURES:
        raise PermissionDenied
    data, _computed = stats.cached(name, filters)
    header, rows = tables.table(name, data)
    return table_response(f"nongqiao-{name}.{fmt}", header, rows, fmt, sheet=name)


def statistics_public(request):
    data, computed = stats.cached("transfer-rate", stats.Filters())
    headline = stats.headline()
    return render(
        request,
        "matchmaking/statistics_public.html",
        {"headline": headline, "computed_at": computed, "by_year": data["by_year"]},
    )


@login_required
def match_quality(request):
    """The matcher's quality from what enterprises did (staff only)."""
    if not permissions.can_view_match_quality(request.user):
        raise PermissionDenied

    return render(request, "matchmaking/match_quality.html", {"report": match_quality_report()})
