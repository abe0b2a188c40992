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
from dataclasses import dataclass, replace
from datetime import date
from statistics import median

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import (
    Aggregate,
    BooleanField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FloatField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import ExtractYear, Substr, TruncMonth
from django.utils import timezone, translation
from django.utils.translation import get_language

from accounts import permissions
from accounts.enums import OrganisationKind, RegionGroup
from accounts.models import Organisation, Region
from matchmaking.fairs.states import MeetingOutcome, MeetingStatus, RequestStatus
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.matches import states as matches_states
from matchmaking.matches.states import MatchState
from matchmaking.models import (
    AdoptionCost,
    Category,
    Evaluation,
    Fair,
    FairRegistration,
    Match,
    Meeting,
    MeetingRequest,
    ResearchResult,
    SolutionPlan,
    TechnologyNeed,
    TrainingAttendance,
    TrainingSession,
)
from matchmaking.stations.selectors import coverage_q, covered_prefixes
from matchmaking.stats.filters import StatisticsFilterForm

CENTRAL_WESTERN = (RegionGroup.CENTRAL, RegionGroup.WESTERN)
# The transfer rate before the platform (the paper's baseline), drawn beside every rate.
BASELINE_RATE = 0.15
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
        """The filters of a query string; a value they do not know raises a ValidationError
        naming each parameter (filters.StatisticsFilterForm)."""

        form = StatisticsFilterForm({k: params.get(k) for k in params if params.get(k)})
        if not form.is_valid():
            raise ValidationError(
                {name: [str(m) for m in messages] for name, messages in form.errors.items()}
            )
        data = form.cleaned_data
        return cls(
            year_from=data["year_from"],
            year_to=data["year_to"],
            region_group=data["region_group"],
            province=data["province"],
            category=data["category"],
            station=data["station"],
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


def filter_provinces() -> QuerySet:
    """The provinces of the statistics page's region menu."""
    return Region.objects.filter(level=1).order_by("code")


def filter_categories() -> QuerySet:
    """The top-level categories of the statistics page's category menu."""
    return Category.objects.filter(parent__isnull=True).order_by("position")


def all_stations() -> QuerySet:
    """Every service station, by name: the station menu of those who see them all."""
    return Organisation.objects.filter(kind=OrganisationKind.STATION).order_by("name")


def filters_for(user, params) -> Filters:
    """The filters the user asked for, narrowed to what they may read (station staff always see
    their own station). A value that is not known raises a ValidationError naming the
    parameter; a user who may not read statistics gets PermissionDenied."""
    stations = permissions.statistics_stations(user)
    filters = Filters.from_params(params)
    if stations is None:
        return filters
    return replace(filters, station=filters.station if filters.station in stations else stations[0])


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
    # An uncorrelated IN: PostgreSQL hashes the few thousand adopted results once, where an
    # EXISTS in the select list would probe the matches once per listed result.
    adopted = _adoptions(filters).values("result")
    return results.annotate(is_adopted=ExpressionWrapper(Q(pk__in=adopted), BooleanField()))


def _rate(adopted: int, listed: int) -> float | None:
    return round(adopted / listed, 4) if listed else None


def _listing_groups(filters: Filters) -> list[dict]:
    """Listed and adopted results per year listed, institution and top-level category: the one
    pass over the results that every transfer figure is summed from."""

    def compute():
        rows = (
            _with_adoption(_listed(filters), filters)
            .annotate(year=ExtractYear("published_at"))
            .values("year", "organisation_id", top_category=F("category__parent_id"))
            .annotate(listed=Count("pk"), adopted=Count("pk", filter=Q(is_adopted=True)))
            .order_by()
        )
        return list(rows)

    return _shared("listing-groups", filters, compute)


def _sum_by(rows, key) -> dict:
    totals: dict = {}
    for row in rows:
        entry = totals.setdefault(key(row), {"listed": 0, "adopted": 0})
        entry["listed"] += row["listed"]
        entry["adopted"] += row["adopted"]
    return totals


def transfer_rate(filters: Filters) -> dict:

    groups = _listing_groups(filters)
    eastern_ids = set(
        Organisation.objects.filter(
            pk__in={row["organisation_id"] for row in groups},
            region__group=RegionGroup.EASTERN,
        ).values_list("pk", flat=True)
    )
    years = _sum_by(groups, lambda row: row["year"])
    everything = _sum_by(groups, lambda row: "all").get("all", {"listed": 0, "adopted": 0})
    eastern = _sum_by(
        [row for row in groups if row["organisation_id"] in eastern_ids], lambda row: "all"
    ).get("all", {"listed": 0, "adopted": 0})
    first_adopted = (
        _adoptions(filters)
        .values("result")
        .annotate(first=Min("adopted_at"))
        .filter(result__in=_listed(filters))
        .annotate(year=ExtractYear("first"))
    )
    adopted_per_year = {}
    for row in first_adopted.values("year").annotate(n=Count("result", distinct=True)).order_by():
        adopted_per_year[row["year"]] = row["n"]
    by_listed = []
    for year in sorted(years):
        row = {"year": year, **years[year], "adopted_that_year": adopted_per_year.get(year, 0)}
        row["rate"] = _rate(row["adopted"], row["listed"])
        row["rate_by_year_adopted"] = _rate(row["adopted_that_year"], row["listed"])
        by_listed.append(row)
    rate = _rate(everything["adopted"], everything["listed"])
    eastern_rate = _rate(eastern["adopted"], eastern["listed"])
    return {
        "listed": everything["listed"],
        "adopted": everything["adopted"],
        "rate": rate,
        "rate_text": percent_text(rate) or "—",
        "eastern_listed": eastern["listed"],
        "eastern_adopted": eastern["adopted"],
        "eastern_rate": eastern_rate,
        "eastern_rate_text": percent_text(eastern_rate) or "—",
        "baseline": BASELINE_RATE,
        "by_year": by_listed,
    }


def transfer_by(filters: Filters, dimension: str) -> list[dict]:
    """The rate by the result's category or institution, or by the adopting province."""

    groups = _listing_groups(filters)
    if dimension == "province":
        listed = sum(row["listed"] for row in groups)
        rows = (
            _adoptions(filters)
            .filter(result__in=_listed(filters))
            .values(prefix=Substr("need__organisation__region__code", 1, 2))
            .annotate(adopted=Count("result", distinct=True))
            .order_by("-adopted")
        )
        names = _province_names()
        return [
            {
                "code": r["prefix"],
                "name": names.get(r["prefix"], r["prefix"]),
                "listed": listed,
                "adopted": r["adopted"],
                "rate": _rate(r["adopted"], listed),
            }
            for r in rows
        ]
    key, model = {
        "category": ("top_category", Category),
        "institution": ("organisation_id", Organisation),
    }[dimension]
    totals = _sum_by(groups, lambda row: row[key])
    label = _name_field() if model is Category else "name"
    names = dict(model.objects.filter(pk__in=totals).values_list("pk", label))
    rows = [{"name": names.get(pk), **counts} for pk, counts in totals.items()]
    rows.sort(key=lambda r: (-r["adopted"], -r["listed"], r["name"] or ""))
    return [{**r, "rate": _rate(r["adopted"], r["listed"])} for r in rows[:50]]


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


def _stage_gap(index: int):
    """Time from the stage before to `index`'s stage, for matches that passed through both."""
    stage, before = matches_states.FORWARD[index], matches_states.FORWARD[index - 1]
    start = "created_at" if index == 1 else f"{before}_at"
    return _days(F(f"{stage}_at") - F(start))


def _funnel_groups(filters: Filters) -> list[dict]:
    """Matches reaching each stage per top-level category and county of the need: the one pass
    over the matches that the funnel and its breakdowns are summed from."""
    stages = matches_states.FORWARD

    def compute():
        counts = {
            f"reached_{i}": Count("pk", filter=Q(furthest_stage__gte=i))
            for i in range(1, len(stages))
        }
        rows = (
            _matches(filters)
            .values(
                category_id=F("need__category__parent_id"),
                code=F("need__organisation__region_id"),
            )
            .annotate(reached_0=Count("pk"), **counts)
            .order_by()
        )
        return [
            {
                "category_id": row["category_id"],
                "code": row["code"],
                "reached": [row[f"reached_{i}"] for i in range(len(stages))],
            }
            for row in rows
        ]

    return _shared("funnel-groups", filters, compute)


def funnel(filters: Filters) -> list[dict]:
    """Matches reaching each stage (a later stage counts as having passed the earlier ones).

    Each match carries the furthest stage it reached and when it first reached each stage
    (`Match.mark_reached`), so no event is read here.
    """
    stages = matches_states.FORWARD
    reached = [0] * len(stages)
    for group in _funnel_groups(filters):
        reached = [a + b for a, b in zip(reached, group["reached"], strict=True)]
    # Only matches that moved at all have a time between stages.
    moved = _matches(filters).filter(furthest_stage__gte=1)
    medians = {}
    if connection.vendor == "postgresql":
        # One pass; percentile_cont skips the NULL gaps of matches that skipped a stage.
        medians = moved.aggregate(
            **{
                f"median_{i}": Median(_stage_gap(i), output_field=DurationField())
                for i in range(1, len(stages))
            }
        )
    rows = []
    for index, stage in enumerate(stages):
        middle = None
        if index:
            middle = (
                medians[f"median_{index}"]
                if medians
                else _median(moved, _stage_gap(index), DurationField())
            )
        rows.append(
            {
                "stage": stage,
                "label": str(MatchState(stage).label),
                "reached": reached[index],
                "conversion": _rate(reached[index], reached[index - 1]) if index else None,
                "median_days": _to_days(middle),
            }
        )
    return rows


def _province_names() -> dict[str, str]:

    return {r.code[:2]: r.display_name for r in Region.objects.filter(level=1)}


def funnel_by(filters: Filters, dimension: str) -> list[dict]:
    """Matches reaching each stage, per top-level category, province or station of the need.

    A station covers counties, prefectures or provinces; a match in a county that two stations
    cover counts for both.
    """
    groups = _funnel_groups(filters)
    if dimension == "category":
        names = dict(Category.objects.values_list("pk", _name_field()))
        owners = [(names.get(group["category_id"]), group) for group in groups]
    elif dimension == "province":
        names = _province_names()
        owners = [(names.get(group["code"][:2], group["code"][:2]), group) for group in groups]
    else:
        stations = Organisation.objects.filter(kind=OrganisationKind.STATION)
        if filters.station:
            stations = stations.filter(pk=filters.station)
        covered = [
            (station.name, covered_prefixes(r.code for r in station.covered_regions.all()))
            for station in stations.prefetch_related("covered_regions")
        ]
        owners = [
            (name, group)
            for group in groups
            for name, prefixes in covered
            if prefixes and group["code"].startswith(prefixes)
        ]
    totals: dict[str, list[int]] = {}
    for name, group in owners:
        name = name or "—"
        before = totals.get(name, [0] * len(group["reached"]))
        totals[name] = [a + b for a, b in zip(before, group["reached"], strict=True)]
    rows = [
        {"name": name, "reached": reached, "rate": _rate(reached[-1], reached[0])}
        for name, reached in totals.items()
    ]
    return sorted(rows, key=lambda r: (-r["reached"][0], r["name"]))


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
        costs.values(name=F(_name_field("match__need__category__parent__")))
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
        if filters.province:  # the stations of the province
            queryset = queryset.filter(
                **{f"{station_field}__region__code__startswith": filters.province}
            )
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

    records = [(Evaluation, "evaluations"), (SolutionPlan, "plans"), (TrainingSession, "trainings")]
    for model, column in records:
        add(
            scoped(model.objects)
            .annotate(month=TruncMonth("created_at"))
            .values("month", station_name=F("station__name"))
            .annotate(n=Count("pk"), h=Sum("staff_hours"))
            .order_by(),
            **{column: "n", "hours": "h"},
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
        closed=Count(
            "pk", filter=Q(status__in=(NeedStatus.CLOSED, NeedStatus.FULFILLED, NeedStatus.EXPIRED))
        ),
    )
    result_counts = results.aggregate(
        posted=Count("pk"),
        published=Count("pk", filter=Q(published_at__isnull=False)),
        closed=Count("pk", filter=Q(status__in=(ResultStatus.WITHDRAWN, ResultStatus.TRANSFERRED))),
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


def fair_outcomes(filters: Filters) -> list[dict]:
    """Per fair: who came, what was asked, what was met and what is followed up."""
    fairs = Fair.objects.all()
    if filters.year_from:
        fairs = fairs.filter(first_day__year__gte=filters.year_from)
    if filters.year_to:
        fairs = fairs.filter(first_day__year__lte=filters.year_to)
    ids = list(fairs.values_list("pk", flat=True))

    def per_fair(queryset, **counts) -> dict[int, dict]:
        rows = queryset.filter(fair__in=ids).values("fair").annotate(**counts).order_by()
        return {row.pop("fair"): row for row in rows}

    registrations = per_fair(
        FairRegistration.objects,
        registrations=Count("pk"),
        checked_in=Count("pk", filter=Q(checked_in_at__isnull=False)),
    )
    requests = per_fair(
        MeetingRequest.objects,
        requests=Count("pk"),
        accepted=Count("pk", filter=Q(status=RequestStatus.ACCEPTED)),
    )
    meetings = per_fair(
        Meeting.objects.exclude(status=MeetingStatus.CANCELLED),
        scheduled=Count("pk"),
        held=Count("pk", filter=Q(status=MeetingStatus.HELD)),
        no_shows=Count("pk", filter=Q(status=MeetingStatus.NO_SHOW)),
        follow_ups=Count("pk", filter=Q(outcome=MeetingOutcome.FOLLOW_UP)),
    )
    empty = dict.fromkeys(
        ("registrations", "checked_in", "requests", "accepted")
        + ("scheduled", "held", "no_shows", "follow_ups"),
        0,
    )
    return [
        {
            "fair": fair.name,
            "first_day": fair.first_day,
            **empty,
            **registrations.get(fair.pk, {}),
            **requests.get(fair.pk, {}),
            **meetings.get(fair.pk, {}),
        }
        for fair in fairs.order_by("-first_day")
    ]


def headline(filters: Filters | None = None) -> dict:
    """What the public page shows: no organisation-level detail."""
    filters = filters or Filters()
    return _cached(f"stats-headline:{filters.key()}", lambda: _headline(filters))[0]


def _headline(filters: Filters) -> dict:
    rate, _computed = cached("transfer-rate", filters)
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
        # What adoption changed: confirmed evidence only, the median per unit with its count.
        "changes": cached("adoption-changes", filters)[0]["by_unit"],
        "as_of": date.today(),
    }


FIGURES = {
    "transfer-rate": transfer_rate,
    "transfer-by-category": lambda f: transfer_by(f, "category"),
    "transfer-by-province": lambda f: transfer_by(f, "province"),
    "transfer-by-institution": lambda f: transfer_by(f, "institution"),
    "region-matrix": region_matrix,
    "funnel": funnel,
    "funnel-by-category": lambda f: funnel_by(f, "category"),
    "funnel-by-province": lambda f: funnel_by(f, "province"),
    "funnel-by-station": lambda f: funnel_by(f, "station"),
    "adoption-costs": adoption_costs,
    "station-activity": station_activity,
    "platform-activity": platform_activity,
    "fair-outcomes": fair_outcomes,
}


def _outcome_figures() -> dict:
    from matchmaking.impact import selectors as stats_outcomes

    return stats_outcomes.FIGURES


FIGURES.update(_outcome_figures())  # what adoption changed, trials, contracts (issue #21)
# What station staff see, always filtered to their own station.
STATION_FIGURES = (
    "funnel",
    "funnel-by-category",
    "adoption-costs",
    "station-activity",
    "adoption-changes",
    "trials",
    "registered-contracts",
)
CACHE_SECONDS = 15 * 60
PARTS = ("listing-groups", "funnel-groups")


def cached(name: str, filters: Filters) -> tuple[object, object]:
    """(figure, computed at): from the cache when fresh, else computed and cached."""
    return _cached(f"stats:{name}:{_language()}:{filters.key()}", lambda: FIGURES[name](filters))


def _language() -> str:
    """Figures carry names and labels (stages, categories, provinces): one cache per language."""

    return "en" if (get_language() or "").startswith("en") else "zh"


def _name_field(prefix: str = "") -> str:
    """The column holding a category's or region's name in the reader's language."""
    return f"{prefix}name_en" if _language() == "en" else f"{prefix}name"


def _shared(part: str, filters: Filters, compute):
    """A part that several figures are summed from: computed once, cached like them."""
    return _cached(f"stats-part:{part}:{filters.key()}", compute)[0]


def _cached(key: str, compute) -> tuple[object, object]:

    try:
        hit = cache.get(key)
    except Exception:  # a cache outage must not take the statistics down
        hit = None
    if hit is not None:
        return hit
    value = (compute(), timezone.now())
    with contextlib.suppress(Exception):
        cache.set(key, value, CACHE_SECONDS)
    return value


def refresh_all() -> int:
    """Recompute the unfiltered figures (Celery beat), so the first visitor waits for none; and
    the figures of the last three years alone, which the headlines compare."""
    from django.core.cache import cache
    from django.utils import timezone

    from matchmaking.stats.summary import KEY

    everything = Filters().key()
    cache.delete_many([f"stats-part:{part}:{everything}" for part in PARTS])
    for language in ("zh", "en"):
        with translation.override("en" if language == "en" else "zh-hans"):
            for name, compute in FIGURES.items():
                cache.set(
                    f"stats:{name}:{language}:{everything}",
                    (compute(Filters()), timezone.now()),
                    CACHE_SECONDS,
                )
            for filters in _headline_years():
                cache.delete_many([f"stats-part:{part}:{filters.key()}" for part in PARTS])
                for name in KEY:
                    cache.set(
                        f"stats:{name}:{language}:{filters.key()}",
                        (FIGURES[name](filters), timezone.now()),
                        CACHE_SECONDS,
                    )
    with contextlib.suppress(Exception):
        cache.set(BEAT_MARK, timezone.now(), None)
    return len(FIGURES)


def _headline_years(filters: Filters | None = None) -> list[Filters]:
    from dataclasses import replace

    this_year = date.today().year
    base = filters or Filters()
    return [replace(base, year_from=y, year_to=y) for y in range(this_year - 2, this_year + 1)]


BEAT_MARK = "stats-refreshed-by-beat"


def refreshed_by_beat():
    """When beat last recomputed the figures (None: never, or the cache forgot)."""
    from django.core.cache import cache

    try:
        return cache.get(BEAT_MARK)
    except Exception:
        return None


def forget(filters: Filters) -> None:
    """Drop the cached figures for these filters, so the next read computes them anew."""
    from django.core.cache import cache

    keys = []
    for each in (filters, *_headline_years(filters)):
        key = each.key()
        keys += [f"stats-part:{part}:{key}" for part in PARTS]
        keys += [f"stats:{name}:{lang}:{key}" for name in FIGURES for lang in ("zh", "en")]
        keys.append(f"stats-headline:{key}")
    with contextlib.suppress(Exception):
        cache.delete_many(keys)


def percent_text(value) -> str:
    """A share as people read it: 25.0%; nothing for no value."""
    return "" if value is None else f"{100 * value:.1f}%"
