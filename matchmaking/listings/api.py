from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from accounts import permissions
from matchmaking.core.api import IsAdminOrReadOnly, as_drf_error
from matchmaking.core.filters import parse_flag
from matchmaking.listings import selectors, services
from matchmaking.listings.filters import NeedFilter, ResultFilter
from matchmaking.listings.serializers import (
    CategorySerializer,
    NeedSerializer,
    NeedTransitionSerializer,
    ResultSerializer,
    ResultTransitionSerializer,
)
from matchmaking.matches import selectors as matches_selectors
from matchmaking.matches.filters import MATCH_FITS
from matchmaking.matches.serializers import (
    MatchSerializer,
)
from matchmaking.matches.states import MatchState
from matchmaking.models import ResearchResult, TechnologyNeed


class CategoryViewSet(viewsets.ModelViewSet):
    """The two-level technology taxonomy. Administrators edit it."""

    queryset = selectors.category_tree()
    serializer_class = CategorySerializer
    permission_classes = [IsAdminOrReadOnly]
    lookup_field = "slug"
    http_method_names = ["get", "post", "put", "patch", "head", "options"]


# Declared as booleans (true/false), which generated clients send as such; 1 and 0 are accepted
# as well, and anything else is a 400 naming the parameter.
MINE = OpenApiParameter(
    "mine",
    OpenApiTypes.BOOL,
    description="true: only your organisations' listings, drafts included",
)


# The filters of a listing's match list (filters.MatchFilter); the list is not paginated.
MATCH_FILTERS = [
    OpenApiParameter(
        "state",
        {"type": "array", "items": {"type": "string", "enum": list(MatchState.values)}},
        description="Only matches in these states (repeat the parameter for several)",
    ),
    *(
        OpenApiParameter(
            f"fit_{fit}",
            OpenApiTypes.BOOL,
            description=f"true: only matches whose {fit} fits",
        )
        for fit in MATCH_FITS
    ),
]


class ListingViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [drf_permissions.IsAuthenticatedOrReadOnly]
    lookup_value_regex = r"\d+"
    model = None
    rules = None
    transition_serializer = None
    base_selector = None

    def _mine(self) -> bool:
        try:
            return parse_flag(self.request.query_params, "mine")
        except DjangoValidationError as error:
            raise as_drf_error(error) from error

    def get_queryset(self):
        queryset = self.base_selector(self.request.user, mine=self._mine())
        if self.action == "list":
            params = self.request.query_params
            queryset = selectors.api_listing_list(
                queryset,
                published="" if self._mine() or params.get("status") else self.rules.published,
                newest_first=not params.get("sort"),
            )
        return queryset

    def get_object(self):
        listing = get_object_or_404(
            selectors.listing_for_api(self.model),
            pk=self.kwargs["pk"],
        )
        if not permissions.can_view_listing(self.request.user, listing):
            raise NotFound
        if (
            self.request.method not in drf_permissions.SAFE_METHODS
            and not permissions.can_edit_listing(self.request.user, listing)
        ):
            raise PermissionDenied
        return listing

    def perform_create(self, serializer):
        try:
            serializer.instance = self.create_listing(
                by=self.request.user,
                organisation=serializer.validated_data["organisation"],
                data=serializer.listing_data(),
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error

    def perform_update(self, serializer):
        try:
            serializer.instance = self.update_listing(
                serializer.instance, serializer.listing_data()
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error

    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the listing to another status (publish, close, reopen, withdraw…)."""
        listing = self.get_object()
        body = self.transition_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            listing = services.listing_transition(
                listing=listing, to=body.validated_data["to"], by=request.user
            )
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(self.get_serializer(listing).data)

    @extend_schema(responses=MatchSerializer(many=True), parameters=MATCH_FILTERS)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def matches(self, request, pk=None):
        """The listing's ranked matches with their explanation, for its own side only."""
        listing = self.get_object()
        if not permissions.can_edit_listing(request.user, listing):
            raise PermissionDenied
        select = (
            matches_selectors.need_matches
            if self.model is TechnologyNeed
            else matches_selectors.result_matches
        )
        try:
            matches = select(listing, request.query_params)
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        matches = matches_selectors.as_seen_by(request.user, matches)
        return Response(MatchSerializer(matches, many=True, context={"request": request}).data)


@extend_schema_view(
    list=extend_schema(parameters=[MINE]),
    transition=extend_schema(request=NeedTransitionSerializer),
)
class NeedViewSet(ListingViewSet):
    """技术需求. Anyone reads published needs; enterprise members (and station staff for
    enterprises in their counties) write them."""

    model = TechnologyNeed
    rules = services.NEED_RULES
    serializer_class = NeedSerializer
    transition_serializer = NeedTransitionSerializer
    filterset_class = NeedFilter
    base_selector = staticmethod(selectors.need_queryset)

    def create_listing(self, **kwargs):
        return services.need_create(**kwargs)

    def update_listing(self, listing, data):
        return services.need_update(need=listing, by=self.request.user, data=data)


@extend_schema_view(
    list=extend_schema(parameters=[MINE]),
    transition=extend_schema(request=ResultTransitionSerializer),
)
class ResultViewSet(ListingViewSet):
    """科研成果. Anyone reads listed results; institution members write them."""

    model = ResearchResult
    rules = services.RESULT_RULES
    serializer_class = ResultSerializer
    transition_serializer = ResultTransitionSerializer
    filterset_class = ResultFilter

    def base_selector(self, user, *, mine):
        return selectors.result_queryset(user, mine=mine).prefetch_related("regions_served")

    def create_listing(self, **kwargs):
        return services.result_create(**kwargs)

    def update_listing(self, listing, data):
        return services.result_update(result=listing, by=self.request.user, data=data)
