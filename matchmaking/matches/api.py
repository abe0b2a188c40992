from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework import permissions as drf_permissions
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts import permissions
from matchmaking.core.api import Conflict, as_drf_error
from matchmaking.matches import selectors as match_selectors
from matchmaking.matches import services as match_services
from matchmaking.matches.serializers import (
    MatchEventSerializer,
    MatchSerializer,
    MatchTransitionSerializer,
)


class MatchViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A match, its history, and moves along the workflow (suggested → … → adopted)."""

    serializer_class = MatchSerializer
    permission_classes = [drf_permissions.IsAuthenticated]
    lookup_value_regex = r"\d+"
    queryset = match_selectors.matches_with_listings()

    def get_object(self):
        match = super().get_object()
        if not permissions.can_view_match(self.request.user, match):
            raise NotFound
        match_selectors.explained([match])
        return match

    @extend_schema(responses=MatchEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)
    def events(self, request, pk=None):
        match = self.get_object()
        return Response(MatchEventSerializer(match_selectors.match_history(match), many=True).data)

    @extend_schema(
        request=MatchTransitionSerializer,
        responses={200: MatchSerializer, 409: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the match; with `expected_state`, 409 if someone else moved it first."""
        match = self.get_object()
        body = MatchTransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            match = match_services.match_transition(
                match=match, by=request.user, **body.validated_data
            )
        except match_services.MatchConflict as error:
            raise Conflict(
                {"state": error.messages, "current_state": error.current_state}
            ) from error
        except DjangoValidationError as error:
            raise as_drf_error(error) from error
        return Response(MatchSerializer(match, context={"request": request}).data)
