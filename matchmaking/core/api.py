from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions as drf_permissions
from rest_framework import serializers
from rest_framework.exceptions import APIException

from accounts import permissions


def as_drf_error(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


class Conflict(APIException):
    status_code = 409
    default_code = "conflict"


class IsAdminOrReadOnly(drf_permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in drf_permissions.SAFE_METHODS or permissions.is_admin(request.user)
