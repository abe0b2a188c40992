"""Reads for accounts."""

from django.db.models import Q, QuerySet

from accounts.enums import MembershipStatus
from accounts.models import Membership, Organisation, Region


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
    from accounts.models import User
    from accounts.validation import email_key

    key = email_key(email)
    if not key:
        return False
    others = User.objects.filter(email__iexact=key)
    if besides is not None and besides.pk:
        others = others.exclude(pk=besides.pk)
    return others.exists()
