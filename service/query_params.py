"""Unknown query parameters are refused with 422 naming them, so a typo (`?limt=5`) is not silently ignored."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from service.errors import MAX_PROBLEMS

API_PREFIX = "/v1/"
"""Only the API refuses them: the page and the docs ignore what a browser or a link adds (utm_source=...)."""


def _known(route: APIRoute) -> frozenset[str]:
    """The query parameters an operation reads, its dependencies' included (a handful of nodes: not cached)."""
    names: set[str] = set()
    pending = [route.dependant]
    while pending:
        dependant = pending.pop()
        names.update(param.alias for param in dependant.query_params)
        pending.extend(dependant.dependencies)
    return frozenset(names)


def refuse_unknown_query(request: Request) -> None:
    """An app-wide dependency: 422 for each query parameter the matched /v1 operation does not take."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.url.path.startswith(API_PREFIX):
        return
    known = _known(route)
    unknown = [name for name in dict.fromkeys(request.query_params.keys()) if name not in known]
    if unknown:
        takes = ", ".join(sorted(known)) or "no query parameters"
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", name),
                    "msg": f"unknown query parameter; this operation takes {takes}",
                    "input": request.query_params.get(name),
                }
                for name in unknown[:MAX_PROBLEMS]
            ]
        )
