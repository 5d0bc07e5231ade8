"""The app factory: `create_app(runtime)` wires routers, middleware and the chat page; no work at import.

Pass a ready `ServiceRuntime` (tests, embedding) and the app uses it as is; pass a function that opens
one (production, see service/production.py) and the app opens it on startup and closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, ExitStack, asynccontextmanager
from typing import Any

import anyio
from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from service.errors import http_error, validation_error
from service.limits import LimitsMiddleware
from service.metrics import ServiceMetrics
from service.observe import ObserveMiddleware
from service.openapi import add_error_responses
from service.options import OptionsMiddleware
from service.query_params import refuse_unknown_query
from service.routes import (
    approvals,
    audit,
    campaign_runs,
    chat,
    copy_check,
    docs,
    feedback,
    keys,
    models,
    ops,
    page,
    promotions,
    users,
)
from service.runtime import ServiceRuntime
from service.state import ServiceState

RuntimeOpener = Callable[[], AbstractContextManager[ServiceRuntime]]


DESCRIPTION = """Personalized promotion copy, reviewed and targeted. Send `Authorization: Bearer <key>`;
roles: `marketer` (chat, promotions, approvals, campaign runs, feedback) and `admin` (also erasure, keys,
audit). Busy: 429 with Retry-After; LLM down: 503 with Retry-After. Limits: a body of at most 2 MiB (413), a
header of at most 8 KiB (431) and a URL of at most 8 KiB (414) by default; NaN, Infinity and lone surrogates
in a body are 422. Errors repeat at most an 80-character excerpt of any input value."""


def create_app(runtime: ServiceRuntime | RuntimeOpener) -> FastAPI:
    """The FastAPI app over a runtime, or over a function that opens one for the app's lifetime."""
    metrics = ServiceMetrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        with ExitStack() as stack:
            if not isinstance(runtime, ServiceRuntime):  # opening starts the model: seconds, in a thread
                opened = await anyio.to_thread.run_sync(stack.enter_context, runtime())
                app.state.service = ServiceState.build(opened, metrics)
            state: ServiceState = app.state.service
            try:
                yield
            finally:
                await state.runtime.llm_health.aclose()
                # Bounded: requests still at work after the grace period stop at their next step; campaign
                # runs get the same time, then their stores close (an interrupted run resumes when re-posted).
                grace_s = state.runtime.settings.service_drain_s
                await state.inflight.drain(grace_s)
                await anyio.to_thread.run_sync(state.campaign_runs.join, grace_s)
                state.campaign_runs.close()
                if not isinstance(runtime, ServiceRuntime):
                    await anyio.to_thread.run_sync(stack.close)
                    app.state.service = None

    app = FastAPI(
        title="promo-agents",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # FastAPI's own pages load scripts from a CDN: /docs is served offline by routes/docs.py
        redoc_url=None,
        dependencies=[Depends(refuse_unknown_query)],
    )
    if isinstance(runtime, ServiceRuntime):
        app.state.service = ServiceState.build(runtime, metrics)
    app.add_middleware(OptionsMiddleware)
    app.add_middleware(LimitsMiddleware)
    app.add_middleware(ObserveMiddleware, metrics=metrics)  # outermost: refusals by the limits are counted too
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    for module in (
        chat,
        models,
        promotions,
        approvals,
        copy_check,
        campaign_runs,
        feedback,
        users,
        keys,
        audit,
        ops,
        page,
        docs,
    ):
        app.include_router(module.router)
    generate_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = add_error_responses(generate_schema())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the schema
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    app.mount(docs.ASSETS_URL, StaticFiles(directory=docs.ASSETS), name="docs-assets")
    return app
