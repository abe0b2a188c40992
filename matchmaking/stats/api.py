from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from accounts.enums import RegionGroup
from matchmaking.stats import selectors as stats
from matchmaking.stats import tables
from matchmaking.stats.filters import YEARS

YEAR = {"type": "integer", "minimum": YEARS[0], "maximum": YEARS[1]}


class StatsView(APIView):
    """The statistics figures, with the same definitions and filters as the statistics page."""

    permission_classes = [drf_permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "figure", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(stats.FIGURES)
            ),
            OpenApiParameter("year_from", YEAR),
            OpenApiParameter("year_to", YEAR),
            OpenApiParameter("region_group", OpenApiTypes.STR, enum=list(RegionGroup.values)),
            OpenApiParameter(
                "province",
                {"type": "string", "pattern": r"^[0-9]{2}([0-9]{4})?$"},
                description="GB/T 2260 province code (6 digits) or its first 2 digits",
            ),
            OpenApiParameter(
                "category",
                {"type": "string", "pattern": r"^[-a-zA-Z0-9_]+$"},
                description="category slug",
            ),
            OpenApiParameter("station", OpenApiTypes.INT, description="a station's id"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, figure: str):
        if figure not in stats.FIGURES:
            raise NotFound

        try:
            filters = stats.filters_for(
                request.user, request.GET
            )  # Django's PermissionDenied becomes a 403
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        station_only = not permissions.can_view_statistics(request.user)
        if station_only and figure not in stats.STATION_FIGURES:
            raise PermissionDenied
        data, computed_at = stats.cached(figure, filters)
        header, rows = tables.table(figure, data)
        return Response(
            {
                "figure": figure,
                "computed_at": computed_at,
                "header": header,
                "rows": tables.api_rows(rows),
            }
        )
