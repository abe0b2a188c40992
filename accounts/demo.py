"""Deterministic demo accounts and organisations, for `manage.py demo_data`."""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.enums import MembershipRole, MembershipStatus, OrganisationKind
from accounts.models import Membership, Organisation, Region, User
from accounts.validation import credit_code_check_char, organisation_code_check_char

# Registration authority and type per kind: 91 = company (market regulation), 12 = public
# institution (事业单位), 52 = social organisation under civil affairs (民办非企业).
_KIND_PREFIX = {
    OrganisationKind.ENTERPRISE: "93",  # 93 = farmers' specialised co-operative
    OrganisationKind.INSTITUTION: "12",
    OrganisationKind.STATION: "12",
    OrganisationKind.AUTHORITY: "11",
}


def make_credit_code(seed: str, kind: str, division: str) -> str:
    """A valid-looking unified social credit code, the same for the same seed."""
    digest = hashlib.sha256(seed.encode()).digest()
    org_body = "".join(str(b % 10) for b in digest[:8])
    org_code = org_body + organisation_code_check_char(org_body)
    body = _KIND_PREFIX[kind] + division + org_code
    return body + credit_code_check_char(body)


def ensure_user(username: str, *, full_name: str, email: str, is_superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "full_name": full_name,
            "email": email,
            "is_staff": is_superuser,
            "is_superuser": is_superuser,
        },
    )
    if created:
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    return user


@functools.cache
def _demo_password_hash() -> str:
    # Hashing is slow on purpose; the demo world's dozens of accounts share one hash.
    return make_password(settings.DEMO_PASSWORD)


def ensure_organisation(
    *,
    kind: str,
    name: str,
    region_code: str,
    contact_name: str,
    phone: str,
    verified_by: User | None,
    covered: list[str] | None = None,
    description: str = "",
) -> Organisation:
    region = Region.objects.get(code=region_code)
    organisation, created = Organisation.objects.get_or_create(
        credit_code=make_credit_code(name, kind, region_code),
        defaults={
            "kind": kind,
            "name": name,
            "region": region,
            "contact_name": contact_name,
            "phone": phone,
            "address": region.full_name,
            "description": description,
            "is_verified": verified_by is not None,
            "verified_by": verified_by,
            "verified_at": timezone.now() if verified_by else None,
        },
    )
    if created and covered:
        organisation.covered_regions.set(Region.objects.filter(code__in=covered))
    return organisation


def ensure_membership(user: User, organisation: Organisation, role: str = MembershipRole.OWNER):
    Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": role, "status": MembershipStatus.ACTIVE},
    )


def create_demo_accounts() -> dict[str, User]:
    """The four accounts the README promises, with their organisations."""
    admin = ensure_user(
        "admin", full_name="平台管理员", email="admin@nongqiao.local", is_superuser=True
    )
    enterprise = ensure_user("enterprise", full_name="杨秀英", email="enterprise@nongqiao.local")
    researcher = ensure_user("researcher", full_name="陈建国", email="researcher@nongqiao.local")
    station = ensure_user("station", full_name="吴志强", email="station@nongqiao.local")

    station_org = ensure_organisation(
        kind=OrganisationKind.STATION,
        name="黔东南州雷山县技术转化服务站",
        region_code="522634",
        contact_name="吴志强",
        phone="0855-3335210",
        verified_by=admin,
        covered=["522634", "522635", "522623"],
        description="为雷山、麻江、施秉三县的农村电商企业提供免费技术评估、方案定制与培训。",
    )
    ensure_membership(station, station_org)
    enterprise_org = ensure_organisation(
        kind=OrganisationKind.ENTERPRISE,
        name="雷山县银球茶电商专业合作社",
        region_code="522634",
        contact_name="杨秀英",
        phone="13885512345",
        verified_by=station,
        description="雷山银球茶的种植、加工与网上销售，社员 86 户。",
    )
    ensure_membership(enterprise, enterprise_org)
    institution = ensure_organisation(
        kind=OrganisationKind.INSTITUTION,
        name="华东农业科技大学食品工程学院",
        region_code="330106",
        contact_name="陈建国",
        phone="0571-88206123",
        verified_by=admin,
        description="农产品产地加工、冷链保鲜与质量追溯方向的研究团队。",
    )
    ensure_membership(researcher, institution)
    return {"admin": admin, "enterprise": enterprise, "researcher": researcher, "station": station}
