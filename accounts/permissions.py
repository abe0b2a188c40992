"""Who may do what: the one place where roles are decided.

Every view, API endpoint and service asks these functions; none re-implements a rule. A user's
roles come from their active memberships (enterprise, institution, station, authority) and from
Django's staff flag (admin). Memberships are read once per user object and cached on it.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.enums import MembershipRole, MembershipStatus, OrganisationKind, Role
from accounts.models import Membership
from config import page_cache
from matchmaking.matches import states as match_states

if TYPE_CHECKING:
    from accounts.models import Membership, Organisation, Region, User

_KIND_ROLE = {
    OrganisationKind.ENTERPRISE: Role.ENTERPRISE,
    OrganisationKind.INSTITUTION: Role.RESEARCHER,
    OrganisationKind.STATION: Role.STATION_STAFF,
    OrganisationKind.AUTHORITY: Role.AUTHORITY,
}


# Every signed-in request reads the user's memberships (the menus show the roles, and every
# check here asks): kept in the cache per user, under a generation that any ORM write of a
# membership, an organisation or a region renews (accounts/apps.py), as config/page_cache.py
# keeps pages. A write that bypasses the signals calls page_cache.written(Organisation).
MEMBERSHIPS_GENERATION = "memberships:generation"
MEMBERSHIPS_SECONDS = 5 * 60


def _read_memberships(user: User) -> list[Membership]:
    return list(
        Membership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name")
    )


def _kept_memberships(user: User) -> list[Membership]:
    key = f"memberships:{user.pk}"
    try:
        found = cache.get_many([MEMBERSHIPS_GENERATION, key])
    except Exception:  # a cache outage must not lock anyone out
        return _read_memberships(user)
    generation, stored = found.get(MEMBERSHIPS_GENERATION), found.get(key)
    if generation is not None and stored is not None and stored[0] == generation:
        return stored[1]
    memberships = _read_memberships(user)
    if generation is None:
        page_cache.start_generation(MEMBERSHIPS_GENERATION)
    else:
        with contextlib.suppress(Exception):
            cache.set(key, (generation, memberships), MEMBERSHIPS_SECONDS)
    return memberships


def active_memberships(user: User) -> list[Membership]:
    """The user's active memberships with their organisations, read once per user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_active_memberships", None)
    if cached is None:
        cached = _kept_memberships(user)
        user._active_memberships = cached
    return cached


def forget_memberships(user: User) -> None:
    """Drop the cached memberships after they change."""
    user.__dict__.pop("_active_memberships", None)


def is_admin(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser))


def roles(user: User) -> frozenset[Role]:
    found = {_KIND_ROLE[m.organisation.kind] for m in active_memberships(user)}
    if is_admin(user):
        found.add(Role.ADMIN)
    return frozenset(found)


def has_role(user: User, role: Role) -> bool:
    return role in roles(user)


def organisations_of(user: User, kind: OrganisationKind | None = None) -> list[Organisation]:
    return [
        m.organisation
        for m in active_memberships(user)
        if kind is None or m.organisation.kind == kind
    ]


def is_member(user: User, organisation: Organisation) -> bool:
    return any(m.organisation_id == organisation.pk for m in active_memberships(user))


def is_owner(user: User, organisation: Organisation) -> bool:
    return any(
        m.organisation_id == organisation.pk and m.role == MembershipRole.OWNER
        for m in active_memberships(user)
    )


def station_covers(station: Organisation, region: Region | None) -> bool:
    """A station covers a county if it lists the county, its prefecture or its province."""
    if region is None or station.kind != OrganisationKind.STATION:
        return False
    codes = getattr(station, "_covered_codes", None)
    if codes is None:
        codes = set(station.covered_regions.values_list("code", flat=True))
        station._covered_codes = codes
    code = region.code
    return bool({code, code[:4] + "00", code[:2] + "0000"} & codes)


def covering_stations(user: User, organisation: Organisation) -> list[Organisation]:
    """The user's stations that cover the organisation's region."""
    return [
        station
        for station in organisations_of(user, OrganisationKind.STATION)
        if station_covers(station, organisation.region)
    ]


def can_manage_organisation(user: User, organisation: Organisation) -> bool:
    """Edit the organisation's profile and decide on requests to join it."""
    return is_admin(user) or is_owner(user, organisation)


def can_verify_organisation(user: User, organisation: Organisation) -> bool:
    """Admins verify anyone; station staff verify organisations in their counties."""
    if is_admin(user):
        return True
    if organisation.kind == OrganisationKind.STATION:
        return False
    return bool(covering_stations(user, organisation))


def can_create_enterprise_account(user: User, region: Region | None = None) -> bool:
    """Open an account for an enterprise (its owner's mobile number and the organisation):
    staff of a station serving the enterprise's county, and admins. Without a region: whether
    the user may open such accounts at all (shows the page)."""
    if is_admin(user):
        return True
    stations = organisations_of(user, OrganisationKind.STATION)
    if region is None:
        return bool(stations)
    return any(station_covers(station, region) for station in stations)


def can_act_for(user: User, organisation: Organisation) -> bool:
    """Post and edit listings on the organisation's behalf.

    Its own members may; station staff may act for enterprises in their counties.
    """
    if is_member(user, organisation):
        return True
    return organisation.kind == OrganisationKind.ENTERPRISE and bool(
        covering_stations(user, organisation)
    )


def may_act_for(user: User, organisation: Organisation) -> bool:
    """can_act_for, or an admin: who may write on the organisation's behalf."""
    return is_admin(user) or can_act_for(user, organisation)


def can_view_private(user: User, organisation: Organisation) -> bool:
    """See the organisation's private fields (contact details, private budgets, drafts)."""
    return may_act_for(user, organisation)


def contact_block_reason(user: User) -> str | None:
    """Why the user may not receive another party's contact details yet, or None.

    A mobile number the person gave must be verified first (a code sent to it was entered):
    details are exchanged between people who can be reached, not handed to a number anyone
    could have typed. Accounts without a number are reached by their email, as before.
    """
    if not user.is_authenticated:
        return str(_("Log in to see contact details."))
    if user.phone and not user.phone_verified:
        return str(_("Verify your mobile number to see the contact details."))
    if not user.phone and not user.email:
        return str(_("Add and verify your mobile number to see the contact details."))
    return None


def can_receive_contact_details(user: User, match) -> bool:
    """The other side's contact details on a match: once the researcher accepted, to people of
    either side (and staff of a covering station, and admins) who can be reached themselves."""
    return match.contact_open and contact_block_reason(user) is None


def publish_block_reason(organisation: Organisation) -> str | None:
    """Why the organisation may not publish yet, or None when it may."""
    if not organisation.is_verified:
        return str(
            _(
                "%(name)s is not verified yet. You can save drafts; publishing opens once a "
                "service station or an administrator has verified the organisation."
            )
            % {"name": organisation.name}
        )
    return None


def can_publish(organisation: Organisation) -> bool:
    return publish_block_reason(organisation) is None


# Listings (needs and results). Duck-typed on `organisation`, `status` and `visibility` so that
# this module stays the one place for rules without importing the matchmaking app.

DRAFT = "draft"
REGISTERED_ONLY = "registered"


def can_edit_listing(user: User, listing) -> bool:
    """Create, edit and change the state of a need or result of this organisation."""
    return may_act_for(user, listing.organisation)


def can_view_listing(user: User, listing) -> bool:
    if listing.status == DRAFT:
        return can_view_private(user, listing.organisation)
    return listing.visibility != REGISTERED_ONLY or user.is_authenticated


def can_see_budget(user: User, need) -> bool:
    return need.budget_public or can_view_private(user, need.organisation)


def can_import(user: User) -> bool:
    """Bulk import of needs or results: station staff, institution members and admins.

    Each row must still belong to an organisation the user can act for.
    """
    return is_admin(user) or bool(
        organisations_of(user, OrganisationKind.STATION)
        or organisations_of(user, OrganisationKind.INSTITUTION)
    )


# Stations' work on matches.


def stations_working(user: User, enterprise: Organisation) -> list[Organisation]:
    """The user's stations that cover this enterprise (where the user may work its matches)."""
    if enterprise.kind != OrganisationKind.ENTERPRISE:
        return []
    return covering_stations(user, enterprise)


def can_mark_not_relevant(user: User, match) -> bool:
    """Say "不相关" of a suggested result: whoever acts for the need's enterprise (its members,
    its covering station), and admins."""
    return is_admin(user) or can_act_for(user, match.need.organisation)


def can_view_match_quality(user: User) -> bool:
    """The matcher's quality report from the site's history: staff and admins."""
    return is_admin(user)


def can_work_match(user: User, match) -> bool:
    """File evaluations, plans and costs on a match: staff of a covering station, or admins."""
    return is_admin(user) or bool(stations_working(user, match.need.organisation))


def can_view_station_record(user: User, record) -> bool:
    """The record's own station, the enterprise it concerns, and admins."""
    if is_admin(user) or is_member(user, record.station):
        return True
    match = getattr(record, "match", None)
    return match is not None and is_member(user, match.need.organisation)


def station_records_visible(
    queryset, user: User, station_field="station", enterprise_field="match__need__organisation"
):
    """can_view_station_record as a queryset filter, for lists."""
    if is_admin(user):
        return queryset
    own = [o.pk for o in organisations_of(user)]
    return queryset.filter(
        Q(**{f"{station_field}__in": own}) | Q(**{f"{enterprise_field}__in": own})
    )


def can_view_outcomes(user: User, match) -> bool:
    """What a match's adoption changed (issue #21): its evidence and their photos, its trial's
    milestones and ledger, its contract dossier. The need's enterprise, the stations covering
    it, and admins; not the research side, not other enterprises."""
    return (
        is_admin(user)
        or is_member(user, match.need.organisation)
        or bool(stations_working(user, match.need.organisation))
    )


def can_answer_evidence(user: User, match) -> bool:
    """Confirm or dispute the evidence a station recorded: the enterprise itself (and admins),
    never the station that measured it."""
    return is_admin(user) or is_member(user, match.need.organisation)


def can_view_training(user: User, session, attendees: list[Organisation]) -> bool:
    """A training: the station that gave it, the enterprises that attended, and admins."""
    return (
        is_admin(user)
        or is_member(user, session.station)
        or any(is_member(user, enterprise) for enterprise in attendees)
    )


# The fair's check-in desk. Duck-typed on `fair.organisers` and `registration.organisation`.


def organises_fair(user: User, fair) -> bool:
    """Staff of one of the fair's organising stations."""
    stations = [s.pk for s in organisations_of(user, OrganisationKind.STATION)]
    return bool(stations) and fair.organisers.filter(pk__in=stations).exists()


def can_create_fair(user: User) -> bool:
    """Announce a fair: admins, and station staff (their station then organises it)."""
    return is_admin(user) or bool(organisations_of(user, OrganisationKind.STATION))


def can_manage_fair(user: User, fair) -> bool:
    """Edit the fair, open its registration, schedule and re-schedule it: admins and the staff
    of its organising stations."""
    return is_admin(user) or organises_fair(user, fair)


def can_check_in(user: User, registration) -> bool:
    """See a registration at the desk (its attendees and their mobile numbers) and check it
    in: admins, the fair's organising stations, and stations covering the registrant."""
    return (
        is_admin(user)
        or organises_fair(user, registration.fair)
        or bool(covering_stations(user, registration.organisation))
    )


def check_in_registrations(user: User, fair, registrations):
    """`registrations` (of `fair`) narrowed to those can_check_in allows: the same rule as a
    queryset filter."""

    if is_admin(user) or organises_fair(user, fair):
        return registrations
    condition = Q(pk__in=[])
    for station in organisations_of(user, OrganisationKind.STATION):
        for code in station.covered_regions.values_list("code", flat=True):
            if code.endswith("0000"):
                condition |= Q(organisation__region__code__startswith=code[:2])
            elif code.endswith("00"):
                condition |= Q(organisation__region__code__startswith=code[:4])
            else:
                condition |= Q(organisation__region__code=code)
    return registrations.filter(condition)


def can_view_import(user: User, job) -> bool:
    """An import (its file, its errors, confirming it) is its author's; admins see all."""
    return is_admin(user) or (user.is_authenticated and job.created_by_id == user.pk)


def can_view_statistics(user: User) -> bool:
    """The full statistics: administrators and the authorities that fund the programme."""
    return is_admin(user) or bool(organisations_of(user, OrganisationKind.AUTHORITY))


# -- matches ------------------------------------------------------------------------------


def sides_of(user: User, match) -> set[str]:
    """The sides of the match the user may act for."""
    if is_admin(user):
        return {match_states.ENTERPRISE, match_states.RESEARCH}
    sides = set()
    if can_act_for(user, match.need.organisation):
        sides.add(match_states.ENTERPRISE)
    if can_act_for(user, match.result.organisation):
        sides.add(match_states.RESEARCH)
    return sides


def can_view_match(user: User, match) -> bool:
    return bool(sides_of(user, match))


def allowed_targets(user: User, match) -> list[str]:
    """The states the user may move the match to from where it is (matches/states.py)."""
    sides = sides_of(user, match)
    return [
        target
        for target, side in match_states.TRANSITIONS.get(match.state, {}).items()
        if side == match_states.EITHER and sides or side in sides
    ]


# -- the fair -----------------------------------------------------------------------------


def can_run_fair(user: User) -> bool:
    """Platform staff and station staff run the day; admins also schedule. At the check-in
    desk each station sees only the registrations can_check_in allows."""
    return is_admin(user) or bool(organisations_of(user, OrganisationKind.STATION))


def can_record_outcome(user: User, meeting) -> bool:
    """Admins, and staff of a station covering either side's organisation."""
    if is_admin(user):
        return True
    sides = (meeting.request.requester.organisation, meeting.request.recipient.organisation)
    return any(covering_stations(user, organisation) for organisation in sides)


# -- statistics ---------------------------------------------------------------------------


def statistics_stations(user: User) -> list[int] | None:
    """Whose figures the user may read: None for all (admins, authorities), else the pks of
    the user's own stations. Anyone else is refused."""
    if can_view_statistics(user):
        return None
    stations = organisations_of(user, OrganisationKind.STATION)
    if not stations:
        raise PermissionDenied
    return [station.pk for station in stations]


def can_subscribe_to_reports(user: User) -> bool:
    """The monthly report is for the officials who fund the programme, and administrators."""
    return is_admin(user) or bool(organisations_of(user, OrganisationKind.AUTHORITY))


def can_view_report(user: User, report) -> bool:
    """A monthly report: administrators, and officials subscribed to its scope."""
    if is_admin(user):
        return True
    if not can_subscribe_to_reports(user):
        return False
    return user.report_subscriptions.filter(scope_key=report.scope_key).exists()
