from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts import permissions
from accounts.enums import OrganisationKind
from accounts.models import Organisation, Region
from matchmaking import selectors
from matchmaking.enums import DeclineReason, MatchState, NeedStatus, ResultStatus, TransferMode
from matchmaking.models import Category, Match, MatchEvent, ResearchResult, TechnologyNeed


class CategorySerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Category.objects.filter(parent__isnull=True),
        allow_null=True,
        required=False,
    )

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "name_en", "parent", "description", "keywords", "position"]


class ListingSerializer(serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    category = serializers.SlugRelatedField(
        slug_field="slug", queryset=Category.objects.filter(parent__isnull=False)
    )
    region = serializers.SlugRelatedField(
        slug_field="code", queryset=Region.objects.all(), required=False
    )
    region_name = serializers.CharField(source="region.full_name", read_only=True)
    transfer_modes = serializers.MultipleChoiceField(choices=TransferMode.choices)
    organisation_kind = ""

    def validate_organisation(self, organisation):
        if self.instance is not None and organisation != self.instance.organisation:
            raise serializers.ValidationError(_("A listing cannot move to another organisation."))
        if organisation.kind != self.organisation_kind:
            raise serializers.ValidationError(
                _("This organisation cannot post this kind of listing.")
            )
        user = self.context["request"].user
        if not (permissions.is_admin(user) or permissions.can_act_for(user, organisation)):
            raise serializers.ValidationError(_("You cannot post for this organisation."))
        return organisation

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["transfer_modes"] = sorted(data["transfer_modes"])
        return data

    def listing_data(self) -> dict:
        data = dict(self.validated_data)
        data.pop("organisation", None)
        if "transfer_modes" in data:
            data["transfer_modes"] = sorted(data["transfer_modes"])
        return data


class NeedSerializer(ListingSerializer):
    organisation_kind = OrganisationKind.ENTERPRISE
    status = serializers.ChoiceField(choices=NeedStatus.choices, read_only=True)

    class Meta:
        model = TechnologyNeed
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "title",
            "description",
            "keywords",
            "category",
            "region",
            "region_name",
            "budget_min",
            "budget_max",
            "budget_negotiable",
            "budget_public",
            "min_trl",
            "transfer_modes",
            "deadline",
            "visibility",
            "status",
            "matching_pending",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["matching_pending", "published_at", "created_at", "updated_at"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not permissions.can_see_budget(self.context["request"].user, instance):
            data["budget_min"] = data["budget_max"] = None
        return data


class ResultSerializer(ListingSerializer):
    organisation_kind = OrganisationKind.INSTITUTION
    status = serializers.ChoiceField(choices=ResultStatus.choices, read_only=True)
    regions_served = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Region.objects.filter(level=1), required=False
    )

    class Meta:
        model = ResearchResult
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "team",
            "lead_researcher",
            "title",
            "abstract",
            "keywords",
            "category",
            "region",
            "region_name",
            "ip_type",
            "ip_number",
            "trl",
            "asking_price",
            "price_negotiable",
            "transfer_modes",
            "serves_all_regions",
            "regions_served",
            "application_scenarios",
            "visibility",
            "status",
            "matching_pending",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["matching_pending", "published_at", "created_at", "updated_at"]


class NeedTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=NeedStatus.choices, help_text=_("The target status, e.g. open, closed, listed.")
    )


class ResultTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(
        choices=ResultStatus.choices, help_text=_("The target status, e.g. open, closed, listed.")
    )


class MatchSerializer(serializers.ModelSerializer):
    need_title = serializers.CharField(source="need.title", read_only=True)
    structured_score = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text=_(
            "Without the price fit when the need's budget is private to you; null when no "
            "other fit is known."
        ),
    )
    result_title = serializers.CharField(source="result.title", read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "need",
            "need_title",
            "result",
            "result_title",
            "score",
            "text_score",
            "structured_score",
            "rank_for_need",
            "rank_for_result",
            "explanation",
            "matcher_version",
            "state",
            "state_changed_at",
            "contact_status",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, match):
        data = super().to_representation(match)
        request = self.context.get("request")
        # The figures this viewer may see (selectors.figures_for); without a viewer, those of
        # one who may see no private budget.
        if request is not None:
            data.update(selectors.figures_for(request.user, match))
        else:
            data.update(selectors.figures_hiding_the_budget(match))
        return data


class MatchEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, default=None)

    class Meta:
        model = MatchEvent
        fields = ["id", "actor", "from_state", "to_state", "note", "undoes", "created_at"]
        read_only_fields = fields


class MatchTransitionSerializer(serializers.Serializer):
    to = serializers.ChoiceField(choices=MatchState.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    reason = serializers.ChoiceField(choices=DeclineReason.choices, required=False)
    expected_state = serializers.ChoiceField(choices=MatchState.choices, required=False)
