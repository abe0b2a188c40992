"""Station records through the API, with the same rules as the pages."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import mixins, serializers, viewsets
from rest_framework import permissions as drf_permissions

from accounts import permissions
from matchmaking.matches import selectors as matches_selectors
from matchmaking.models import AdoptionCost, Evaluation, SolutionPlan, TrainingSession
from matchmaking.stations import selectors, services


class EvaluationSerializer(serializers.ModelSerializer):
    match = serializers.PrimaryKeyRelatedField(queryset=matches_selectors.match_queryset())

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "match",
            "station",
            "author",
            "technical_feasibility",
            "economic_feasibility",
            "capability_fit",
            "risks",
            "recommendation",
            "report",
            "staff_hours",
            "created_at",
        ]
        read_only_fields = ["station", "author", "created_at"]


class PlanSerializer(serializers.ModelSerializer):
    match = serializers.PrimaryKeyRelatedField(queryset=matches_selectors.match_queryset())

    class Meta:
        model = SolutionPlan
        fields = [
            "id",
            "match",
            "version",
            "station",
            "author",
            "summary",
            "steps",
            "cost_lines",
            "total_quoted",
            "staff_hours",
            "created_at",
        ]
        read_only_fields = ["version", "station", "author", "total_quoted", "created_at"]


class AdoptionCostSerializer(serializers.ModelSerializer):
    match = serializers.PrimaryKeyRelatedField(queryset=matches_selectors.match_queryset())

    class Meta:
        model = AdoptionCost
        fields = [
            "id",
            "match",
            "station",
            "licence_fee",
            "equipment",
            "integration",
            "training",
            "maintenance",
            "reference_cost",
            "reference_source",
            "special_fund",
            "loan_principal",
            "loan_rate",
            "loan_months",
            "loan_subsidy",
            "total_cost",
            "net_outlay",
            "saving",
            "saving_percent",
            "created_at",
        ]
        read_only_fields = [
            "station",
            "loan_subsidy",
            "total_cost",
            "net_outlay",
            "saving",
            "saving_percent",
            "created_at",
        ]

    def validate(self, attrs):
        # The derived amounts are computed by the service, not validated as input here.
        return attrs


class TrainingSerializer(serializers.ModelSerializer):
    people_trained = serializers.IntegerField(read_only=True)

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "station",
            "date",
            "place",
            "topic",
            "trainer",
            "staff_hours",
            "people_trained",
        ]
        read_only_fields = fields


class _RecordViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [drf_permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    create_service = None

    def get_queryset(self):
        return permissions.station_records_visible(
            selectors.station_records(self.model), self.request.user
        ).order_by("-pk")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        match = data.pop("match")
        try:
            serializer.instance = type(self).create_service(
                match=match, by=self.request.user, data=data
            )
        except DjangoValidationError as error:
            detail = (
                error.message_dict
                if hasattr(error, "error_dict")
                else {"non_field_errors": error.messages}
            )
            raise serializers.ValidationError(detail) from error


class EvaluationViewSet(_RecordViewSet):
    """技术评估 filed by stations; the enterprise concerned can read them."""

    model = Evaluation
    serializer_class = EvaluationSerializer
    create_service = staticmethod(services.evaluation_create)


class PlanViewSet(_RecordViewSet):
    """方案定制: every version of every plan."""

    model = SolutionPlan
    serializer_class = PlanSerializer
    create_service = staticmethod(services.plan_create)


class AdoptionCostViewSet(_RecordViewSet):
    """Adoption costs with the computed subsidy, net outlay and saving."""

    model = AdoptionCost
    serializer_class = AdoptionCostSerializer
    create_service = staticmethod(services.adoption_cost_record)


class TrainingViewSet(viewsets.ReadOnlyModelViewSet):
    """培训服务 of the caller's stations, and those the caller's enterprises attended."""

    serializer_class = TrainingSerializer
    permission_classes = [drf_permissions.IsAuthenticated]

    def get_queryset(self):
        return permissions.station_records_visible(
            selectors.training_for_api(),
            self.request.user,
            enterprise_field="attendances__enterprise",
        ).distinct()
