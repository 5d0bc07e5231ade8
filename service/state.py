"""Per-app state: the runtime plus what the app builds on it (admission pools, metrics, compiled graph, jobs)."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import HTTPException, status

from graphs.promotion import PromotionGraph, build_graph
from service.admission import Admission
from service.campaign_jobs import CampaignJobs
from service.inflight import InFlight
from service.metrics import ServiceMetrics, TokenMetrics
from service.runtime import ServiceRuntime


@dataclass
class ServiceState:
    """Built once per app from a runtime; routes reach it through `StateDep`."""

    runtime: ServiceRuntime
    metrics: ServiceMetrics
    jobs: Admission
    """LLM-bound requests: chat turns, promotions, approvals."""
    graph: PromotionGraph
    """The promotion graph compiled with the runtime's checkpointer, so approvals can pause and resume."""
    tokens: TokenMetrics
    campaign_runs: CampaignJobs
    inflight: InFlight = field(default_factory=InFlight)
    """LLM-bound requests at work now: cancelled when their client leaves or shutdown's grace ends."""
    resuming: set[str] = field(default_factory=set)
    """Approval threads being resumed now: a second answer to the same thread is refused."""

    @classmethod
    def build(cls, runtime: ServiceRuntime, metrics: ServiceMetrics) -> ServiceState:
        """Admission pools sized from the settings; the graph compiled once."""
        s = runtime.settings
        graph = build_graph(checkpointer=runtime.checkpointer)
        tokens = TokenMetrics(metrics)
        return cls(
            runtime=runtime,
            metrics=metrics,
            jobs=Admission(
                "jobs", s.service_max_jobs, s.service_queue, s.service_queue_timeout_s, s.service_retry_after_s, metrics
            ),
            graph=graph,
            tokens=tokens,
            campaign_runs=CampaignJobs(runtime, graph, tokens, s.service_max_campaign_runs),
        )

    async def require_llm(self) -> None:
        """Raise 503 with Retry-After when the LLM server cannot take work now."""
        problem = await self.runtime.llm_health.problem()
        if problem is not None:
            self.metrics.rejected.labels("llm", "llm_down").inc()
            raise HTTPException(
                status.HTTP_503_SERVICE_UNAVAILABLE,
                detail=f"{problem}; retry in {self.runtime.settings.service_retry_after_s} s",
                headers={"Retry-After": str(self.runtime.settings.service_retry_after_s)},
            )
