"""The permission module's decisions, one role at a time."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts import permissions
from accounts.enums import MembershipRole, OrganisationKind, Role
from tests.factories import OrganisationFactory, UserFactory, member_of, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    enterprise = OrganisationFactory(kind=OrganisationKind.ENTERPRISE, region=region("522634"))
    far_enterprise = OrganisationFactory(kind=OrganisationKind.ENTERPRISE, region=region("620102"))
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, region=region("330106"))
    station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["522634", "522635"])
    prefecture_station = OrganisationFactory(kind=OrganisationKind.STATION, covered=["620100"])
    return {
        "enterprise": enterprise,
        "far_enterprise": far_enterprise,
        "institution": institution,
        "station": station,
        "prefecture_station": prefecture_station,
        "owner": member_of(enterprise, MembershipRole.OWNER),
        "member": member_of(enterprise),
        "researcher": member_of(institution),
        "staff": member_of(station),
        "prefecture_staff": member_of(prefecture_station),
        "admin": UserFactory(is_staff=True),
        "outsider": UserFactory(),
    }


def test_roles_follow_memberships_and_staff_flag(world):
    assert permissions.roles(world["member"]) == {Role.ENTERPRISE}
    assert permissions.roles(world["researcher"]) == {Role.RESEARCHER}
    assert permissions.roles(world["staff"]) == {Role.STATION_STAFF}
    assert permissions.roles(world["admin"]) == {Role.ADMIN}
    assert permissions.roles(world["outsider"]) == frozenset()
    assert permissions.roles(AnonymousUser()) == frozenset()


def test_pending_membership_gives_no_role(world):
    from tests.factories import MembershipFactory

    user = UserFactory()
    MembershipFactory(user=user, organisation=world["institution"], status="pending")
    assert permissions.roles(user) == frozenset()
    assert not permissions.can_act_for(user, world["institution"])


def test_only_owner_and_admin_manage_an_organisation(world):
    enterprise = world["enterprise"]
    assert permissions.can_manage_organisation(world["owner"], enterprise)
    assert permissions.can_manage_organisation(world["admin"], enterprise)
    assert not permissions.can_manage_organisation(world["member"], enterprise)
    assert not permissions.can_manage_organisation(world["staff"], enterprise)
    assert not permissions.can_manage_organisation(AnonymousUser(), enterprise)


def test_station_staff_verify_only_organisations_in_their_counties(world):
    assert permissions.can_verify_organisation(world["staff"], world["enterprise"])
    assert not permissions.can_verify_organisation(world["staff"], world["far_enterprise"])
    assert not permissions.can_verify_organisation(world["staff"], world["institution"])
    assert not permissions.can_verify_organisation(world["member"], world["enterprise"])
    assert permissions.can_verify_organisation(world["admin"], world["far_enterprise"])


def test_a_station_covering_a_prefecture_covers_its_counties(world):
    # 620102 城关区 lies in 620100 兰州市.
    assert permissions.can_verify_organisation(world["prefecture_staff"], world["far_enterprise"])
    assert not permissions.can_verify_organisation(world["prefecture_staff"], world["enterprise"])


def test_members_and_covering_staff_act_for_an_enterprise(world):
    enterprise = world["enterprise"]
    assert permissions.can_act_for(world["member"], enterprise)
    assert permissions.can_act_for(world["staff"], enterprise)
    assert not permissions.can_act_for(world["prefecture_staff"], enterprise)
    assert not permissions.can_act_for(world["researcher"], enterprise)
    assert not permissions.can_act_for(AnonymousUser(), enterprise)


def test_station_staff_do_not_act_for_institutions(world):
    institution = OrganisationFactory(kind=OrganisationKind.INSTITUTION, region=region("522634"))
    assert not permissions.can_act_for(world["staff"], institution)


def test_private_fields_are_for_members_covering_staff_and_admins(world):
    enterprise = world["enterprise"]
    assert permissions.can_view_private(world["member"], enterprise)
    assert permissions.can_view_private(world["staff"], enterprise)
    assert permissions.can_view_private(world["admin"], enterprise)
    assert not permissions.can_view_private(world["researcher"], enterprise)
    assert not permissions.can_view_private(world["outsider"], enterprise)


def test_unverified_organisations_cannot_publish_and_are_told_why():
    organisation = OrganisationFactory(is_verified=False, name="未核验合作社")
    reason = permissions.publish_block_reason(organisation)
    assert reason is not None and "未核验合作社" in reason
    assert not permissions.can_publish(organisation)
    organisation.is_verified = True
    assert permissions.can_publish(organisation)


def test_station_staff_open_enterprise_accounts_only_in_their_counties(world):
    leishan, lanzhou, chengguan = region("522634"), region("510104"), region("620102")
    assert permissions.can_create_enterprise_account(world["staff"], leishan)
    assert not permissions.can_create_enterprise_account(world["staff"], lanzhou)
    assert permissions.can_create_enterprise_account(world["prefecture_staff"], chengguan)
    assert permissions.can_create_enterprise_account(world["admin"], lanzhou)
    for role in ("owner", "researcher", "outsider"):
        assert not permissions.can_create_enterprise_account(world[role], leishan), role
        assert not permissions.can_create_enterprise_account(world[role]), role
    assert not permissions.can_create_enterprise_account(AnonymousUser())


def test_contact_details_need_a_verified_number_or_an_email_to_reach_the_person():
    assert permissions.contact_block_reason(UserFactory(email="a@example.cn")) is None
    assert (
        permissions.contact_block_reason(
            UserFactory(phone="+8613800138000", phone_verified=True, email="")
        )
        is None
    )
    unverified = UserFactory(phone="+8613800138001", email="b@example.cn")
    assert permissions.contact_block_reason(unverified) == ("核验手机号后才能看到联系方式。")
    assert permissions.contact_block_reason(UserFactory(email="")) == (
        "添加并核验手机号后才能看到联系方式。"
    )
    assert permissions.contact_block_reason(AnonymousUser()) == "登录后才能看到联系方式。"
