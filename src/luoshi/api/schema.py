"""Schema post-processing: every operation documents the error answers it can give (see errors.py).

Clients (and schemathesis) then know that 400/401/403/404/429, and 409 for writes, are part of the contract
and what their body looks like. Path ids are declared as the integers they are.
"""

from __future__ import annotations

from typing import Any

ERROR_SCHEMA = {
    "type": "object",
    "description": "An error: `detail` is the message (Chinese first, English in brackets for domain rules), "
                   "`code` a stable code. Validation errors map field names to lists of messages instead.",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input or a broken domain rule (DomainError).",
    "401": "No or invalid credentials.",
    "403": "Visible, but this account may not do this.",
    "404": "Not found, or not visible to this account (the same answer).",
    "429": "Too many requests for this account.",
}
WRITE_ERRORS = {"409": "Stale: the object changed since the given `version`."}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    # The viewsets accept any segment (to answer JSON 404s); the id itself is an integer.
                    parameter["schema"] = {"type": "integer", "minimum": 1}
            errors = {**ERRORS, **(WRITE_ERRORS if method in ("post", "put", "patch", "delete") else {})}
            for status, description in errors.items():
                operation["responses"].setdefault(status, {"description": description, "content": ref})
    return result
