"""OpenAPI schema extras: Safeguard's authentication classes, and the error answers every operation can give.

drf-spectacular documents the responses a view declares. The errors DRF and our exception handler give
on their own (refused credentials, permission denied, "not found" for missing and not-yours alike,
invalid input, an unsupported content type) are added here, once, to every operation that can give
them, in the one error shape of `safeguard.core.api_errors`. A view's own declaration always wins.
"""

from __future__ import annotations

import copy
from typing import Any

from drf_spectacular.authentication import SessionScheme, TokenScheme


class VerifiedSessionScheme(SessionScheme):
    target_class = "safeguard.core.api_auth.VerifiedSessionAuthentication"
    name = "sessionAuth"


class StrictTokenScheme(TokenScheme):
    target_class = "safeguard.core.api_auth.StrictTokenAuthentication"
    name = "tokenAuth"


ERROR_COMPONENT = "ErrorOut"
# The schema drf-spectacular derives from api_errors.ErrorOut; used only when no view names that serializer
# (tests/fuzz/test_api_schema_hook.py keeps the two the same).
ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The body of every API error response, for the schema.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {},
            "description": "Field name to its messages; present on 400 responses only.",
        },
    },
    "required": ["code", "detail"],
}

BAD_REQUEST = "The request has errors; `errors` names each field with its messages. Nothing was changed."
UNAUTHENTICATED = "No credentials, or the token or session was refused (`WWW-Authenticate: Token`)."
FORBIDDEN = "Signed in, but not allowed to do this."
NOT_FOUND = "Not found, or not yours to see: the answer is the same."
UNSUPPORTED_MEDIA_TYPE = "The request body is not `application/json`."

_BODY_METHODS = frozenset({"post", "put", "patch"})
_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def add_error_responses(result: dict[str, Any], generator: Any = None, **kwargs: Any) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: document the standard error responses on every operation.

    - 401 where the operation accepts credentials (a bad token is refused even where anonymous is allowed);
    - 403 and 404 everywhere (permission checks and scoped lookups can refuse any operation);
    - 400 where there is a request body or a query parameter (paging and filters refuse bad values);
    - 415 where there is a request body.
    """
    operations = [
        operation
        for path_item in result.get("paths", {}).values()
        for method, operation in path_item.items()
        if method in _METHODS and isinstance(operation, dict)
    ]
    if not operations:
        return result
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_COMPONENT, copy.deepcopy(ERROR_SCHEMA))
    global_security = result.get("security", [])
    for path_item in result["paths"].values():
        for method, operation in path_item.items():
            if method in _METHODS and isinstance(operation, dict):
                _add_to_operation(method, operation, global_security)
    return result


def _add_to_operation(method: str, operation: dict[str, Any], global_security: list[Any]) -> None:
    security = operation.get("security", global_security)
    takes_credentials = any(requirement for requirement in security)
    has_body = "requestBody" in operation or method in _BODY_METHODS
    has_query = any(
        isinstance(parameter, dict) and parameter.get("in") == "query"
        for parameter in operation.get("parameters", [])
    )
    wanted: list[tuple[str, str]] = []
    if has_body or has_query:
        wanted.append(("400", BAD_REQUEST))
    if takes_credentials:
        wanted.append(("401", UNAUTHENTICATED))
    wanted += [("403", FORBIDDEN), ("404", NOT_FOUND)]
    if has_body:
        wanted.append(("415", UNSUPPORTED_MEDIA_TYPE))
    responses = operation.setdefault("responses", {})
    for status, description in wanted:
        responses.setdefault(status, _error_response(description))
    operation["responses"] = dict(sorted(responses.items(), key=lambda item: item[0]))


def _error_response(description: str) -> dict[str, Any]:
    return {
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}},
        "description": description,
    }
