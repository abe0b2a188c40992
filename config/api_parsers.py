"""The API's body parser: JSON only, refusing NUL characters with the field that holds one.

JSON is the API's one request format (settings.REST_FRAMEWORK). With DRF's default three parsers
the schema declared every body as JSON, form and multipart at once, and a client generated from
it (tests/api/test_generated_client.py) sent all three in one request. No API endpoint takes a
file (imports go through the /imports/ page), so none needs another parser; one that does would
set its own parser_classes, and the schema would follow.

It also refuses JSON nested deeper than any request of the API needs (a RecursionError would
be a 500).

PostgreSQL text and jsonb cannot hold NUL. Serializer CharFields refuse it, but a slug looked up
(category, region, regions_served) or a JSON field (a plan's steps) would reach the database
and fail there with a 500. Checking the parsed body once covers every field of every endpoint.

A body such as `[[[[…]]]]` a thousand levels deep made the JSON decoder (or any walk over what
it returned) exceed Python's recursion limit: a 500. No request of the API nests more than a
few levels (a plan's steps are a list of objects), so anything deeper than MAX_DEPTH is refused
with a 400 before a recursive function sees it.
"""

from __future__ import annotations

import io

from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError, ValidationError

MAX_DEPTH = 32
TOO_DEEP = _("JSON parse error - the body is nested more than %(depth)d levels deep.")


def _too_deep(raw: bytes) -> bool:
    """Whether a JSON text opens more than MAX_DEPTH arrays or objects at once. Counted over
    the raw text without recursion; brackets inside strings are skipped."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return False  # the common case, counted at C speed
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


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
        raw = stream.read()
        if _too_deep(raw):
            raise ParseError(TOO_DEEP % {"depth": MAX_DEPTH})
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as error:  # not reachable below MAX_DEPTH; a 400 all the same
            raise ParseError(TOO_DEEP % {"depth": MAX_DEPTH}) from error
        refuse_nul(data)
        return data
