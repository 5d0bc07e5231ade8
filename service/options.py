"""OPTIONS on a path the app serves: 204 with an `Allow` header naming every method the path answers.

Without it, OPTIONS reached the one route that matched first and got 405 listing that route's method only.
A path no route serves passes through to the app's 404.
"""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
READ_ONLY = ("GET", "HEAD")
"""What a mounted folder of static files answers."""


def allowed_methods(scope: Scope) -> list[str]:
    """Every method some route of the app answers on this request's path, OPTIONS included; [] when none."""
    allowed: set[str] = set()
    for route in scope["app"].router.routes:
        if isinstance(route, Mount):
            if route.matches(scope)[0] == Match.FULL:
                allowed.update(READ_ONLY)
            continue
        allowed.update(m for m in METHODS if route.matches({**scope, "method": m})[0] == Match.FULL)
    return sorted(allowed | {"OPTIONS"}) if allowed else []


class OptionsMiddleware:
    """Answers OPTIONS with 204 and `Allow` for every path the app serves."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """OPTIONS on a served path: the allowed methods; anything else: the app."""
        methods = allowed_methods(scope) if scope["type"] == "http" and scope["method"] == "OPTIONS" else []
        if not methods:
            await self.app(scope, receive, send)
            return
        await Response(status_code=204, headers={"Allow": ", ".join(methods)})(scope, receive, send)
