from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import permissions
from matchmaking import stats


class StatsView(APIView):
    """The statistics figures, with the same definitions and filters as the statistics page."""

    permission_classes = [drf_permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "figure", OpenApiTypes.STR, OpenApiParameter.PATH, enum=list(stats.FIGURES)
            ),
            OpenApiParameter("year_from", OpenApiTypes.INT),
            OpenApiParameter("year_to", OpenApiTypes.INT),
            OpenApiParameter("region_group", OpenApiTypes.STR),
            OpenApiParameter("province", OpenApiTypes.STR, description="GB/T 2260 province code"),
            OpenApiParameter("category", OpenApiTypes.STR, description="category slug"),
            OpenApiParameter("station", OpenApiTypes.INT),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, figure: str):
        if figure not in stats.FIGURES:
            raise NotFound
        from matchmaking.views.stats import _filters_for

        filters = _filters_for(request)  # Django's PermissionDenied becomes a 403
        station_only = not permissions.can_view_statistics(request.user)
        if station_only and figure not in stats.STATION_FIGURES:
            raise PermissionDenied
        data, computed_at = stats.cached(figure, filters)
        header, rows = stats.table(figure, data)
        return Response(
            {"figure": figure, "computed_at": computed_at, "header": header, "rows": rows}
        )
