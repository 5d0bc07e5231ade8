"""The request's edges, checked before any route runs: header and URL size, body size, JSON the API refuses.

A header over the limit is 431 (so a 1 MB Authorization header is never read as a key), a URL over it 414;
a body over the limit is 413, from Content-Length up front or by counting a chunked body as it arrives. The
body, at most the limit, is then read whole and replayed to the app; a JSON body holding a non-finite number
or a lone surrogate is 422 naming the field (the schemas would accept NaN, and JSON cannot echo it back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.message import Message as MimeMessage
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import unrenderable
from tools.settings import Settings

HEADERS_PER_LIMIT = 4
"""All headers together may hold this many times the per-header limit."""


@dataclass(frozen=True)
class Limits:
    """Bytes a request may use."""

    body: int
    header: int

    @classmethod
    def of(cls, settings: Settings | None) -> Limits:
        """The limits in `settings`, or the defaults while the service is still starting."""
        fields = Settings.model_fields
        body = settings.service_max_body_bytes if settings else fields["service_max_body_bytes"].default
        header = settings.service_max_header_bytes if settings else fields["service_max_header_bytes"].default
        return cls(body=int(body), header=int(header))


class LimitsMiddleware:
    """Refuses requests past the size limits, and JSON bodies with values JSON cannot carry."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the request line and headers, read and check the body, then serve it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        service = getattr(scope["app"].state, "service", None)
        limits = Limits.of(service.runtime.settings if service is not None else None)
        refusal = _head_refusal(scope, limits)
        if refusal is None:
            messages, refusal = await _read_body(scope, receive, limits)
        if refusal is not None:
            await refusal(scope, receive, send)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _head_refusal(scope: Scope, limits: Limits) -> JSONResponse | None:
    url = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    if url > limits.header:
        return _refuse(414, f"the URL is {url} bytes; the limit is {limits.header} bytes")
    total = 0
    for name, value in scope["headers"]:
        size = len(name) + len(value)
        total += size
        if size > limits.header:
            label = name[:40].decode("latin-1")
            return _refuse(431, f"header {label!r} is {size} bytes; the limit is {limits.header} bytes per header")
    if total > HEADERS_PER_LIMIT * limits.header:
        return _refuse(431, f"the headers hold {total} bytes; the limit is {HEADERS_PER_LIMIT * limits.header} bytes")
    return None


async def _read_body(scope: Scope, receive: Receive, limits: Limits) -> tuple[list[Message], JSONResponse | None]:
    """The body's messages, or why the request is refused (too large, or JSON the API cannot take)."""
    headers = {name.lower(): value for name, value in scope["headers"]}
    declared = headers.get(b"content-length", b"").strip()
    if declared.isdigit() and int(declared) > limits.body:
        return [], _too_large(f"the request body is {int(declared)} bytes; the limit is {limits.body} bytes")
    messages: list[Message] = []
    size, more = 0, True
    while more:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break  # the client left: the app sees the disconnect
        size += len(message.get("body", b""))
        if size > limits.body:
            return [], _too_large(f"the request body is over the limit of {limits.body} bytes")
        more = bool(message.get("more_body", False))
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
    if body and _is_json(headers.get(b"content-type")):
        problems = unrenderable(_parsed(body))
        if problems:
            return [], JSONResponse({"detail": problems}, status_code=422)
    return messages, None


def _is_json(content_type: bytes | None) -> bool:
    """Whether FastAPI would parse the body as JSON (no content type, or application/json or */*+json)."""
    if not content_type:
        return True
    mime = MimeMessage()
    mime["content-type"] = content_type.decode("latin-1")
    subtype = mime.get_content_subtype()
    return mime.get_content_maintype() == "application" and (subtype == "json" or subtype.endswith("+json"))


def _parsed(body: bytes) -> Any:
    """The JSON body, or None when it is not JSON (the route answers that itself)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return None


def _too_large(detail: str) -> JSONResponse:
    return _refuse(413, f"{detail} (PROMO_SERVICE_MAX_BODY_BYTES); send less, e.g. split a feedback batch")


def _refuse(code: int, detail: str) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=code, headers={"Connection": "close"})
