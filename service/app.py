"""The app factory: `create_app(runtime)` wires routers, middleware and the chat page; no work at import.

Pass a ready `ServiceRuntime` (tests, embedding) and the app uses it as is; pass a function that opens
one (production, see service/production.py) and the app opens it on startup and closes it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractContextManager, ExitStack, asynccontextmanager

import anyio
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from service.metrics import ServiceMetrics
from service.observe import ObserveMiddleware
from service.routes import (
    approvals,
    audit,
    campaign_runs,
    chat,
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

SHUTDOWN_GRACE_S = 10.0
"""How long shutdown waits for campaign runs before closing stores (an interrupted run resumes later)."""

DESCRIPTION = """Personalized promotion copy, reviewed and targeted. Send `Authorization: Bearer <key>`;
roles: `marketer` (chat, promotions, approvals, campaign runs, feedback) and `admin` (also erasure, keys,
audit). Busy: 429 with Retry-After; LLM down: 503 with Retry-After."""


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
                await anyio.to_thread.run_sync(state.campaign_runs.join, SHUTDOWN_GRACE_S)
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
    )
    if isinstance(runtime, ServiceRuntime):
        app.state.service = ServiceState.build(runtime, metrics)
    app.add_middleware(ObserveMiddleware, metrics=metrics)
    for module in (chat, models, promotions, approvals, campaign_runs, feedback, users, keys, audit, ops, page, docs):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=page.STATIC), name="static")
    app.mount(docs.ASSETS_URL, StaticFiles(directory=docs.ASSETS), name="docs-assets")
    return app
