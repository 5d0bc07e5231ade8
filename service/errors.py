"""Error bodies that are always valid JSON and never echo more than a short excerpt of the input.

A request may carry what JSON cannot render back (NaN, Infinity, a lone surrogate) or megabytes of text;
every value an error repeats goes through `excerpt` first. `unrenderable` finds such values in a parsed
JSON body, so the request is refused with 422 before a route or a schema ever sees them.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

EXCERPT_CHARS = 80
"""The most characters an error repeats of any one input value."""
MESSAGE_CHARS = 300
"""The most characters of an error message (ours may quote the input)."""
MAX_PROBLEMS = 10
"""The most unrenderable values one 422 lists."""


def renderable(text: str) -> str:
    """The text with each lone surrogate written as a backslash escape, so it encodes as UTF-8."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def excerpt(value: Any, limit: int = EXCERPT_CHARS) -> Any:
    """A JSON-safe stand-in for an input value: short text, finite numbers, containers as an excerpt of their JSON."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, float):
        return value
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace")
    elif isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except (ValueError, TypeError, RecursionError):  # e.g. ints past Python's digit limit
            text = f"<{type(value).__name__}>"
        if isinstance(value, int) and len(text) <= limit:
            return value
    text = renderable(text)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _safe_error(error: dict[str, Any]) -> dict[str, Any]:
    safe: dict[str, Any] = {
        "type": error.get("type", "value_error"),
        "loc": [part if isinstance(part, int) else excerpt(str(part)) for part in error.get("loc", ())],
        "msg": excerpt(str(error.get("msg", "")), MESSAGE_CHARS),
    }
    if "input" in error:
        safe["input"] = excerpt(error["input"])
    if error.get("ctx"):
        safe["ctx"] = {  # the rule's own values (limits, patterns, our messages): message-length excerpts
            str(k): excerpt(v if isinstance(v, int | float | str) else str(v), MESSAGE_CHARS)
            for k, v in error["ctx"].items()
        }
    return safe


async def validation_error(request: Request, exc: Exception) -> Response:
    """422 listing each error with its location and an excerpt of the value, never the value in full."""
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": [_safe_error(e) for e in exc.errors()]}, status_code=422)


async def http_error(request: Request, exc: Exception) -> Response:
    """FastAPI's answer to an HTTPException, with a text detail cut to MESSAGE_CHARS and made renderable."""
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc.detail, str):
        exc = HTTPException(exc.status_code, excerpt(exc.detail, MESSAGE_CHARS), exc.headers)
    return await http_exception_handler(request, exc)


def unrenderable(value: Any, loc: tuple[str | int, ...] = ("body",)) -> list[dict[str, Any]]:
    """Errors for each non-finite number and each string (or key) holding a lone surrogate, up to MAX_PROBLEMS."""
    found: list[dict[str, Any]] = []
    stack: list[tuple[tuple[str | int, ...], Any]] = [(loc, value)]
    while stack and len(found) < MAX_PROBLEMS:
        where, item = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            found.append(
                _problem(
                    where,
                    "finite_number",
                    "a number must be finite: NaN, Infinity and values past ±1.8e308 (e.g. 1e400) are not JSON numbers",
                    item,
                )
            )
        elif isinstance(item, str) and _has_surrogate(item):
            found.append(
                _problem(
                    where,
                    "unicode_text",
                    "text holds a lone surrogate (e.g. \\ud800), which is not Unicode text: send valid UTF-8",
                    item,
                )
            )
        elif isinstance(item, dict):
            for key, inner in reversed(item.items()):
                if _has_surrogate(key):
                    found.append(
                        _problem(
                            (*where, key),
                            "unicode_text",
                            "a field name holds a lone surrogate "
                            "(e.g. \\ud800), which is not Unicode text: send valid UTF-8",
                            key,
                        )
                    )
                else:
                    stack.append(((*where, key), inner))
        elif isinstance(item, list):
            stack.extend(((*where, i), inner) for i, inner in reversed(list(enumerate(item))))
    return found[:MAX_PROBLEMS]


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _problem(loc: tuple[str | int, ...], kind: str, message: str, value: Any) -> dict[str, Any]:
    named = ".".join(str(part) for part in loc)
    return _safe_error({"type": kind, "loc": loc, "msg": f"{renderable(named)}: {message}", "input": value})
