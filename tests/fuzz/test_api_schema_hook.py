"""The schema hook that documents the standard error answers (safeguard.core.api_schema)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.generators import SchemaGenerator

from safeguard.core.api_schema import ERROR_COMPONENT, ERROR_SCHEMA, add_error_responses

ERROR_REF = {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}
METHODS = {"get", "put", "post", "delete", "patch"}


def _generated() -> dict[str, Any]:
    # Importing every app's URLs may touch the database (choices built from rows), hence the `db` fixtures.
    return SchemaGenerator().get_schema(request=None, public=True)


def _error_ref(response: dict[str, Any]) -> dict[str, Any]:
    return response["content"]["application/json"]["schema"]


def test_every_operation_documents_refusals_in_the_error_shape(db) -> None:
    schema = _generated()
    operations = [
        (method, operation)
        for item in schema["paths"].values()
        for method, operation in item.items()
        if method in METHODS
    ]
    assert operations
    for method, operation in operations:
        responses = operation["responses"]
        for status in ("401", "403", "404"):
            assert _error_ref(responses[status]) == ERROR_REF, (method, operation["operationId"], status)
        if method in {"post", "put", "patch"}:
            assert _error_ref(responses["400"]) == ERROR_REF, operation["operationId"]


def test_the_fallback_error_schema_is_what_the_serializer_generates(db) -> None:
    # /me/ names ErrorOut itself, so the generated component is drf-spectacular's, not the fallback.
    assert _generated()["components"]["schemas"][ERROR_COMPONENT] == ERROR_SCHEMA


def _result(operation: dict[str, Any], method: str = "post") -> dict[str, Any]:
    return {"paths": {"/api/v1/things/{id}/": {method: operation, "parameters": []}}}


def test_a_write_gets_400_and_415_and_keeps_its_own_responses() -> None:
    own = {"content": {}, "description": "Not yours to close."}
    result = add_error_responses(
        _result(
            {
                "security": [{"tokenAuth": []}],
                "requestBody": {"content": {"application/json": {}}},
                "responses": {"201": {"description": ""}, "403": own},
            }
        )
    )
    responses = result["paths"]["/api/v1/things/{id}/"]["post"]["responses"]
    assert list(responses) == ["201", "400", "401", "403", "404", "415"]
    assert responses["403"] is own
    assert result["components"]["schemas"][ERROR_COMPONENT] == ERROR_SCHEMA


def test_a_read_without_query_parameters_gets_no_400_and_an_anonymous_one_no_401() -> None:
    result = add_error_responses(
        _result({"security": [{}], "parameters": [{"in": "path", "name": "id"}], "responses": {}}, "get")
    )
    assert list(result["paths"]["/api/v1/things/{id}/"]["get"]["responses"]) == ["403", "404"]


def test_a_paged_read_gets_400() -> None:
    result = add_error_responses(
        _result({"parameters": [{"in": "query", "name": "limit"}], "responses": {}}, "get")
    )
    assert "400" in result["paths"]["/api/v1/things/{id}/"]["get"]["responses"]
