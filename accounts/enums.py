from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INSTITUTION = "institution", _("Research institution")
    STATION = "station", _("Service station")
    AUTHORITY = "authority", _("Authority")


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    ACTIVE = "active", _("Active")
    REJECTED = "rejected", _("Rejected")


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    PREFECTURE = 2, _("Prefecture")
    COUNTY = 3, _("County")


class RegionGroup(models.TextChoices):
    """The official economic grouping of provinces (东部/中部/西部/东北)."""

    EASTERN = "eastern", _("Eastern")
    CENTRAL = "central", _("Central")
    WESTERN = "western", _("Western")
    NORTHEASTERN = "northeastern", _("North-eastern")
    OTHER = "other", _("Hong Kong, Macao, Taiwan")


class Role(models.TextChoices):
    """What a user can do here, derived from memberships and staff status."""

    ENTERPRISE = "enterprise", _("Enterprise member")
    RESEARCHER = "researcher", _("Researcher")
    STATION_STAFF = "station_staff", _("Station staff")
    AUTHORITY = "authority", _("Authority official")
    ADMIN = "admin", _("Administrator")
