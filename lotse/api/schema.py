"""How the OpenAPI document describes the token (loaded by the app config)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):  # type: ignore[no-untyped-call]
    target_class = "lotse.api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal access token (lotse_…), made under /api/tokens/.",
        }


ERROR = {
    "description": "",
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "description": "`detail` says why; for invalid input, a list of messages "
                "per field instead.",
                "additionalProperties": True,
            }
        }
    },
}
# Answers every operation can give, besides its own.
COMMON = {
    "400": "The input is not valid: the answer says why, per field.",
    "401": "No valid token (missing, unknown, expired or revoked).",
    "403": "The token lacks the scope of this operation.",
    "404": "Not found, not within the user's reach, or a cursor that is not valid.",
}
BY_METHOD = {
    "get": {"304": "Unchanged since the ETag sent in If-None-Match."},
    "post": {"422": "The Idempotency-Key was used for a different request."},
}


def add_error_responses(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """A postprocessing hook: the error answers of every operation, documented."""
    for item in result.get("paths", {}).values():
        for method, operation in item.items():
            responses = operation.setdefault("responses", {})
            for code, text in {**COMMON, **BY_METHOD.get(method, {})}.items():
                if code == "304":
                    responses.setdefault(code, {"description": text})
                else:
                    responses.setdefault(code, {**ERROR, "description": text})
    return result
