"""Operations: GET /healthz (liveness, no key), GET /readyz (readiness detail, a key), GET /metrics (no key).

/healthz names nothing internal; bind the service to loopback or a private net, as /metrics needs no key.
"""

from __future__ import annotations

from collections.abc import Callable

import anyio
from fastapi import APIRouter, Response, status
from prometheus_client import CONTENT_TYPE_LATEST

from service.deps import Marketer, StateDep
from service.schemas.ops import Health, Liveness
from service.state import ServiceState

router = APIRouter(tags=["operations"])


def _store_checks(state: ServiceState) -> dict[str, str]:
    runtime = state.runtime
    checks: dict[str, Callable[[], object]] = {
        "shop": runtime.services.shop.ping,
        "history": runtime.services.history.count,
        "runs": runtime.runs.ping,
        "feedback": runtime.feedback.ping,
        "keys": runtime.keys.ping,
        "checkpoints": lambda: runtime.checkpointer.get_tuple({"configurable": {"thread_id": "readyz"}}),
    }
    verdicts: dict[str, str] = {}
    for name, check in checks.items():
        try:
            check()
        except Exception as error:  # any failure is this check's verdict: reported, answered with 503
            verdicts[name] = f"{type(error).__name__}: {error}"
        else:
            verdicts[name] = "ok"
    return verdicts


@router.get("/healthz")
def healthz() -> Liveness:
    """Liveness: 200 while the process answers. Whether it can do its work is GET /readyz."""
    return Liveness()


@router.get("/readyz", responses={503: {"model": Health, "description": "Something the service needs is down."}})
async def readyz(state: StateDep, who: Marketer, response: Response) -> Health:
    """Readiness: 200 when the LLM server answers and every store is readable; 503 with Retry-After otherwise."""
    problem = await state.runtime.llm_health.problem()
    stores = await anyio.to_thread.run_sync(_store_checks, state)
    healthy = problem is None and all(v == "ok" for v in stores.values())
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        response.headers["Retry-After"] = str(state.runtime.settings.service_retry_after_s)
    return Health(
        status="ok" if healthy else "unavailable",
        llm=problem or "ok",
        llm_url=state.runtime.endpoint.base_url if who.may("admin") else None,
        stores=stores,
    )


@router.get("/metrics", response_class=Response, responses={200: {"content": {CONTENT_TYPE_LATEST: {}}}})
def metrics(state: StateDep) -> Response:
    """Prometheus text format: requests by route and status, latency, in-flight work, rejections, LLM tokens."""
    return Response(state.metrics.text(), media_type=CONTENT_TYPE_LATEST)
