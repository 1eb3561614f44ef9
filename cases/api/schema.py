"""The error answers of every operation, in the schema: what each may return besides success.

Derived from what the view does (its body, path parameters, authentication, permissions,
throttles, a body on writes), plus `error_statuses` a view declares for its own errors (409, 429).
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import permissions, serializers
from rest_framework.authentication import SessionAuthentication


class ErrorSerializer(serializers.Serializer):
    """Every error but 400: a code and a message (in the request's language)."""

    error = serializers.CharField(
        help_text="not_found, not_authenticated, authentication_failed, permission_denied, "
        "forbidden, invalid_transition, too_large, throttled, parse_error, ..."
    )
    detail = serializers.CharField()


VALIDATION_ERRORS = {
    "type": "object",
    "description": "DRF's field errors: each field (or non_field_errors) with its messages. "
    'A body that is not valid JSON: `{"error": "parse_error", "detail"}`.',
    "additionalProperties": {},
}

DESCRIPTIONS = {
    400: "Invalid input.",
    401: "No valid credentials (`WWW-Authenticate: Token`).",
    403: "Not allowed to do this (or a session request without its CSRF token).",
    404: "Not found, or not visible to the caller: never revealed to exist.",
    409: "The case's state does not allow this now (`invalid_transition`).",
    413: "The request body is too large.",
    429: "Too many requests from this client; wait `Retry-After` seconds.",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        error = self.resolve_serializer(ErrorSerializer, direction).ref
        for status in sorted(self._error_statuses()):
            schema = VALIDATION_ERRORS if status == 400 else error
            response = {
                "content": {"application/json": {"schema": schema}},
                "description": DESCRIPTIONS[status],
            }
            if status == 429:
                response["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}
                }
            responses.setdefault(str(status), response)
        return responses

    def _error_statuses(self) -> set[int]:
        view = self.view
        statuses = set(getattr(view, "error_statuses", ()))
        writes = self.method in ("POST", "PUT", "PATCH")
        authenticators = view.get_authenticators()
        public = all(
            isinstance(permission, permissions.AllowAny) for permission in view.get_permissions()
        )
        if writes or self._is_list_view():
            statuses.add(400)
        if writes:
            statuses.add(413)  # a body past its limit, by its length (onestop/bodies.py)
        if authenticators:
            statuses.add(401)  # a wrong token is refused even where none is needed
        if not public or (
            writes and any(isinstance(a, SessionAuthentication) for a in authenticators)
        ):
            statuses.add(403)
        if "{" in self.path or self._is_list_view():
            statuses.add(404)  # also `?page=` past the end
        return statuses


def text_query_parameters_have_no_nul(result, generator, request, public):
    """Postprocessing hook: a free-text query parameter may hold any text but NUL (the
    filters refuse it with 400), and the contract says so."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if (
                    parameter["in"] == "query"
                    and schema.get("type") == "string"
                    and not ({"enum", "format", "pattern"} & set(schema))
                ):
                    schema["pattern"] = "^[^\\x00]*$"
    return result
