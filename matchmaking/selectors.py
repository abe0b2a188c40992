"""Reads for needs and results: what a user may see, filtered and ready to render."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import User
from matchmaking import search
from matchmaking.enums import DeclineReason, MatchState, NeedStatus, ResultStatus, Visibility
from matchmaking.filters import (
    GOOD_REASONS,
    MATCH_FITS,
    BoardFilterForm,
    MatchFilter,
    NeedFilter,
    ResultFilter,
)
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
    organisations = permissions.organisations_of(user)
    mine = Q(organisation__in=[o.pk for o in organisations])
    stations = [o.pk for o in organisations if o.kind == OrganisationKind.STATION]
    if stations:
        # Only stations act for others. Without the OR the query keeps to one index.
        mine |= Q(acting_station__in=stations)
    return queryset.filter(mine)


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
            filtered = filtered.annotate(relevance=relevance).order_by(
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


# -- matches -------------------------------------------------------------------------------------


def matched_by_meaning(listing) -> bool:
    """False while the listing waits for its dense vector: its matches are by keywords only."""
    from matchmaking.services.matching import has_fresh_vector

    return has_fresh_vector(listing)


def fit_is_good(match, fit: str) -> bool:
    reason = match.explanation.get("fits", {}).get(fit, {}).get("reason")
    return reason in GOOD_REASONS[fit]


def _filter_matches(matches: QuerySet, params) -> QuerySet:
    """Filters a user sets on a match list: states, and fits that must hold. A value the
    filter does not know raises a ValidationError naming the parameter."""
    filterset = MatchFilter(params or {}, queryset=matches)
    if not filterset.is_valid():
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in filterset.errors.items()}
        )
    return filterset.qs


# -- what a viewer may see of a match's figures ----------------------------------------------------

# The price fit of a need with a private budget is the budget divided by the price; every
# figure that mixes it in (the structured score, the score, the ranks that order by it) lets a
# researcher who knows their own price work the budget back out:
# (structured − 0.25 − 0.10) / 0.20 × price. For a viewer who may not see the budget
# (permissions.can_see_budget) the price fit is only its word ("within budget", "over budget",
# "not stated") and every figure is computed without it; the ranks are withheld.


def _fit_weights() -> dict[str, float]:
    from matchmaking.matching import FitConfig

    config = FitConfig()
    return {name: getattr(config, name) for name in MATCH_FITS}


def figures_hiding_the_budget(match) -> dict:
    """The match's figures computed without the price fit: score, structured_score, the
    explanation (its price fit a word only), and no ranks."""
    from matchmaking.matching import FitConfig

    explanation = match.explanation or {}
    fits = dict(explanation.get("fits") or {})
    if "price" in fits:
        fits["price"] = {**fits["price"], "score": None}
    weights = _fit_weights()
    known = [
        name
        for name in MATCH_FITS
        if name != "price" and isinstance((fits.get(name) or {}).get("score"), int | float)
    ]
    text_score = float(match.text_score or 0)
    if known:
        structured = sum(weights[n] * fits[n]["score"] for n in known) / sum(
            weights[n] for n in known
        )
        weight = FitConfig().structured_weight
        score = min(1.0, text_score * (1 - weight + weight * structured))
        structured = round(structured, 6)
    else:
        structured, score = None, text_score
    score = round(score, 6)
    return {
        "score": score,
        "structured_score": structured,
        "rank_for_need": None,
        "rank_for_result": None,
        "explanation": {
            **explanation,
            "score": score,
            "structured_score": structured,
            "fits": fits,
        },
    }


def figures_for(user: User, match) -> dict:
    """The figures of a match that this viewer may see: the stored ones, or for a viewer who
    may not see the need's private budget, those computed without the price fit. The one
    place the API (MatchSerializer) and the pages (as_seen_by) take them from."""
    if user is not None and permissions.can_see_budget(user, match.need):
        return {
            "score": match.score,
            "structured_score": match.structured_score,
            "rank_for_need": match.rank_for_need,
            "rank_for_result": match.rank_for_result,
            "explanation": match.explanation or {},
        }
    return figures_hiding_the_budget(match)


def as_seen_by(user: User, matches):
    """The matches (a list, or one match) with the figures this viewer may see put on them,
    for rendering only: these instances must not be saved. A list is re-ordered by the score
    the viewer sees, so its order tells nothing the figures do not."""
    many = isinstance(matches, list | tuple)
    hidden = False
    for match in matches if many else [matches]:
        if permissions.can_see_budget(user, match.need):
            continue
        hidden = True
        for name, value in figures_hiding_the_budget(match).items():
            setattr(match, name, value)
    if many and hidden:
        # Ordered by the stored rank, the list would tell what the hidden figures hide; ties
        # go by id, not by the stored order.
        return sorted(matches, key=lambda m: (-(m.score or 0), m.pk))
    return list(matches) if many else matches


def need_matches(need: TechnologyNeed, params=None) -> list:
    """The need's ranked results, best first; declined, withdrawn and unlisted ones left out."""
    from matchmaking.models import Match
    from matchmaking.workflow import CLOSED

    matches = (
        Match.objects.filter(need=need, result__status=ResultStatus.LISTED)
        .exclude(state__in=CLOSED)
        .select_related("result", "result__organisation", "result__category")
        .order_by("rank_for_need", "-score")
    )
    matches = list(_filter_matches(matches, params))
    for match in matches:
        match.need = need  # all share it: no query per row when a page or the API reads it
    return matches


def result_matches(result: ResearchResult, params=None) -> list:
    from matchmaking.models import Match, NeedPhoto
    from matchmaking.workflow import CLOSED

    # Each need's photos on its card (issue #16): how many, and the first one's thumbnail.
    photos = NeedPhoto.objects.filter(need=OuterRef("need")).order_by()
    matches = (
        Match.objects.filter(
            result=result, need__status__in=(NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
        )
        .exclude(state__in=CLOSED)
        .select_related("need", "need__organisation", "need__region", "need__category")
        .annotate(
            need_photos=Subquery(
                photos.values("need").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            need_first_photo=Subquery(photos.order_by("created_at", "pk").values("pk")[:1]),
        )
        .order_by("rank_for_result", "-score")
    )
    matches = list(_filter_matches(matches, params))
    for match in matches:
        match.result = result
    return matches


def decline_reasons_for(result: ResearchResult) -> dict[str, int]:
    """Why enterprises declined this result, counted (researchers see reasons, not who)."""
    from matchmaking.models import Match

    return dict(
        Match.objects.filter(result=result, state="declined")
        .exclude(decline_reason="")
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
    )


def pending_contact_requests(user: User):
    """Contact requests waiting for the user's institutions' answer."""
    from matchmaking.models import Match

    institutions = [o.pk for o in permissions.organisations_of(user)]
    return (
        Match.objects.filter(result__organisation__in=institutions, contact_status="pending")
        .select_related("need", "need__organisation", "result")
        .order_by("contact_requested_at")
    )


# -- stations ------------------------------------------------------------------------------------


def covered_prefixes(codes) -> tuple[str, ...]:
    """The prefix every county code under each region starts with: a province's first 2
    digits, a prefecture's 4, a county's whole 6-digit code."""
    return tuple(
        code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        for code in codes
    )


def coverage_q(station, field: str = "need__organisation__region__code") -> Q:
    """Rows whose region lies in the station's counties (or prefectures, or provinces)."""
    condition = Q(pk__in=[])
    for prefix in covered_prefixes(station.covered_regions.values_list("code", flat=True)):
        lookup = field if len(prefix) == 6 else f"{field}__startswith"
        condition |= Q(**{lookup: prefix})
    return condition


BOARD_STATES = [
    "suggested",
    "shortlisted",
    "contacted",
    "evaluating",
    "solution_proposed",
    "on_trial",
    "adopted",
]


# Cards shown per board column; the column's heading still counts them all.
BOARD_COLUMN_SIZE = 30


@dataclass
class BoardColumn:
    total: int = 0
    cards: list = field(default_factory=list)


def station_board(station, params) -> dict[str, BoardColumn]:
    """The station's matches by state, longest waiting first: each column's total and its
    first BOARD_COLUMN_SIZE cards. Of suggestions, only each need's top 3."""
    from django.utils import timezone

    from matchmaking.models import Match, MatchEvent

    matches = Match.objects.filter(
        coverage_q(station), need__status__in=(NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
    ).filter(Q(state__in=BOARD_STATES[1:]) | Q(state="suggested", rank_for_need__lte=3))
    form = BoardFilterForm(params, station)
    if not form.is_valid():
        raise ValidationError(
            {name: [str(m) for m in messages] for name, messages in form.errors.items()}
        )
    if county := form.cleaned_data["county"]:
        # A covered prefecture or province stands for all its counties.
        matches = matches.filter(
            need__organisation__region__code__startswith=covered_prefixes([county])[0]
        )
    if category := form.cleaned_data["category"]:
        # The board's menu sends the category's name as people know it (冷链与物流); an old
        # bookmark may still carry a slug.
        named = Q(need__category__name=category) | Q(need__category__parent__name=category)
        matches = matches.filter(
            named
            | Q(need__category__name_en__iexact=category)
            | Q(need__category__parent__name_en__iexact=category)
            | Q(need__category__slug=category)
            | Q(need__category__parent__slug=category)
        )
    if staff := form.cleaned_data["staff"]:
        acted = MatchEvent.objects.filter(match=OuterRef("pk"), actor_id=int(staff))
        matches = matches.filter(Exists(acted))
    # One narrow query counts each column and picks its cards; only the cards are loaded.
    # With 100,000 needs a station can have 27,000 suggestions: loading and rendering them
    # all took seconds (bench/load_site.py).
    waiting = [F("state_changed_at").asc(), F("pk").asc()]
    firsts = (
        matches.annotate(
            position=Window(RowNumber(), partition_by=[F("state")], order_by=waiting),
            in_column=Window(Count("pk"), partition_by=[F("state")]),
        )
        .filter(position__lte=BOARD_COLUMN_SIZE)
        .values_list("pk", "state", "in_column")
    )
    columns = {state: BoardColumn() for state in BOARD_STATES}
    shown = []
    for pk, state, in_column in firsts:
        columns[state].total = in_column
        shown.append(pk)
    cards = (
        Match.objects.filter(pk__in=shown)
        .select_related("need", "need__organisation", "need__region", "result")
        .defer(  # a card shows titles and names; these are the long texts
            "explanation",
            "need__description",
            "need__search_text",
            "need__search_tokens",
            "result__abstract",
            "result__application_scenarios",
            "result__search_text",
            "result__search_tokens",
        )
        .order_by("state_changed_at", "pk")
    )
    now = timezone.now()
    for match in cards:
        match.waited_days = (now - match.state_changed_at).days
        columns[match.state].cards.append(match)
    return columns


def enterprises_covered_for(user: User) -> list:
    """Enterprises the user's stations cover (whom station staff may act for), in one query."""
    from accounts.models import Organisation

    stations = permissions.organisations_of(user, OrganisationKind.STATION)
    if not stations:
        return []
    covered = Q(pk__in=[])
    for station in stations:
        covered |= coverage_q(station, "region__code")
    return list(
        Organisation.objects.filter(covered, kind=OrganisationKind.ENTERPRISE)
        .select_related("region")
        .order_by("name")
    )


# -- each role's home page -----------------------------------------------------------------------

# Items listed per block of a home page; its heading still counts them all.
HOME_ITEMS = 5
# A result among a need's first three is a strong match for the home page's "new matches".
STRONG_RANK = 3
# What the enterprise home calls recent when the user never opened it before.
RECENT_DAYS = 30
# Waiting longer than this is shown in red.
LATE_DAYS = 7


def _since(since):
    from datetime import timedelta

    from django.utils import timezone

    return since or timezone.now() - timedelta(days=RECENT_DAYS)


def _days_waiting(rows, field: str) -> list:
    from django.utils import timezone

    now = timezone.now()
    for row in rows:
        row.days_waiting = (now - getattr(row, field)).days
        row.late = row.days_waiting > LATE_DAYS
    return rows


def enterprise_home(user: User, since=None) -> dict:
    """What an enterprise member should look at: answers and invitations waiting for them,
    strong matches new since their last visit, and their open needs with the best match each."""
    from matchmaking.models import Evaluation, Match, MeetingRequest
    from matchmaking.workflow import CLOSED

    enterprises = [o.pk for o in permissions.organisations_of(user, OrganisationKind.ENTERPRISE)]
    if not enterprises:
        return {}
    since = _since(since)
    live = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
    answered = list(
        Match.objects.filter(
            need__organisation__in=enterprises,
            contact_status="accepted",
            state="contacted",
        )
        .select_related("result", "result__organisation")
        .only("pk", "need_id", "contact_answered_at", "result__title", "result__organisation__name")
        .order_by("-contact_answered_at")[:HOME_ITEMS]
    )
    meetings = list(
        MeetingRequest.objects.filter(
            recipient__organisation__in=enterprises, status="pending", fair__status__in=OPEN_FAIRS
        )
        .select_related("fair", "requester__organisation")
        .order_by("created_at")[:HOME_ITEMS]
    )
    evaluations = list(
        Evaluation.objects.filter(match__need__organisation__in=enterprises, created_at__gte=since)
        .select_related("station", "match__result")
        .only(
            "pk",
            "recommendation",
            "created_at",
            "station__name",
            "match__result__title",
        )
        .order_by("-created_at")[:HOME_ITEMS]
    )
    new = (
        Match.objects.filter(
            need__organisation__in=enterprises,
            need__status__in=live,
            created_at__gt=since,
            rank_for_need__lte=STRONG_RANK,
            result__status=ResultStatus.LISTED,
        )
        .exclude(state__in=CLOSED)
        .select_related("need", "result", "result__organisation")
        .only(
            "pk",
            "score",
            "need__title",
            "result__title",
            "result__organisation__name",
            "result__asking_price",
            "result__price_negotiable",
        )
        .order_by("-score", "pk")
    )
    new_matches = list(new[: HOME_ITEMS + 1])
    new_count = len(new_matches) if len(new_matches) <= HOME_ITEMS else new.count()
    needs = list(
        TechnologyNeed.objects.filter(
            organisation__in=enterprises, status__in=(NeedStatus.DRAFT, *live)
        )
        .only("pk", "title", "status", "published_at", "created_at")
        .annotate(
            match_count=Count(
                "matches",
                filter=Q(matches__result__status=ResultStatus.LISTED)
                & ~Q(matches__state__in=CLOSED),
            )
        )
        .order_by("-created_at", "-pk")[:10]
    )
    best = {
        m.need_id: m
        for m in Match.objects.filter(need__in=needs, rank_for_need=1)
        .exclude(state__in=CLOSED)
        .select_related("result")
        .only("pk", "need_id", "score", "result__title")
    }
    for need in needs:
        need.best_match = best.get(need.pk)
    return {
        "answered": answered,
        "meetings": meetings,
        "evaluations": evaluations,
        "to_answer_count": len(answered) + len(meetings) + len(evaluations),
        "new_matches": new_matches[:HOME_ITEMS],
        "new_count": new_count,
        "needs": needs,
    }


OPEN_FAIRS = ("registration_open", "scheduling", "agenda_published")


def researcher_home(user: User) -> dict:
    """What a researcher should look at: contact requests waiting (oldest first), open needs
    their results fit best, and how their results fare (views, declines with the reasons)."""
    from matchmaking.models import Match
    from matchmaking.workflow import CLOSED

    institutions = [o.pk for o in permissions.organisations_of(user, OrganisationKind.INSTITUTION)]
    if not institutions:
        return {}
    waiting = _days_waiting(
        list(
            Match.objects.filter(result__organisation__in=institutions, contact_status="pending")
            .select_related("need", "need__organisation", "result")
            .only(
                "pk",
                "contact_requested_at",
                "contact_message",
                "need__title",
                "need__organisation__name",
                "result__title",
            )
            .order_by("contact_requested_at", "pk")[:HOME_ITEMS]
        ),
        "contact_requested_at",
    )
    fitting = list(
        Match.objects.filter(
            result__organisation__in=institutions,
            result__status=ResultStatus.LISTED,
            need__status=NeedStatus.OPEN,
            rank_for_result__lte=STRONG_RANK,
        )
        .exclude(state__in=CLOSED)
        .select_related("need", "need__organisation", "need__region", "result")
        .only(
            "pk",
            "score",
            "need_id",
            "need__title",
            "need__organisation__name",
            "need__region__name",
            "result__title",
        )
        .order_by("-score", "pk")[: HOME_ITEMS * 4]
    )
    best_per_need: dict[int, object] = {}
    for match in fitting:  # best first: each need once, with the result that fits it best
        best_per_need.setdefault(match.need_id, match)
    fitting = list(best_per_need.values())[:HOME_ITEMS]
    results = list(
        ResearchResult.objects.filter(organisation__in=institutions)
        .exclude(status=ResultStatus.WITHDRAWN)
        .only("pk", "title", "status", "view_count")
        .annotate(declined=Count("matches", filter=Q(matches__state="declined")))
        .order_by("-view_count", "pk")[:10]
    )
    reasons: dict[int, list] = {}
    labels = dict(DeclineReason.choices)
    rows = (
        Match.objects.filter(result__in=results, state="declined")
        .exclude(decline_reason="")
        .values_list("result_id", "decline_reason")
        .annotate(n=Count("pk"))
        .order_by("result_id", "-n", "decline_reason")
    )
    for result_id, reason, n in rows:
        reasons.setdefault(result_id, []).append((labels.get(reason, reason), n))
    for result in results:
        result.decline_reasons = reasons.get(result.pk, [])
    return {"waiting": waiting, "fitting": fitting, "results": results}


def station_home(user: User) -> dict:
    """A station's day: its board's counts by column, the longest-waiting matches in work,
    enterprises awaiting verification and this month's trainings."""
    from django.utils import timezone

    from accounts.selectors import awaiting_verification
    from matchmaking.models import TrainingSession

    stations = permissions.organisations_of(user, OrganisationKind.STATION)
    if not stations:
        return {}
    station = stations[0]
    columns = station_board(station, {})
    in_work = [
        card
        for state, column in columns.items()
        if state not in ("suggested", "adopted")
        for card in column.cards
    ]
    in_work.sort(key=lambda card: (card.state_changed_at, card.pk))
    for card in in_work:
        card.late = card.waited_days > LATE_DAYS
    today = timezone.localdate()
    trainings = list(
        TrainingSession.objects.filter(
            station__in=[s.pk for s in stations],
            date__year=today.year,
            date__month=today.month,
        )
        .only("pk", "date", "topic", "place")
        .order_by("date", "pk")
    )
    unverified_count, unverified = awaiting_verification(user, limit=HOME_ITEMS)
    return {
        "station": station,
        "columns": [(state, MatchState(state).label, c.total) for state, c in columns.items()],
        "oldest": in_work[:HOME_ITEMS],
        "unverified_count": unverified_count,
        "unverified": unverified,
        "trainings": trainings,
    }


def admin_home(user: User) -> dict:
    """The headline figures and what waits for an administrator's decision."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.selectors import awaiting_verification
    from matchmaking import stats
    from matchmaking.models import Match

    if not permissions.is_admin(user):
        return {}
    unverified_count, unverified = awaiting_verification(user, limit=HOME_ITEMS)
    stale = timezone.now() - timedelta(days=LATE_DAYS)
    return {
        "headline": stats.headline(),
        "unverified_count": unverified_count,
        "unverified": unverified,
        "stale_contacts": Match.objects.filter(
            contact_status="pending", contact_requested_at__lt=stale
        ).count(),
    }
