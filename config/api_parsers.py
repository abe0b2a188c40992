"""The API's body parsers: DRF's, refusing NUL characters with the field that holds one.

PostgreSQL text and jsonb cannot hold NUL. Serializer CharFields refuse it, but a slug looked up
(category, region, regions_served) or a JSON field (a plan's steps) would reach the database
and fail there with a 500. Checking the parsed body once covers every field of every endpoint.
"""

from __future__ import annotations

from django.core.validators import ProhibitNullCharactersValidator
from rest_framework import parsers
from rest_framework.exceptions import ValidationError


def _holds_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


def refuse_nul(data) -> None:
    """Raise a 400 naming the first top-level field whose value holds a NUL character."""
    message = [ProhibitNullCharactersValidator.message]
    if hasattr(data, "lists"):  # a QueryDict of form fields
        data = dict(data.lists())
    if not isinstance(data, dict):
        if _holds_nul(data):
            raise ValidationError({"non_field_errors": message})
        return
    for key, value in data.items():
        if _holds_nul(key) or _holds_nul(value):
            raise ValidationError({"non_field_errors" if _holds_nul(key) else key: message})


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_nul(data)
        return data


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_nul(data)
        return data


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_nul(parsed.data)
        return parsed
