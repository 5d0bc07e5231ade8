"""One ASGI middleware for what every request leaves behind: metrics and an audit entry.

Pure ASGI rather than BaseHTTPMiddleware so a streamed answer is timed to its last byte.
"""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.keys import Principal
from service.metrics import ServiceMetrics


def route_template(scope: Scope) -> str:
    """The matched route's template (`/v1/users/{user_id}`); 'unmatched' keeps label counts bounded."""
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return str(path) if path else "unmatched"


class ObserveMiddleware:
    """Counts and times requests by route template and status, and audits who asked."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, then record it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, send_and_note)
        finally:
            self.metrics.in_flight.dec()
            seconds = time.perf_counter() - started
            method, route = str(scope["method"]), route_template(scope)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(seconds)
            who = scope.get("state", {}).get("principal")
            name, role = (who.name, who.role) if isinstance(who, Principal) else ("-", "-")
            service = getattr(scope["app"].state, "service", None)  # None only while starting up
            if service is not None:
                service.runtime.audit.record(name, role, method, route, status, seconds * 1000)
