"""The API's body parser: JSON only, refusing NUL characters with the field that holds one.

JSON is the API's one request format (settings.REST_FRAMEWORK). With DRF's default three parsers
the schema declared every body as JSON, form and multipart at once, and a client generated from
it (tests/api/test_generated_client.py) sent all three in one request. No API endpoint takes a
file (imports go through the /imports/ page), so none needs another parser; one that does would
set its own parser_classes, and the schema would follow.

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
