import django_filters
from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import permissions as drf_permissions
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import selectors
from accounts.api.serializers import MeSerializer, RegionSerializer
from accounts.enums import RegionGroup, RegionLevel
from accounts.models import Region
from accounts.views import lockout_message, lockout_minutes


class ObtainTokenView(ObtainAuthToken):
    """POST username and password; returns {"token": "..."} for the Authorization header.

    After too many wrong passwords for a username from one address (django-axes), 429 with the
    message the login page shows, whatever the password.
    """

    # Not throttled by DRF, but it can answer 429 (config/api_schema.py documents it).
    answers_too_many_requests = True

    def post(self, request, *args, **kwargs):
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request it was given: DRF's, not Django's.
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": lockout_message()},
                    status=429,
                    headers={"Retry-After": str(lockout_minutes() * 60)},
                )
            raise

    # DRF's view reads forms too, and skips the NUL check: JSON, like the rest of the API.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES

    # The API's own parsers (config.api_parsers), not DRF's that ObtainAuthToken names: they
    # refuse NUL characters and JSON nested too deep with a 400.
    parser_classes = api_settings.DEFAULT_PARSER_CLASSES


class MeView(APIView):
    permission_classes = [drf_permissions.IsAuthenticated]

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(selectors.user_with_memberships(request.user)).data)


class RegionFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Name, full name or code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices)
    group = django_filters.ChoiceFilter(choices=RegionGroup.choices)
    parent = django_filters.CharFilter(field_name="parent_id")

    class Meta:
        model = Region
        fields = ["q", "level", "group", "parent"]

    def search(self, queryset, name, value):
        if value.isdigit():
            return queryset.filter(code__startswith=value)
        for word in value.split():
            queryset = queryset.filter(Q(full_name__icontains=word) | Q(name_en__icontains=word))
        return queryset


class RegionViewSet(viewsets.ReadOnlyModelViewSet):
    """China's administrative divisions (GB/T 2260), with their region group."""

    queryset = selectors.regions()
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    permission_classes = [drf_permissions.AllowAny]
