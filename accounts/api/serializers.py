from rest_framework import serializers

from accounts import permissions
from accounts.models import Membership, Organisation, Region, User


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "name_en", "full_name", "level", "parent", "group"]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.full_name", read_only=True)

    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "region", "is_verified"]


class MembershipSerializer(serializers.ModelSerializer):
    organisation = OrganisationBriefSerializer(read_only=True)

    class Meta:
        model = Membership
        fields = ["organisation", "role", "status"]


class MeSerializer(serializers.ModelSerializer):
    memberships = MembershipSerializer(many=True, read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "language", "roles", "memberships"]

    def get_roles(self, user) -> list[str]:

        return sorted(str(role) for role in permissions.roles(user))
