from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
)

from accounts import permissions
from accounts.models import User
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.matches import explanations
from matchmaking.matches.filters import GOOD_REASONS, MATCH_FITS, MatchFilter
from matchmaking.matches.states import CLOSED, ContactStatus, MatchState
from matchmaking.matching import FitConfig, calibration
from matchmaking.models import (
    Evaluation,
    Match,
    NeedPhoto,
    ResearchResult,
    SolutionPlan,
    TechnologyNeed,
)


def matches_with_sides() -> QuerySet[Match]:
    """Matches with both organisations loaded, as the permission checks read them."""
    return Match.objects.select_related("need__organisation", "result__organisation")


def matches_for_detail() -> QuerySet[Match]:
    """Matches with what the match page shows of both listings."""
    return Match.objects.select_related(
        "need",
        "need__organisation",
        "need__region",
        "need__category",
        "result",
        "result__organisation",
        "result__category",
    )


def match_queryset() -> QuerySet[Match]:
    return Match.objects.all()


def matches_by_pk(pks) -> QuerySet[Match]:
    return Match.objects.filter(pk__in=pks)


def matches_with_listings() -> QuerySet[Match]:
    """Matches with both listings and their organisations, as the API shows them."""
    return Match.objects.select_related(
        "need", "need__organisation", "result", "result__organisation"
    )


def match_history(match) -> QuerySet:
    """The match's events with who made each, in the model's order."""
    return match.events.select_related("actor")


def match_events(match) -> QuerySet:
    """The match's history, newest first."""
    return match_history(match).order_by("-created_at", "-pk")


def has_station_records(match) -> bool:
    """Whether a station evaluated the match or planned its adoption (one query)."""
    return (
        Match.objects.filter(pk=match.pk)
        .filter(
            Exists(Evaluation.objects.filter(match=OuterRef("pk")))
            | Exists(SolutionPlan.objects.filter(match=OuterRef("pk")))
        )
        .exists()
    )


def match_with_sides(pk: int) -> Match | None:
    return matches_with_sides().filter(pk=pk).first()


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
    if any(key.startswith("fit_") and params.get(key) for key in params or {}):
        # The fits are read from the stored explanations: those a full re-match left
        # incomplete have none yet, and would be filtered out for that alone.
        explanations.ensure_explained(list(matches.select_related(None).only("pk", "explanation")))
    return filterset.qs


def explained(matches: list) -> list:
    """The matches, each with its whole explanation (see explanations.ensure_explained)."""
    explanations.ensure_explained(matches)
    return matches


def _fit_weights() -> dict[str, float]:

    config = FitConfig()
    return {name: getattr(config, name) for name in MATCH_FITS}


def strength(match, score: float | None = None) -> str:
    """What the match's card calls it: calibration.STRONG (强), GOOD (较好) or POSSIBLE (可能),
    by the thresholds calibrated for its method. ``score``: another figure of the same match
    (the research side's, without the price fit)."""

    figure = match.score if score is None else score
    method = (match.explanation or {}).get("method") or "lexical"
    return calibration.strength(float(figure or 0), method)


def figures_hiding_the_budget(match) -> dict:
    """The match's figures computed without the price fit: score, structured_score, the
    explanation (its price fit a word only), and no ranks."""

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


def own_matches_with(user: User, listing, limit: int = 5) -> list[Match]:
    """The matches between this listing and the user's own organisations' listings, best
    first: on a listing's page, where to ask for contact from."""

    organisations = [o.pk for o in permissions.organisations_of(user)]
    if not organisations:
        return []
    if isinstance(listing, ResearchResult):
        matches = Match.objects.filter(result=listing, need__organisation__in=organisations)
    else:
        matches = Match.objects.filter(need=listing, result__organisation__in=organisations)
    return list(matches.select_related("need", "result").order_by("-score", "pk")[:limit])


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


# What no match card shows of the listing on the other side: its search copies, its vector and
# its organisation's profile, the widest part of each row of a listing's match list.
_NOT_ON_CARDS = {
    side: [
        f"{side}__{name}"
        for name in ("search_text", "search_tokens", "embedding", "organisation__description")
    ]
    for side in ("need", "result")
}


def need_matches(need: TechnologyNeed, params=None) -> list:
    """The need's ranked results, best first; declined, withdrawn and unlisted ones left out."""

    matches = (
        Match.objects.filter(need=need, result__status=ResultStatus.LISTED)
        .exclude(state__in=CLOSED)
        .select_related("result", "result__organisation", "result__category")
        .defer(*_NOT_ON_CARDS["result"])
        .order_by("rank_for_need", "-score")
    )
    matches = explained(list(_filter_matches(matches, params)))
    for match in matches:
        match.need = need  # all share it: no query per row when a page or the API reads it
    return matches


def result_matches(result: ResearchResult, params=None) -> list:

    # Each need's photos on its card (issue #16): how many, and the first one's thumbnail.
    photos = NeedPhoto.objects.filter(need=OuterRef("need")).order_by()
    matches = (
        Match.objects.filter(
            result=result, need__status__in=(NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
        )
        .exclude(state__in=CLOSED)
        .select_related("need", "need__organisation", "need__region", "need__category")
        .defer(*_NOT_ON_CARDS["need"])
        .annotate(
            need_photos=Subquery(
                photos.values("need").annotate(n=Count("pk")).values("n")[:1],
                output_field=IntegerField(),
            ),
            need_first_photo=Subquery(photos.order_by("created_at", "pk").values("pk")[:1]),
        )
        .order_by("rank_for_result", "-score")
    )
    matches = explained(list(_filter_matches(matches, params)))
    for match in matches:
        match.result = result
    return matches


def decline_reasons_for(result: ResearchResult) -> dict[str, int]:
    """Why enterprises declined this result, counted (researchers see reasons, not who)."""

    return dict(
        Match.objects.filter(result=result, state=MatchState.DECLINED)
        .exclude(decline_reason="")
        .values_list("decline_reason")
        .annotate(n=Count("pk"))
    )


def pending_contact_requests(user: User):
    """Contact requests waiting for the user's institutions' answer."""

    institutions = [o.pk for o in permissions.organisations_of(user)]
    return (
        Match.objects.filter(
            result__organisation__in=institutions, contact_status=ContactStatus.PENDING
        )
        .select_related("need", "need__organisation", "result")
        .order_by("contact_requested_at")
    )
