"""Statistics pages, downloads and the public headline page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import render

from accounts import permissions
from accounts.enums import OrganisationKind, RegionGroup
from matchmaking.core.downloads import table_response
from matchmaking.matches.quality import match_quality_report
from matchmaking.stats import selectors as stats


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
        header, rows = stats.table(name, data)
        # Template variables cannot hold a hyphen: transfer-rate is figures.transfer_rate.
        figures[name.replace("-", "_")] = {"data": data, "header": header, "rows": rows}
        oldest = computed if oldest is None or computed < oldest else oldest
    query = request.GET.urlencode()
    context = {
        "figures": figures,
        "filters": filters,
        "computed_at": oldest,
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
    }
    if "transfer_rate" in figures:
        years = figures["transfer_rate"]["data"]["by_year"]
        context["trend"] = _trend_points(years)
        matrix = figures["region_matrix"]["data"]
        context["matrix_max"] = max((c for r in matrix for c in r["cells"]), default=0) or 1
    return render(request, "matchmaking/statistics.html", context, status=400 if errors else 200)


def _trend_points(years: list[dict]) -> dict:
    """An SVG polyline of the rate by year listed, 0–100% on a 300×100 box, with the 15% line."""
    points = [(r["year"], r["rate"] or 0) for r in years]
    if not points:
        return {"points": "", "labels": []}
    top = max(0.2, max(rate for _y, rate in points) * 1.2)
    step = 300 / max(1, len(points) - 1)
    coords = [
        (round(i * step, 1), round(100 - 100 * rate / top, 1))
        for i, (_y, rate) in enumerate(points)
    ]
    return {
        "points": " ".join(f"{x},{y}" for x, y in coords),
        "labels": [
            {"x": x, "y": y, "year": year, "rate": f"{100 * rate:.1f}%"}
            for (x, y), (year, rate) in zip(coords, points, strict=True)
        ],
        "baseline_y": round(100 - 100 * stats.BASELINE_RATE / top, 1),
    }


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
    header, rows = stats.table(name, data)
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
