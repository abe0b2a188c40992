import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import permissions, services
from accounts.enums import MembershipRole, MembershipStatus, OrganisationKind
from accounts.models import Membership
from tests.factories import OrganisationFactory, UserFactory, member_of, region

pytestmark = pytest.mark.django_db


def _fields(**overrides):
    from accounts.demo import make_credit_code

    fields = {
        "kind": OrganisationKind.ENTERPRISE,
        "name": "洋县朱鹮有机米合作社",
        "credit_code": make_credit_code("洋县", "enterprise", "610723"),
        "region": region("610723"),
        "contact_name": "李华",
        "phone": "0916-8212345",
    }
    return fields | overrides


def test_creating_an_organisation_makes_the_creator_its_owner_and_it_starts_unverified():
    user = UserFactory()
    organisation = services.organisation_create(by=user, **_fields(is_verified=True))
    assert not organisation.is_verified
    membership = Membership.objects.get(user=user, organisation=organisation)
    assert (membership.role, membership.status) == (MembershipRole.OWNER, MembershipStatus.ACTIVE)
    assert permissions.roles(user) == {"enterprise"}


def test_an_organisation_with_a_wrong_credit_code_is_not_created():
    user = UserFactory()
    code = _fields()["credit_code"]
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        services.organisation_create(by=user, **_fields(credit_code=wrong))
    assert "credit_code" in error.value.message_dict
    assert not Membership.objects.filter(user=user).exists()


def test_join_request_waits_for_the_owner_and_emails_them(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory()
    owner = member_of(organisation, MembershipRole.OWNER, email="owner@example.cn")
    applicant = UserFactory(full_name="王小明")
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.membership_request(
            user=applicant, organisation=organisation, message="我是新来的电商专员"
        )
    assert membership.status == MembershipStatus.PENDING
    assert [m.to for m in mail.outbox] == [["owner@example.cn"]]
    assert "王小明" in mail.outbox[0].subject

    services.membership_decide(membership=membership, approve=True, by=owner)
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.ACTIVE
    assert permissions.is_member(applicant, organisation)


def test_a_plain_member_cannot_approve_requests():
    organisation = OrganisationFactory()
    member = member_of(organisation)
    membership = services.membership_request(user=UserFactory(), organisation=organisation)
    with pytest.raises(PermissionDenied):
        services.membership_decide(membership=membership, approve=True, by=member)


def test_asking_twice_to_join_is_refused():
    organisation = OrganisationFactory()
    user = UserFactory()
    services.membership_request(user=user, organisation=organisation)
    with pytest.raises(ValidationError):
        services.membership_request(user=user, organisation=organisation)


def test_station_staff_verify_an_enterprise_in_their_county_and_it_is_recorded():
    enterprise = OrganisationFactory(is_verified=False, region=region("522634"))
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    services.organisation_verify(organisation=enterprise, by=staff)
    enterprise.refresh_from_db()
    assert enterprise.is_verified
    assert enterprise.verified_by == staff
    assert enterprise.verified_at is not None


def test_station_staff_cannot_verify_outside_their_counties():
    enterprise = OrganisationFactory(is_verified=False, region=region("620102"))
    staff = member_of(OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634"]))
    with pytest.raises(PermissionDenied):
        services.organisation_verify(organisation=enterprise, by=staff)
    enterprise.refresh_from_db()
    assert not enterprise.is_verified
