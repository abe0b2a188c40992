"""The figures the programme is judged by, computed in the database with aggregates.

Definitions (also shown next to each figure on the page):
- A result is *listed* in the year it was first published; withdrawn or transferred results
  still count as listed in their year.
- A result is *adopted into central/western rural e-commerce* when at least one match with an
  enterprise in a central or western province reached "adopted"; adopted twice counts once.
- The transfer rate *by year listed* is, of the results listed that year, the share adopted so
  far. *By year adopted* is the number of results first adopted that year divided by the
  results listed that year.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date
from statistics import median

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import ExtractYear, TruncMonth

from accounts.enums import RegionGroup
from matchmaking import workflow
from matchmaking.enums import MatchState
from matchmaking.models import (
    AdoptionCost,
    Evaluation,
    Match,
    MatchEvent,
    ResearchResult,
    SolutionPlan,
    TechnologyNeed,
    TrainingAttendance,
    TrainingSession,
)

CENTRAL_WESTERN = (RegionGroup.CENTRAL, RegionGroup.WESTERN)
GROUPS = [RegionGroup.EASTERN, RegionGroup.CENTRAL, RegionGroup.WESTERN, RegionGroup.NORTHEASTERN]


class Median(Aggregate):
    """PostgreSQL's percentile_cont; SQLite has none, see `_median`."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass(frozen=True)
class Filters:
    year_from: int | None = None
    year_to: int | None = None
    region_group: str = ""  # of the adopting enterprise
    province: str = ""  # 2-digit prefix or 6-digit code of the adopting enterprise's province
    category: str = ""  # a top-level or child category slug
    station: int | None = None

    @classmethod
    def from_params(cls, params) -> Filters:
        def year(name):
            value = str(params.get(name, "")).strip()
            return int(value) if value.isdigit() and 1990 < int(value) < 2200 else None

        station = str(params.get("station", "")).strip()
        return cls(
            year_from=year("year_from"),
            year_to=year("year_to"),
            region_group=params.get("region_group", "")
            if params.get("region_group", "") in RegionGroup.values
            else "",
            province=str(params.get("province", ""))[:2]
            if str(params.get("province", "")).isdigit()
            else "",
            category=str(params.get("category", ""))[:80],
            station=int(station) if station.isdigit() else None,
        )

    def key(self) -> str:
        return "|".join(
            str(v)
            for v in (
                self.year_from,
                self.year_to,
                self.region_group,
                self.province,
                self.category,
                self.station,
            )
        )


def _category_q(prefix: str, slug: str) -> Q:
    return Q(**{f"{prefix}category__slug": slug}) | Q(**{f"{prefix}category__parent__slug": slug})


def _adoptions(filters: Filters):
    """Adopted matches into central/western enterprises, after the destination filters."""
    adopted = Match.objects.filter(
        state=MatchState.ADOPTED, need__organisation__region__group__in=CENTRAL_WESTERN
    )
    if filters.region_group:
        adopted = adopted.filter(need__organisation__region__group=filters.region_group)
    if filters.province:
        adopted = adopted.filter(need__organisation__region__code__startswith=filters.province)
    return adopted


def _listed(filters: Filters):
    results = ResearchResult.objects.filter(published_at__isnull=False)
    if filters.year_from:
        results = results.filter(published_at__year__gte=filters.year_from)
    if filters.year_to:
        results = results.filter(published_at__year__lte=filters.year_to)
    if filters.category:
        results = results.filter(_category_q("", filters.category))
    return results


def _with_adoption(results, filters: Filters):
    adopted = _adoptions(filters).filter(result=OuterRef("pk"))
    return results.annotate(
        adopted=Exists(adopted),
        adopted_at=Subquery(
            adopted.order_by()
            .values("result")
            .annotate(first=Min("state_changed_at"))
            .values("first")[:1]
        ),
    )


def _rate(adopted: int, listed: int) -> float | None:
    return round(adopted / listed, 4) if listed else None


def transfer_rate(filters: Filters) -> dict:
    results = _with_adoption(_listed(filters), filters)

    def per_year(queryset) -> list[dict]:
        return list(
            queryset.annotate(year=ExtractYear("published_at"))
            .values("year")
            .annotate(listed=Count("pk"), adopted=Count("pk", filter=Q(adopted=True)))
            .order_by("year")
        )

    by_listed = per_year(results)
    eastern_years = per_year(results.filter(organisation__region__group=RegionGroup.EASTERN))
    totals = {k: sum(r[k] for r in by_listed) for k in ("listed", "adopted")}
    eastern = {k: sum(r[k] for r in eastern_years) for k in ("listed", "adopted")}
    first_adopted = (
        _adoptions(filters)
        .values("result")
        .annotate(first=Min("state_changed_at"))
        .filter(result__in=_listed(filters))
        .annotate(year=ExtractYear("first"))
    )
    adopted_per_year = {}
    for row in first_adopted.values("year").annotate(n=Count("result", distinct=True)).order_by():
        adopted_per_year[row["year"]] = row["n"]
    for row in by_listed:
        row["rate"] = _rate(row["adopted"], row["listed"])
        row["adopted_that_year"] = adopted_per_year.get(row["year"], 0)
        row["rate_by_year_adopted"] = _rate(row["adopted_that_year"], row["listed"])
    rate, eastern_rate = (
        _rate(totals["adopted"], totals["listed"]),
        _rate(eastern["adopted"], eastern["listed"]),
    )
    return {
        "listed": totals["listed"],
        "adopted": totals["adopted"],
        "rate": rate,
        "rate_text": _pct(rate) or "—",
        "eastern_listed": eastern["listed"],
        "eastern_adopted": eastern["adopted"],
        "eastern_rate": eastern_rate,
        "eastern_rate_text": _pct(eastern_rate) or "—",
        "baseline": 0.15,
        "by_year": by_listed,
    }


def transfer_by(filters: Filters, dimension: str) -> list[dict]:
    """The rate by the result's category or institution, or by the adopting province."""
    results = _with_adoption(_listed(filters), filters)
    if dimension == "province":
        listed = results.count()
        rows = (
            _adoptions(filters)
            .filter(result__in=_listed(filters))
            .values(name=F("need__organisation__region__parent__parent__name"))
            .annotate(adopted=Count("result", distinct=True))
            .order_by("-adopted")
        )
        # Counties of municipalities have no grandparent: fall back to the prefecture level.
        return [
            {
                "name": r["name"] or "—",
                "listed": listed,
                "adopted": r["adopted"],
                "rate": _rate(r["adopted"], listed),
            }
            for r in rows
        ]
    field = {"category": "category__parent__name", "institution": "organisation__name"}[dimension]
    rows = (
        results.values(name=F(field))
        .annotate(listed=Count("pk"), adopted=Count("pk", filter=Q(adopted=True)))
        .order_by("-adopted", "-listed")[:50]
    )
    return [{**r, "rate": _rate(r["adopted"], r["listed"])} for r in rows]


def region_matrix(filters: Filters) -> list[dict]:
    """Results adopted, by the institution's region group × the enterprise's region group."""
    adopted = Match.objects.filter(state=MatchState.ADOPTED, result__in=_listed(filters))
    cells = {
        (r["origin"], r["destination"]): r["n"]
        for r in adopted.values(
            origin=F("result__organisation__region__group"),
            destination=F("need__organisation__region__group"),
        )
        .annotate(n=Count("result", distinct=True))
        .order_by()
    }
    return [{"origin": o, "cells": [cells.get((o, d), 0) for d in GROUPS]} for o in GROUPS]


def _matches(filters: Filters):
    matches = Match.objects.all()
    if filters.year_from:
        matches = matches.filter(created_at__year__gte=filters.year_from)
    if filters.year_to:
        matches = matches.filter(created_at__year__lte=filters.year_to)
    if filters.category:
        matches = matches.filter(_category_q("need__", filters.category))
    if filters.region_group:
        matches = matches.filter(need__organisation__region__group=filters.region_group)
    if filters.province:
        matches = matches.filter(need__organisation__region__code__startswith=filters.province)
    if filters.station:
        from accounts.models import Organisation
        from matchmaking.selectors import coverage_q

        station = Organisation.objects.filter(pk=filters.station).first()
        matches = matches.filter(coverage_q(station)) if station else matches.none()
    return matches


def _median(queryset, expression, output_field=None) -> float | None:
    """The median of `expression` over the rows, unrounded (a number or a timedelta)."""
    if connection.vendor == "postgresql":
        return queryset.aggregate(m=Median(expression, output_field=output_field or FloatField()))[
            "m"
        ]
    # SQLite (the embedded default) has no percentile aggregate; fetch just the one column.
    values = sorted(
        v for v in queryset.annotate(v=expression).values_list("v", flat=True) if v is not None
    )
    return median(values) if values else None


def _days(duration_field):
    return ExpressionWrapper(duration_field, output_field=DurationField())


def funnel(filters: Filters) -> list[dict]:
    """Matches reaching each stage (a later stage counts as having passed the earlier ones)."""
    matches = _matches(filters)
    rows, previous = [], None
    for index, stage in enumerate(workflow.FORWARD):
        later = workflow.FORWARD[index:]
        reached_q = Q(state__in=later) | Q(events__to_state__in=later)
        reached = (
            matches.filter(reached_q).values("pk").distinct().count() if index else matches.count()
        )
        row = {
            "stage": stage,
            "label": str(MatchState(stage).label),
            "reached": reached,
            "conversion": _rate(reached, previous) if previous is not None else None,
            "median_days": None,
        }
        if index:
            first_here = (
                MatchEvent.objects.filter(match=OuterRef("pk"), to_state=stage)
                .order_by("created_at")
                .values("created_at")[:1]
            )
            before = (
                MatchEvent.objects.filter(
                    match=OuterRef("pk"), to_state=workflow.FORWARD[index - 1]
                )
                .order_by("created_at")
                .values("created_at")[:1]
            )
            timed = matches.annotate(t1=Subquery(first_here), t0=Subquery(before)).filter(
                t1__isnull=False
            )
            if index == 1:
                timed = matches.annotate(t1=Subquery(first_here), t0=F("created_at")).filter(
                    t1__isnull=False
                )
            timed = timed.filter(t0__isnull=False)
            row["median_days"] = _to_days(_median(timed, _days(F("t1") - F("t0")), DurationField()))
        rows.append(row)
        previous = reached
    return rows


def _to_days(value) -> float | None:
    if value is None:
        return None
    # percentile_cont over an interval gives microseconds (psycopg) or a timedelta (SQLite path).
    if hasattr(value, "total_seconds"):
        return round(value.total_seconds() / 86400, 1)
    return round(float(value) / 86_400_000_000, 1)


def adoption_costs(filters: Filters) -> dict:
    costs = AdoptionCost.objects.filter(match__in=_matches(filters))
    totals = costs.aggregate(
        n=Count("pk"),
        saving=Sum("saving"),
        subsidies=Sum(F("special_fund") + F("loan_subsidy")),
        outlay=Sum("net_outlay"),
        reference=Sum("reference_cost"),
    )
    by_category = list(
        costs.values(name=F("match__need__category__parent__name"))
        .annotate(
            n=Count("pk"),
            saving=Sum("saving"),
            subsidies=Sum(F("special_fund") + F("loan_subsidy")),
        )
        .order_by("-saving")
    )
    by_station = list(
        costs.values(name=F("station__name"))
        .annotate(
            n=Count("pk"),
            saving=Sum("saving"),
            subsidies=Sum(F("special_fund") + F("loan_subsidy")),
        )
        .order_by("-saving")
    )
    middle = _median(costs, F("saving"))
    return {
        **totals,
        "median_saving": round(middle, 2) if middle is not None else None,
        "by_category": by_category,
        "by_station": by_station,
    }


def station_activity(filters: Filters) -> list[dict]:
    """Per station and month: evaluations, plans, trainings, people trained, staff hours."""

    def scoped(queryset, station_field="station", created="created_at"):
        if filters.station:
            queryset = queryset.filter(**{station_field: filters.station})
        if filters.year_from:
            queryset = queryset.filter(**{f"{created}__year__gte": filters.year_from})
        if filters.year_to:
            queryset = queryset.filter(**{f"{created}__year__lte": filters.year_to})
        return queryset

    table: dict[tuple, dict] = {}

    def add(rows, **fields):
        for row in rows:
            key = (row["station_name"], row["month"])
            entry = table.setdefault(
                key,
                {
                    "station": row["station_name"],
                    "month": row["month"],
                    "evaluations": 0,
                    "plans": 0,
                    "trainings": 0,
                    "people": 0,
                    "hours": 0,
                },
            )
            for name, source in fields.items():
                entry[name] += row[source] or 0

    add(
        scoped(Evaluation.objects)
        .annotate(month=TruncMonth("created_at"))
        .values("month", station_name=F("station__name"))
        .annotate(n=Count("pk"), h=Sum("staff_hours"))
        .order_by(),
        evaluations="n",
        hours="h",
    )
    add(
        scoped(SolutionPlan.objects)
        .annotate(month=TruncMonth("created_at"))
        .values("month", station_name=F("station__name"))
        .annotate(n=Count("pk"), h=Sum("staff_hours"))
        .order_by(),
        plans="n",
        hours="h",
    )
    add(
        scoped(TrainingSession.objects)
        .annotate(month=TruncMonth("created_at"))
        .values("month", station_name=F("station__name"))
        .annotate(n=Count("pk"), h=Sum("staff_hours"))
        .order_by(),
        trainings="n",
        hours="h",
    )
    add(
        scoped(TrainingAttendance.objects, "session__station", "session__created_at")
        .annotate(month=TruncMonth("session__created_at"))
        .values("month", station_name=F("session__station__name"))
        .annotate(n=Sum("people"))
        .order_by(),
        people="n",
    )
    return sorted(table.values(), key=lambda r: (r["station"], r["month"]))


def platform_activity(filters: Filters) -> dict:
    needs, results = TechnologyNeed.objects.all(), ResearchResult.objects.all()
    if filters.year_from:
        needs, results = (
            needs.filter(created_at__year__gte=filters.year_from),
            results.filter(created_at__year__gte=filters.year_from),
        )
    if filters.year_to:
        needs, results = (
            needs.filter(created_at__year__lte=filters.year_to),
            results.filter(created_at__year__lte=filters.year_to),
        )
    need_counts = needs.aggregate(
        posted=Count("pk"),
        published=Count("pk", filter=Q(published_at__isnull=False)),
        closed=Count("pk", filter=Q(status__in=("closed", "fulfilled", "expired"))),
    )
    result_counts = results.aggregate(
        posted=Count("pk"),
        published=Count("pk", filter=Q(published_at__isnull=False)),
        closed=Count("pk", filter=Q(status__in=("withdrawn", "transferred"))),
    )
    first_contact = (
        Match.objects.filter(need=OuterRef("pk"), contact_requested_at__isnull=False)
        .order_by("contact_requested_at")
        .values("contact_requested_at")[:1]
    )
    contacted = (
        needs.filter(published_at__isnull=False)
        .annotate(first=Subquery(first_contact))
        .filter(first__isnull=False)
    )
    active = (
        needs.order_by()
        .values("organisation")
        .union(results.order_by().values("organisation"))
        .count()
    )
    return {
        "needs": need_counts,
        "results": result_counts,
        "active_organisations": active,
        "median_days_to_first_contact": _to_days(
            _median(contacted, _days(F("first") - F("published_at")), DurationField())
        ),
    }


def headline(filters: Filters | None = None) -> dict:
    """What the public page shows: no organisation-level detail."""
    filters = filters or Filters()
    rate = transfer_rate(filters)
    return {
        "rate": rate["rate"],
        "eastern_rate": rate["eastern_rate"],
        "listed": rate["listed"],
        "rate_text": rate["rate_text"],
        "eastern_rate_text": rate["eastern_rate_text"],
        "adopted": rate["adopted"],
        "baseline": rate["baseline"],
        "needs_published": TechnologyNeed.objects.filter(published_at__isnull=False).count(),
        "matches": Match.objects.count(),
        "trainings": TrainingSession.objects.count(),
        "as_of": date.today(),
    }


FIGURES = {
    "transfer-rate": transfer_rate,
    "transfer-by-category": lambda f: transfer_by(f, "category"),
    "transfer-by-province": lambda f: transfer_by(f, "province"),
    "transfer-by-institution": lambda f: transfer_by(f, "institution"),
    "region-matrix": region_matrix,
    "funnel": funnel,
    "adoption-costs": adoption_costs,
    "station-activity": station_activity,
    "platform-activity": platform_activity,
}
CACHE_SECONDS = 15 * 60


def cached(name: str, filters: Filters) -> tuple[object, object]:
    """(figure, computed at): from the cache when fresh, else computed and cached."""
    from django.core.cache import cache
    from django.utils import timezone

    key = f"stats:{name}:{filters.key()}"
    try:
        hit = cache.get(key)
    except Exception:  # a cache outage must not take the statistics down
        hit = None
    if hit is not None:
        return hit
    value = (FIGURES[name](filters), timezone.now())
    with contextlib.suppress(Exception):
        cache.set(key, value, CACHE_SECONDS)
    return value


def refresh_all() -> int:
    """Recompute the unfiltered figures (Celery beat), so the first visitor waits for none."""
    from django.core.cache import cache
    from django.utils import timezone

    for name, compute in FIGURES.items():
        cache.set(
            f"stats:{name}:{Filters().key()}", (compute(Filters()), timezone.now()), CACHE_SECONDS
        )
    return len(FIGURES)


def _pct(value) -> str:
    return "" if value is None else f"{100 * value:.1f}%"


def table(name: str, data) -> tuple[list[str], list[list]]:
    """A figure as a header and rows, the same for the page, CSV and XLSX."""
    from django.utils.translation import gettext as _

    if name == "transfer-rate":
        rows = [
            [
                r["year"],
                r["listed"],
                r["adopted"],
                _pct(r["rate"]),
                r["adopted_that_year"],
                _pct(r["rate_by_year_adopted"]),
            ]
            for r in data["by_year"]
        ]
        rows.append([_("All"), data["listed"], data["adopted"], _pct(data["rate"]), "", ""])
        rows.append(
            [
                _("From eastern institutions"),
                data["eastern_listed"],
                data["eastern_adopted"],
                _pct(data["eastern_rate"]),
                "",
                "",
            ]
        )
        return [
            _("Year listed"),
            _("Listed"),
            _("Adopted (central/western)"),
            _("Rate by year listed"),
            _("First adopted that year"),
            _("Rate by year adopted"),
        ], rows
    if name.startswith("transfer-by-"):
        return [_("Name"), _("Listed"), _("Adopted"), _("Rate")], [
            [r["name"], r["listed"], r["adopted"], _pct(r["rate"])] for r in data
        ]
    if name == "region-matrix":
        labels = dict(RegionGroup.choices)
        return [_("Institution ↓ / enterprise →"), *[str(labels[g]) for g in GROUPS]], [
            [str(labels[r["origin"]]), *r["cells"]] for r in data
        ]
    if name == "funnel":
        return [
            _("Stage"),
            _("Matches reaching it"),
            _("Conversion from the stage before"),
            _("Median days from the stage before"),
        ], [
            [
                r["label"],
                r["reached"],
                _pct(r["conversion"]),
                "" if r["median_days"] is None else r["median_days"],
            ]
            for r in data
        ]
    if name == "adoption-costs":
        rows = [[_("All"), data["n"], data["saving"] or 0, data["subsidies"] or 0]]
        rows += [
            [f"{_('Category')}: {r['name']}", r["n"], r["saving"], r["subsidies"]]
            for r in data["by_category"]
        ]
        rows += [
            [f"{_('Station')}: {r['name']}", r["n"], r["saving"], r["subsidies"]]
            for r in data["by_station"]
        ]
        return [
            _("Group"),
            _("Adoptions"),
            _("Total saving (CNY)"),
            _("Subsidies paid (CNY)"),
        ], rows
    if name == "station-activity":
        return [
            _("Station"),
            _("Month"),
            _("Evaluations"),
            _("Plans"),
            _("Trainings"),
            _("People trained"),
            _("Staff hours"),
        ], [
            [
                r["station"],
                r["month"].strftime("%Y-%m"),
                r["evaluations"],
                r["plans"],
                r["trainings"],
                r["people"],
                r["hours"],
            ]
            for r in data
        ]
    if name == "platform-activity":
        return [_("What"), _("Posted"), _("Published"), _("Closed")], [
            [
                _("Technology needs"),
                data["needs"]["posted"],
                data["needs"]["published"],
                data["needs"]["closed"],
            ],
            [
                _("Research results"),
                data["results"]["posted"],
                data["results"]["published"],
                data["results"]["closed"],
            ],
        ]
    raise KeyError(name)
