"""Reads for accounts."""

from django.db.models import Prefetch, Q, QuerySet

from accounts import permissions
from accounts.enums import MembershipStatus, OrganisationKind
from accounts.models import Membership, Organisation, Region, User
from accounts.validation import email_key


def search_query(text: str) -> str:
    """What someone typed into a search box. PostgreSQL text cannot hold NUL, which no keyboard
    types anyway: it is dropped rather than failing the query."""
    return text.replace("\x00", "").strip()


def region_search(
    query: str, *, levels: tuple[int, ...] = (1, 2, 3), limit: int = 20
) -> list[Region]:
    """Regions whose name, full name or code matches; provinces and prefectures first."""
    query = search_query(query)
    if not query:
        return []
    regions = Region.objects.filter(level__in=levels)
    if query.isdigit():
        regions = regions.filter(code__startswith=query)
    else:
        for word in query.split():
            regions = regions.filter(Q(full_name__icontains=word) | Q(name_en__icontains=word))
    return list(regions.order_by("level", "code")[:limit])


def organisation_search(query: str, *, limit: int = 20) -> QuerySet[Organisation]:
    organisations = Organisation.objects.select_related("region")
    query = search_query(query)
    if query:
        organisations = organisations.filter(
            Q(name__icontains=query) | Q(credit_code__iexact=query)
        )
    return organisations.order_by("name")[:limit]


def organisation_by_pk(pk: int) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first()


def user_with_memberships(user) -> User:
    """The user afresh, with their memberships and each one's organisation and region."""
    memberships = Membership.objects.select_related("organisation", "organisation__region")
    return User.objects.prefetch_related(Prefetch("memberships", queryset=memberships)).get(
        pk=user.pk
    )


def regions() -> QuerySet[Region]:
    return Region.objects.order_by("code")


def organisations_with_region() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("region")


def memberships_with_organisation() -> QuerySet[Membership]:
    return Membership.objects.select_related("organisation")


def active_members(organisation: Organisation) -> QuerySet[Membership]:
    """The organisation's active memberships with their users."""
    return organisation.memberships.filter(status=MembershipStatus.ACTIVE).select_related("user")


def pending_requests_for(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.filter(status=MembershipStatus.PENDING).select_related("user")


def memberships_of(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__region")
        .order_by("organisation__name")
    )


def email_taken(email: str, *, besides=None) -> bool:
    """Whether another account (not `besides`) already has this email, in any letter case."""

    key = email_key(email)
    if not key:
        return False
    others = User.objects.filter(email__iexact=key)
    if besides is not None and besides.pk:
        others = others.exclude(pk=besides.pk)
    return others.exists()


def _county_prefixes(codes) -> list[str]:
    """The prefix every county code under each region starts with (province 2, prefecture 4)."""
    return [
        code[:2] if code.endswith("0000") else code[:4] if code.endswith("00") else code
        for code in codes
    ]


def awaiting_verification(user, *, limit: int = 5) -> tuple[int, list[Organisation]]:
    """(how many, the oldest few) organisations the user could verify and that wait for it:
    for admins all of them, for station staff the enterprises in their counties."""

    waiting = Organisation.objects.filter(is_verified=False)
    if not permissions.is_admin(user):
        stations = [s.pk for s in permissions.organisations_of(user, OrganisationKind.STATION)]
        if not stations:
            return 0, []
        codes = Region.objects.filter(covering_stations__in=stations).values_list("code", flat=True)
        covered = Q(pk__in=[])
        for prefix in _county_prefixes(codes):
            covered |= Q(region__code__startswith=prefix)
        waiting = waiting.filter(covered).exclude(kind=OrganisationKind.STATION)
    oldest = list(waiting.select_related("region").order_by("created_at", "pk")[:limit])
    count = len(oldest) if len(oldest) < limit else waiting.count()
    return count, oldest
