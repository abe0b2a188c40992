"""Writes for needs and results: create, edit, and move through their states.

Needs and results follow the same rules with different names, so one implementation serves both;
`need_*` and `result_*` are the names the rest of the code calls.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, User
from accounts.validation import normalise_patent_number
from config.queue import enqueue
from matchmaking.listings import search
from matchmaking.listings.states import (
    NEED_TRANSITIONS,
    RESULT_TRANSITIONS,
    NeedStatus,
    ResultStatus,
)
from matchmaking.models import ResearchResult, TechnologyNeed

Listing = TechnologyNeed | ResearchResult


@dataclass(frozen=True)
class ListingRules:
    model: type
    organisation_kind: str
    published: str  # the state in which others can find it
    transitions: dict[str, frozenset[str]]
    closed_states: frozenset[str]
    m2m_fields: tuple[str, ...] = ()


NEED_RULES = ListingRules(
    model=TechnologyNeed,
    organisation_kind=OrganisationKind.ENTERPRISE,
    published=NeedStatus.OPEN,
    transitions=NEED_TRANSITIONS,
    closed_states=frozenset({NeedStatus.FULFILLED, NeedStatus.CLOSED, NeedStatus.EXPIRED}),
)
RESULT_RULES = ListingRules(
    model=ResearchResult,
    organisation_kind=OrganisationKind.INSTITUTION,
    published=ResultStatus.LISTED,
    transitions=RESULT_TRANSITIONS,
    closed_states=frozenset({ResultStatus.TRANSFERRED, ResultStatus.WITHDRAWN}),
    m2m_fields=("regions_served",),
)


def rules_for(listing: Listing) -> ListingRules:
    return NEED_RULES if isinstance(listing, TechnologyNeed) else RESULT_RULES


def allowed_transitions(listing: Listing) -> frozenset[str]:
    return rules_for(listing).transitions.get(listing.status, frozenset())


def search_text_of(listing: Listing) -> str:
    parts = [listing.title, listing.keywords, listing.text]
    if listing.category_id:
        category = listing.category
        parts += [category.name, category.name_en]
        if category.parent_id:
            parts += [category.parent.name, category.parent.name_en]
    parts.append(listing.organisation.name)
    if listing.region_id:
        parts.append(listing.region.full_name)
    return search.normalise(" ".join(p for p in parts if p))


def _check_organisation(rules: ListingRules, organisation: Organisation, by: User) -> None:
    if organisation.kind != rules.organisation_kind:
        if rules is NEED_RULES:
            raise PermissionDenied(_("Only enterprises post technology needs."))
        raise PermissionDenied(_("Only research institutions list research results."))
    if not (permissions.may_act_for(by, organisation)):
        raise PermissionDenied(_("You cannot post for this organisation."))


def _assign(listing: Listing, data: dict[str, Any], rules: ListingRules) -> dict[str, Any]:
    m2m = {name: data.pop(name) for name in rules.m2m_fields if name in data}
    for name, value in data.items():
        setattr(listing, name, value)
    if isinstance(listing, ResearchResult) and listing.is_patent and listing.ip_number:
        listing.ip_number = normalise_patent_number(listing.ip_number)
    return m2m


# Related objects arrive as instances that a form, serializer or import has already looked up;
# checking each one's existence again would cost a query per field per row on a bulk import.
ALREADY_RESOLVED = ["organisation", "created_by", "category", "region", "acting_station"]


def clean_options(listing: Listing) -> dict[str, Any]:
    """Arguments for full_clean: skip what is already known valid, keep the unique patent check."""
    if isinstance(listing, ResearchResult) and listing.ip_number:
        # Constraints naming an excluded field are skipped, so keep the organisation in.
        exclude = [name for name in ALREADY_RESOLVED if name != "organisation"]
        return {"exclude": exclude, "validate_constraints": True}
    return {"exclude": ALREADY_RESOLVED, "validate_constraints": False}


def _check_regions_served(listing: Listing, m2m: dict[str, Any]) -> None:
    """A result serves all provinces or names some; an update that leaves the provinces out
    keeps the stored ones."""
    if not isinstance(listing, ResearchResult) or listing.serves_all_regions:
        return
    if "regions_served" in m2m:
        served = bool(m2m["regions_served"])
    else:
        served = bool(listing.pk) and listing.regions_served.exists()
    if not served:
        raise ValidationError(
            {"regions_served": _("Choose the provinces served, or tick “serves all provinces”.")}
        )


def _save(listing: Listing, m2m: dict[str, Any], by: User) -> None:
    _check_regions_served(listing, m2m)
    # The audit trail names who did it, also from a worker (an import) or the API.
    listing._history_user = by
    # The check constraints are also enforced by the database and mirrored in clean(); only
    # the unique patent number needs the query that validating constraints makes.
    listing.full_clean(**clean_options(listing))
    listing.search_text = search_text_of(listing)
    listing.search_tokens = search.index_tokens(listing.search_text)
    listing.save()
    for name, value in m2m.items():
        getattr(listing, name).set(value)


def _create(rules: ListingRules, *, by: User, organisation: Organisation, data: dict) -> Listing:
    _check_organisation(rules, organisation, by)
    data = dict(data)
    data.setdefault("region", organisation.region)
    listing = rules.model(organisation=organisation, created_by=by)
    listing.status = NeedStatus.DRAFT  # both kinds start as drafts
    if not permissions.is_member(by, organisation):
        stations = permissions.covering_stations(by, organisation)
        listing.acting_station = stations[0] if stations else None
    data.pop("status", None)
    m2m = _assign(listing, data, rules)
    with transaction.atomic():
        _save(listing, m2m, by)
    return listing


def _update(rules: ListingRules, *, listing: Listing, by: User, data: dict) -> Listing:
    if not permissions.can_edit_listing(by, listing):
        raise PermissionDenied(_("You cannot edit this listing."))
    data = {k: v for k, v in data.items() if k not in ("status", "organisation", "created_by")}
    with transaction.atomic():
        m2m = _assign(listing, data, rules)
        if listing.status != NeedStatus.DRAFT:
            listing.matching_pending = True
        _save(listing, m2m, by)
        if listing.matching_pending:
            _queue_matching(listing)
    return listing


def _transition(
    rules: ListingRules, *, listing: Listing, to: str, by: User, queue_matching: bool = True
) -> Listing:
    if not permissions.can_edit_listing(by, listing):
        raise PermissionDenied(_("You cannot change this listing."))
    with transaction.atomic():
        locked = (
            rules.model.objects.select_for_update(of=("self",))
            .select_related("organisation")
            .get(pk=listing.pk)
        )
        if to not in rules.transitions.get(locked.status, frozenset()):
            raise ValidationError(
                {
                    "status": _("A listing that is “%(current)s” cannot become “%(target)s”.")
                    % {
                        "current": locked.get_status_display(),
                        "target": rules.model(status=to).get_status_display(),
                    }
                }
            )
        if to == rules.published:
            reason = permissions.publish_block_reason(locked.organisation)
            if reason:
                raise ValidationError({"status": reason})
            deadline = getattr(locked, "deadline", None)
            if deadline is not None and deadline < timezone.localdate():
                raise ValidationError(
                    {"deadline": _("The deadline has passed: set a new one before publishing.")}
                )
            locked.published_at = locked.published_at or timezone.now()
            locked.closed_at = None
        elif to in rules.closed_states:
            locked.closed_at = timezone.now()
        locked.status = to
        # Published, closed or reopened: its matches change; the sweep covers a lost task.
        locked.matching_pending = True
        locked._history_user = by
        locked.save(
            update_fields=["status", "published_at", "closed_at", "matching_pending", "updated_at"]
        )
        if queue_matching:
            _queue_matching(locked)
    for name in ("status", "published_at", "closed_at", "matching_pending", "updated_at"):
        setattr(listing, name, getattr(locked, name))
    return listing


#: As for a match: "撤销" shows for 8 seconds; the server allows a little more.
UNDO_WINDOW = timedelta(seconds=30)


@dataclass(frozen=True)
class ListingMove:
    """A change of a listing's status as its maker may take it back: kept in their session
    (listings have no history table), never taken from the form."""

    kind: str  # "need" or "result"
    pk: int
    by_id: int
    moved_from: str
    moved_to: str
    moved_at: str  # ISO 8601, as the session stores it
    closed_at_before: str | None
    updated_at: str

    def as_dict(self) -> dict:
        return asdict(self)


def listing_move_of(
    listing: Listing, *, moved_from: str, by: User, closed_at_before
) -> ListingMove:
    """The record of the move just made, for an undo."""
    return ListingMove(
        kind="need" if isinstance(listing, TechnologyNeed) else "result",
        pk=listing.pk,
        by_id=by.pk,
        moved_from=moved_from,
        moved_to=listing.status,
        moved_at=timezone.now().isoformat(),
        closed_at_before=closed_at_before.isoformat() if closed_at_before else None,
        updated_at=listing.updated_at.isoformat(),
    )


def listing_undo(*, listing: Listing, move: ListingMove, by: User) -> Listing:
    """Take back a status change: only its maker, only if nothing changed the listing since,
    only within UNDO_WINDOW. The listing returns to its status and closing date before."""
    rules = rules_for(listing)
    if (
        move.by_id != by.pk
        or move.pk != listing.pk
        or not permissions.can_edit_listing(by, listing)
    ):
        raise PermissionDenied(_("Only the person who made a change can undo it."))
    if timezone.now() - datetime.fromisoformat(move.moved_at) > UNDO_WINDOW:
        raise ValidationError(
            {"status": _("Too late to undo: a step can only be undone within a few seconds.")}
        )
    with transaction.atomic():
        locked = rules.model.objects.select_for_update(of=("self",)).get(pk=listing.pk)
        if locked.status != move.moved_to or locked.updated_at.isoformat() != move.updated_at:
            raise ValidationError({"status": _("It has changed since; there is nothing to undo.")})
        locked.status = move.moved_from
        locked.closed_at = (
            datetime.fromisoformat(move.closed_at_before) if move.closed_at_before else None
        )
        locked.matching_pending = True
        locked.save(update_fields=["status", "closed_at", "matching_pending", "updated_at"])
        _queue_matching(locked)
    for name in ("status", "closed_at", "matching_pending", "updated_at"):
        setattr(listing, name, getattr(locked, name))
    return listing


def _queue_matching(listing: Listing) -> None:
    task = "rematch_need" if isinstance(listing, TechnologyNeed) else "rematch_result"
    transaction.on_commit(lambda: enqueue(f"matchmaking.tasks.{task}", listing.pk))


def need_create(*, by: User, organisation: Organisation, data: dict) -> TechnologyNeed:
    return _create(NEED_RULES, by=by, organisation=organisation, data=data)


def need_update(*, need: TechnologyNeed, by: User, data: dict) -> TechnologyNeed:
    return _update(NEED_RULES, listing=need, by=by, data=data)


def need_transition(*, need: TechnologyNeed, to: str, by: User) -> TechnologyNeed:
    return _transition(NEED_RULES, listing=need, to=to, by=by)


def result_create(*, by: User, organisation: Organisation, data: dict) -> ResearchResult:
    return _create(RESULT_RULES, by=by, organisation=organisation, data=data)


def result_update(*, result: ResearchResult, by: User, data: dict) -> ResearchResult:
    return _update(RESULT_RULES, listing=result, by=by, data=data)


def result_transition(*, result: ResearchResult, to: str, by: User) -> ResearchResult:
    return _transition(RESULT_RULES, listing=result, to=to, by=by)


def listing_transition(
    *, listing: Listing, to: str, by: User, queue_matching: bool = True
) -> Listing:
    """Change a listing's status. Bulk callers pass queue_matching=False and queue one sweep
    for all the listings left pending, instead of one task each."""
    return _transition(
        rules_for(listing), listing=listing, to=to, by=by, queue_matching=queue_matching
    )


def result_viewed(result) -> None:
    """Someone outside the institution opened the result's page: one more view for its
    researchers' home page. One UPDATE, safe under concurrent views."""

    result_viewed_by_pk(result.pk)


def result_viewed_by_pk(pk: int) -> None:
    """result_viewed, for a page kept in the cache: the result is not loaded."""

    ResearchResult.objects.filter(pk=pk).update(view_count=F("view_count") + 1)
