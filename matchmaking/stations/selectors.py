from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone

from accounts import permissions
from accounts.enums import MembershipStatus, OrganisationKind
from accounts.models import Organisation, User
from accounts.regions import code_prefix
from matchmaking.listings.states import NeedStatus
from matchmaking.matches import states as matches_states
from matchmaking.matches.states import MatchState
from matchmaking.models import Match, MatchEvent
from matchmaking.stations.filters import BoardFilterForm
from matchmaking.stations.models import AdoptionCost, TrainingSession


def covered_prefixes(codes) -> tuple[str, ...]:
    """The prefix every county code under each region starts with: a province's first 2
    digits, a prefecture's 4, a county's whole 6-digit code."""
    return tuple(code_prefix(code) for code in codes)


def coverage_q(station, field: str = "need__organisation__region__code") -> Q:
    """Rows whose region lies in the station's counties (or prefectures, or provinces)."""
    condition = Q(pk__in=[])
    for prefix in covered_prefixes(station.covered_regions.values_list("code", flat=True)):
        lookup = field if len(prefix) == 6 else f"{field}__startswith"
        condition |= Q(**{lookup: prefix})
    return condition


# The board's columns: the workflow's forward path, in order.
BOARD_STATES = list(matches_states.FORWARD)


# Cards shown per board column; the column's heading still counts them all.
BOARD_COLUMN_SIZE = 30


@dataclass
class BoardColumn:
    total: int = 0
    cards: list = field(default_factory=list)


def station_board(station, params) -> dict[str, BoardColumn]:
    """The station's matches by state, longest waiting first: each column's total and its
    first BOARD_COLUMN_SIZE cards. Of suggestions, only each need's top 3."""

    matches = Match.objects.filter(
        coverage_q(station), need__status__in=(NeedStatus.OPEN, NeedStatus.IN_PROGRESS)
    ).filter(Q(state__in=BOARD_STATES[1:]) | Q(state=MatchState.SUGGESTED, rank_for_need__lte=3))
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
        # What a card shows, and no more: the other columns of four wide rows (texts, search
        # copies, vectors) were most of what PostgreSQL sent and Python built for 240 cards.
        .only(
            "state",
            "state_changed_at",
            "need__title",
            "need__organisation__name",
            "need__region__name",
            "need__region__name_en",
            "result__title",
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


def adoption_cost_of(match) -> AdoptionCost | None:
    """The adoption's cost record of the match, if a station wrote it."""
    return AdoptionCost.objects.filter(match=match).first()


def station_staff(station) -> list:
    """The station's active staff, for the board's "assign to" menu."""
    return [
        m.user
        for m in station.memberships.filter(status=MembershipStatus.ACTIVE).select_related("user")
    ]


def covered_counties(station) -> QuerySet:
    return station.covered_regions.order_by("code")


def workable_matches() -> QuerySet:
    """Matches with what a station needs to decide whether it may work on them."""
    from matchmaking.models import Match

    return Match.objects.select_related("need__organisation__region", "result__organisation")


def station_records(model, *, with_need: bool = False) -> QuerySet:
    """Evaluations, plans or adoption costs with their station; `with_need` also loads the
    enterprise that the permission check reads. Narrow them with
    permissions.station_records_visible or can_view_station_record."""
    if with_need:
        return model.objects.select_related("match__need__organisation", "station")
    return model.objects.select_related("match", "station")


def plan_versions(plan) -> QuerySet:
    return plan.match.plans.order_by("-version")


def training_sessions(*, enterprise=None, station=None) -> QuerySet[TrainingSession]:
    """The sessions an enterprise attended, or else those a station held."""
    if enterprise is not None:
        sessions = TrainingSession.objects.filter(attendances__enterprise=enterprise)
    else:
        sessions = TrainingSession.objects.filter(station=station)
    return sessions.select_related("station").prefetch_related("attendances__enterprise").distinct()


def training_with_station() -> QuerySet[TrainingSession]:
    return TrainingSession.objects.select_related("station")


def attendances_of(session) -> list:
    return list(session.attendances.select_related("enterprise"))


def training_for_api() -> QuerySet[TrainingSession]:
    """Every session with its attendances, newest first: narrow them with
    permissions.station_records_visible."""
    return TrainingSession.objects.prefetch_related("attendances").order_by("-date", "-pk")
