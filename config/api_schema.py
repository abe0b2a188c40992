"""The OpenAPI schema's error responses: every operation documents the errors it can answer.

drf-spectacular documents only the success response of each operation. Clients (and the
schemathesis run in tests/api/) need the others too, and DRF gives each of them one of two
shapes: a validation error maps each field (or ``non_field_errors``) to its messages, every
other error is ``{"detail": "…"}``. Any request can be bad (400): an invalid body or filter, or
a NUL character anywhere (config/middleware.py). A path parameter can name nothing and a page
number can be past the end (404). Every operation authenticates its caller, so an invalid
token or a refused permission gives 403 (403, not 401, because session authentication comes
first and sends no WWW-Authenticate challenge); throttled operations can answer 429.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import ResolvedComponent

VALIDATION_ERROR = {
    "type": "object",
    "description": "Each invalid field (or non_field_errors) with its messages.",
    "minProperties": 1,
    "additionalProperties": {
        "oneOf": [
            {"type": "array", "items": {"type": "string"}},
            # A nested serializer or a list field reports its own fields or positions.
            {"type": "object"},
        ]
    },
}
ERROR_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}

# A body that cannot be parsed at all is a 400 with a detail, like the other errors.
BAD_REQUEST = {
    "anyOf": [
        {"$ref": "#/components/schemas/ErrorDetail"},
        {"$ref": "#/components/schemas/ValidationError"},
    ]
}

ERROR_RESPONSES = {
    "400": ("BadRequest", "Invalid input: the fields named, each with its messages."),
    "403": ("ErrorDetail", "Not authenticated, an invalid token, or not allowed."),
    "404": ("ErrorDetail", "No such object, or not visible to the caller; or no such page."),
    "429": ("ErrorDetail", "Too many requests; retry later."),
}
SCHEMAS = {
    "BadRequest": BAD_REQUEST,
    "ValidationError": VALIDATION_ERROR,
    "ErrorDetail": ERROR_DETAIL,
}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        parameters = operation.get("parameters", [])
        for parameter in parameters:
            # Filters and the page number read an empty value as not given (?stage=&page=),
            # as an HTML form sends them.
            if parameter["in"] == "query" and not parameter.get("required"):
                parameter["allowEmptyValue"] = True
        codes = ["400", "403"]
        if self.view.throttle_classes or getattr(self.view, "answers_too_many_requests", False):
            codes.append("429")
        if any(p["in"] == "path" for p in parameters) or any(
            p["in"] == "query" and p["name"] == "page" for p in parameters
        ):
            codes.append("404")
        responses = operation["responses"]
        for name, schema in SCHEMAS.items():
            registry.register_on_missing(
                ResolvedComponent(
                    name=name, type=ResolvedComponent.SCHEMA, object=name, schema=schema
                )
            )
        for code in sorted(codes):
            name, description = ERROR_RESPONSES[code]
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                    },
                },
            )
        operation["responses"] = dict(sorted(responses.items()))
        return operation
