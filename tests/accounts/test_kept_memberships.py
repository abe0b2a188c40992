"""What every signed-in page reads about its user is kept in the cache between requests: the
user's memberships (every permission check asks for them) and the unread count on the bell.
A change made through the site is seen on the very next request."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import permissions
from accounts import services as accounts
from accounts.enums import MembershipStatus, OrganisationKind, Role
from accounts.models import Membership, User
from matchmaking.notifications import services as notifications
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def next_request(user: User) -> User:
    """The user as the next request loads them: a new object, nothing remembered on it."""
    return User.objects.get(pk=user.pk)


def test_a_signed_in_page_reads_the_memberships_and_the_unread_count_once(client):
    user = member_of(OrganisationFactory())
    client.force_login(user)
    first = queries_of(client, "/offline/")
    assert any("accounts_membership" in sql for sql in first)
    assert any("matchmaking_notification" in sql for sql in first)
    again = queries_of(client, "/offline/")
    assert not any("accounts_membership" in sql for sql in again)
    assert not any("matchmaking_notification" in sql for sql in again)


def test_an_approved_request_to_join_gives_the_role_on_the_next_request():
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    owner = member_of(station, role="owner")
    joiner = UserFactory()
    assert permissions.roles(joiner) == frozenset()  # kept: no memberships
    request = MembershipFactory(user=joiner, organisation=station, status=MembershipStatus.PENDING)
    assert permissions.roles(next_request(joiner)) == frozenset()
    accounts.membership_decide(membership=request, approve=True, by=owner)
    assert permissions.roles(next_request(joiner)) == {Role.STATION_STAFF}


def test_a_removed_member_loses_access_on_the_next_request(client):
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    staff = member_of(station)
    client.force_login(staff)
    assert client.get(reverse("station-board")).status_code == 200
    Membership.objects.get(user=staff).delete()
    assert client.get(reverse("station-board")).status_code == 403


def test_an_organisation_verified_past_the_orm_s_signals_is_seen_verified_next_time():
    enterprise = OrganisationFactory(is_verified=False, region_id="522634")
    member = member_of(enterprise)
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"])
    verifier = member_of(station)
    assert permissions.publish_block_reason(permissions.organisations_of(member)[0])  # kept
    accounts.organisation_verify(organisation=enterprise, by=verifier)
    seen = permissions.organisations_of(next_request(member))[0]
    assert permissions.publish_block_reason(seen) is None


def test_a_new_notification_rings_the_bell_and_reading_them_silences_it(client):
    user = member_of(OrganisationFactory())
    client.force_login(user)
    assert 'class="bell__count"' not in client.get("/offline/").content.decode()
    notifications.deliver([user], "strong_match", lambda: ("新匹配", "有新的成果", "/"), key="t1")
    assert '<span class="bell__count">1</span>' in client.get("/offline/").content.decode()
    notifications.notifications_mark_read(user=user)
    assert 'class="bell__count"' not in client.get("/offline/").content.decode()
