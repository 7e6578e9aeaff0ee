"""The OpenAPI schema is generated without a single warning or error, is valid OpenAPI, and documents every error.

The same generation and validation as ``manage.py spectacular --validate --fail-on-warn``, in-process, so that a
serializer field of unknown type, an unnamed enum or an untyped path parameter fails CI instead of quietly turning
into ``string`` in the published schema. The fuzzer (test_api_fuzz.py) then holds every response to this schema.
"""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def generated() -> tuple[dict[str, Any], list[str]]:
    """The schema, and every warning and error drf-spectacular emitted while generating it."""
    emitted: list[str] = []

    def collect(msg: str, severity: str) -> None:
        emitted.append(f"{severity}: {msg}")

    with mock.patch.object(GENERATOR_STATS, "emit", side_effect=collect):
        schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema, emitted


def operations(schema: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method.upper(), path, op) for path, item in schema["paths"].items()
            for method, op in item.items() if method in METHODS]


def test_the_schema_generates_without_warnings_or_errors(generated: tuple[dict[str, Any], list[str]]) -> None:
    _, emitted = generated
    assert not emitted, "drf-spectacular complained:\n" + "\n".join(emitted)


def test_the_schema_is_valid_openapi(generated: tuple[dict[str, Any], list[str]]) -> None:
    schema, _ = generated
    validate_schema(schema)  # raises jsonschema's ValidationError
    assert len(operations(schema)) > 100  # the whole API, not an empty document that happens to validate


def test_every_tenant_operation_documents_refusals_with_the_error_body(
        generated: tuple[dict[str, Any], list[str]]) -> None:
    """Non-members get 404 and roles that may not act get 403 (DOMAIN.md §2): the schema has to say so."""
    schema, _ = generated
    undocumented = []
    for method, path, op in operations(schema):
        if not path.startswith("/api/v1/c/{convener_slug}/"):
            continue
        for status in ("403", "404"):
            body = op["responses"].get(status, {}).get("content", {}).get("application/json", {}).get("schema")
            if body != {"$ref": "#/components/schemas/Error"}:
                undocumented.append(f"{method} {path}: {status}")
        if method in ("POST", "PUT", "PATCH") and "400" not in op["responses"]:
            undocumented.append(f"{method} {path}: 400")
    assert not undocumented, "Undocumented error responses:\n" + "\n".join(undocumented)
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]


def test_every_path_parameter_is_typed(generated: tuple[dict[str, Any], list[str]]) -> None:
    """Object ids are integers and the workspace is a slug: an untyped parameter lets any string through."""
    schema, _ = generated
    untyped = []
    for method, path, op in operations(schema):
        for parameter in op.get("parameters", []):
            if parameter["in"] != "path":
                continue
            expected = "string" if parameter["name"] == "convener_slug" else "integer"
            if parameter["schema"].get("type") != expected:
                untyped.append(f"{method} {path}: {parameter['name']} is {parameter['schema']}")
    assert not untyped, "\n".join(untyped)
