from __future__ import annotations

from datetime import timedelta

from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import User
from accounts.selectors import awaiting_verification
from matchmaking.enums import DeclineReason
from matchmaking.fairs.states import FairStatus, RequestStatus
from matchmaking.listings.states import NeedStatus, ResultStatus
from matchmaking.matches.states import CLOSED, ContactStatus, MatchState
from matchmaking.models import (
    Evaluation,
    Match,
    MeetingRequest,
    ResearchResult,
    TechnologyNeed,
    TrainingSession,
)
from matchmaking.stations.selectors import station_board
from matchmaking.stats import selectors as stats

# Items listed per block of a home page; its heading still counts them all.
HOME_ITEMS = 5


# A result among a need's first three is a strong match for the home page's "new matches".
STRONG_RANK = 3


# What the enterprise home calls recent when the user never opened it before.
RECENT_DAYS = 30


# Waiting longer than this is shown in red.
LATE_DAYS = 7


def _since(since):

    return since or timezone.now() - timedelta(days=RECENT_DAYS)


def _days_waiting(rows, field: str) -> list:

    now = timezone.now()
    for row in rows:
        row.days_waiting = (now - getattr(row, field)).days
        row.late = row.days_waiting > LATE_DAYS
    return rows


def enterprise_home(user: User, since=None) -> dict:
    """What an enterprise member should look at: answers and invitations waiting for them,
    strong matches new since their last visit, and their open needs with the best match each."""

    enterprises = [o.pk for o in permissions.organisations_of(user, OrganisationKind.ENTERPRISE)]
    if not enterprises:
        return {}
    since = _since(since)
    live = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
    answered = list(
        Match.objects.filter(
            need__organisation__in=enterprises,
            contact_status=ContactStatus.ACCEPTED,
            state=MatchState.CONTACTED,
        )
        .select_related("result", "result__organisation")
        .only("pk", "need_id", "contact_answered_at", "result__title", "result__organisation__name")
        .order_by("-contact_answered_at")[:HOME_ITEMS]
    )
    meetings = list(
        MeetingRequest.objects.filter(
            recipient__organisation__in=enterprises,
            status=RequestStatus.PENDING,
            fair__status__in=OPEN_FAIRS,
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
    # Counted for the ten needs shown only: a join and a GROUP BY over all the enterprise's
    # needs took 150 ms for one with 2,500 needs (bench/request_cpu.py).
    counted = (
        Match.objects.filter(need=OuterRef("pk"), result__status=ResultStatus.LISTED)
        .exclude(state__in=CLOSED)
        .order_by()
        .values("need")
        .annotate(n=Count("pk"))
        .values("n")
    )
    needs = list(
        TechnologyNeed.objects.filter(
            organisation__in=enterprises, status__in=(NeedStatus.DRAFT, *live)
        )
        .only("pk", "title", "status", "published_at", "created_at")
        .annotate(match_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
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


OPEN_FAIRS = (FairStatus.REGISTRATION_OPEN, FairStatus.SCHEDULING, FairStatus.AGENDA_PUBLISHED)


def researcher_home(user: User) -> dict:
    """What a researcher should look at: contact requests waiting (oldest first), open needs
    their results fit best, and how their results fare (views, declines with the reasons)."""

    institutions = [o.pk for o in permissions.organisations_of(user, OrganisationKind.INSTITUTION)]
    if not institutions:
        return {}
    waiting = _days_waiting(
        list(
            Match.objects.filter(
                result__organisation__in=institutions, contact_status=ContactStatus.PENDING
            )
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
        .annotate(declined=Count("matches", filter=Q(matches__state=MatchState.DECLINED)))
        .order_by("-view_count", "pk")[:10]
    )
    reasons: dict[int, list] = {}
    labels = dict(DeclineReason.choices)
    rows = (
        Match.objects.filter(result__in=results, state=MatchState.DECLINED)
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

    stations = permissions.organisations_of(user, OrganisationKind.STATION)
    if not stations:
        return {}
    station = stations[0]
    columns = station_board(station, {})
    in_work = [
        card
        for state, column in columns.items()
        if state not in (MatchState.SUGGESTED, MatchState.ADOPTED)
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

    if not permissions.is_admin(user):
        return {}
    unverified_count, unverified = awaiting_verification(user, limit=HOME_ITEMS)
    stale = timezone.now() - timedelta(days=LATE_DAYS)
    return {
        "headline": stats.headline(),
        "unverified_count": unverified_count,
        "unverified": unverified,
        "stale_contacts": Match.objects.filter(
            contact_status=ContactStatus.PENDING, contact_requested_at__lt=stale
        ).count(),
    }
