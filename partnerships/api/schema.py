"""The error responses of every API operation, added to the OpenAPI schema from what each view actually does.

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): views document their success
responses (and any error they answer in their own way, such as 409), and this hook adds the errors that come from
the shared machinery, so that every status code a client can receive is documented with the body it carries.
"""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import AllowAny

from partnerships.api.base import TenantAPIMixin

ERROR = {"$ref": "#/components/schemas/Error"}
VALIDATION_ERROR = {"$ref": "#/components/schemas/ValidationError"}
COMPONENTS = {
    "Error": {
        "type": "object",
        "description": "Why the request was refused.",
        "properties": {
            "detail": {"type": "string", "description": "A sentence for people."},
            "code": {"type": "string", "description": "A stable code for programs, where there is one."},
        },
        "required": ["detail"],
    },
    "ValidationError": {
        "type": "object",
        "description": (
            "What is wrong with the request: each field name (``non_field_errors`` for the request as a whole, "
            "``detail`` for a body that could not be parsed) maps to a list of messages, or, for a nested object "
            "or list, to the same shape again."
        ),
        "additionalProperties": {
            "anyOf": [
                {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "object"}, {"type": "array"}]}},
                {"type": "object"},
                {"type": "string"},
            ]
        },
    },
}
# Query parameters that cannot make a request invalid: an unknown ordering or an empty search is ignored, and a
# page past the end is a 404.
LENIENT_QUERY = frozenset({"page", "ordering", "search"})
UNSAFE = frozenset({"post", "put", "patch", "delete"})


def _error(description: str, schema: dict[str, Any] = ERROR) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors_of(view: Any, method: str, operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Status code to response object: the errors the shared machinery can answer ``method`` on ``view`` with."""
    parameters = operation.get("parameters", [])
    query = {p["name"] for p in parameters if p.get("in") == "query"}
    path = {p["name"] for p in parameters if p.get("in") == "path"}
    errors: dict[str, dict[str, Any]] = {}
    if method in UNSAFE or query - LENIENT_QUERY:
        errors["400"] = _error("The request is invalid: the body, or a query parameter.", VALIDATION_ERROR)
    if not all(isinstance(p, AllowAny) for p in view.get_permissions()):
        errors["401"] = _error("The signed-in session expired (an idle or absolute limit of the role).")
        errors["403"] = _error(
            "Not signed in or no valid token; the account must set up two-factor authentication first; or the "
            "caller's role may not do this."
        )
    if isinstance(view, TenantAPIMixin) or path or "page" in query:
        errors["404"] = _error(
            "No such workspace, or the caller is not a member of it (the same answer either way); or no such "
            "object in the workspace; or a page past the last."
        )
    return errors


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Document the errors of every operation (the view's own responses win), and the two error bodies."""
    for path, _path_regex, method, callback in generator.endpoints:
        view = generator.create_view(callback, method)
        path = generator.coerce_path(path, method, view)
        operation = result["paths"].get(path, {}).get(method.lower())
        if operation is None:  # excluded from the schema
            continue
        responses = operation.setdefault("responses", {})
        for status, response in _errors_of(view, method.lower(), operation).items():
            responses.setdefault(status, response)
        operation["responses"] = dict(sorted(responses.items()))
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in COMPONENTS.items():
        schemas.setdefault(name, schema)
    result["components"]["schemas"] = dict(sorted(schemas.items()))
    return result
