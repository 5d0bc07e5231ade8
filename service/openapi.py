"""Error responses in the OpenAPI schema: the ones routes declare, and the ones every operation can answer.

Routes declare their own (429 and 503 when they reach the LLM: BUSY; 404, 409). `add_error_responses` adds
to each operation of the generated schema what follows from its shape: 401, 403 and 503 (starting) when it
needs a key, 400, 413 and 422 when it takes a body, 422 on every /v1 operation (unknown query parameters).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

Responses = dict[int | str, dict[str, Any]]


class Problem(BaseModel):
    """Why the request was refused."""

    detail: str = Field(description="What went wrong and what to do; repeats at most a short excerpt of the input.")


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description}


BUSY: Responses = {
    429: _problem("Too busy: every slot and queue place is taken; retry after Retry-After seconds."),
    503: _problem("The LLM server cannot take work; retry after Retry-After seconds."),
}

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_VALIDATION_REF = {"$ref": "#/components/schemas/HTTPValidationError"}
NEEDS_KEY: dict[str, str] = {
    "401": "No API key, or an unknown or revoked one: send `Authorization: Bearer <key>`.",
    "403": "The key's role may not do this (admin routes).",
    "503": "The service is starting, or the LLM server cannot take work: retry after Retry-After seconds.",
}
TAKES_BODY: dict[str, str] = {
    "400": "The body could not be read (e.g. it is not UTF-8).",
    "413": "The body is over the size limit (PROMO_SERVICE_MAX_BODY_BYTES, 2 MiB by default).",
}
INVALID_PARAMETERS = (
    "A parameter does not match its schema, or the query holds a parameter this operation does not take; each "
    "error names the parameter and repeats at most an 80-character excerpt of the value."
)
INVALID_BODY = (
    "The body does not match the schema, or holds a non-finite number (NaN, Infinity, 1e400) or a lone "
    "surrogate; each error names the field and repeats at most an 80-character excerpt of the value."
)


def add_error_responses(schema: dict[str, Any]) -> dict[str, Any]:
    """Add to each operation the errors its security and body imply, keeping what it documents itself."""
    schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
    for path, operations in schema.get("paths", {}).items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            implied = {**(NEEDS_KEY if operation.get("security") else {})}
            if path.startswith("/v1/"):  # service.query_params refuses unknown query parameters there
                implied["422"] = INVALID_PARAMETERS
            if "requestBody" in operation:
                implied |= TAKES_BODY
                if "422" in responses:
                    responses["422"]["description"] = INVALID_BODY
            for code, description in implied.items():
                body = _VALIDATION_REF if code == "422" else _PROBLEM_REF  # FastAPI's list of errors, or one detail
                responses.setdefault(
                    code, {"description": description, "content": {"application/json": {"schema": body}}}
                )
    return schema
