"""Campaign runs in background threads: at most N at once, progress readable while they work.

A run is resumable by design (campaign/runner.py): if the process stops midway, posting the same run id
again continues it from the run store and the checkpoints.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from agents.context import Context
from campaign.runner import process_run, start_run
from domain.offer import Campaign
from graphs.promotion import PromotionGraph
from service.metrics import TokenMetrics
from service.runtime import ServiceRuntime
from tools.llm.generation_cache import GenerationCache, open_generation_cache

logger = logging.getLogger("promo.service.runs")

JobState = Literal["selecting", "writing", "finished", "failed"]


@dataclass
class RunJob:
    """One run being worked on in this process."""

    run_id: str
    state: JobState = "selecting"
    error: str | None = None
    thread: threading.Thread | None = None


class RunLimitReached(RuntimeError):
    """Every campaign-run slot is taken."""


class RunAlreadyActive(RuntimeError):
    """That run id is being worked on already."""


class CampaignJobs:
    """Starts runs in daemon threads and remembers their state."""

    def __init__(self, runtime: ServiceRuntime, compiled: PromotionGraph, tokens: TokenMetrics, limit: int) -> None:
        self._runtime, self._compiled, self._tokens, self._limit = runtime, compiled, tokens, limit
        self._jobs: dict[str, RunJob] = {}
        self._lock = threading.Lock()
        self._cache: GenerationCache | None = None

    def start(
        self, run_id: str, campaign: Campaign, candidates: Sequence[str], holdout: float, concurrency: int
    ) -> RunJob:
        """Start (or resume) a run in the background; raises RunLimitReached or RunAlreadyActive."""
        with self._lock:
            active = [j for j in self._jobs.values() if j.state in ("selecting", "writing")]
            if any(j.run_id == run_id for j in active):
                raise RunAlreadyActive(f"run {run_id!r} is already being processed")
            if len(active) >= self._limit:
                raise RunLimitReached(f"{len(active)} campaign runs are in progress, the most allowed")
            job = RunJob(run_id)
            job.thread = threading.Thread(
                target=self._work,
                args=(job, campaign, list(candidates), holdout, concurrency),
                name=f"campaign-run-{run_id}",
                daemon=True,
            )
            self._jobs[run_id] = job
        job.thread.start()
        return job

    def get(self, run_id: str) -> RunJob | None:
        """The job for this run started by this process, if any."""
        with self._lock:
            return self._jobs.get(run_id)

    def join(self, timeout_s: float) -> None:
        """Wait for the running jobs, at most `timeout_s` each (on shutdown and in tests)."""
        with self._lock:
            threads = [j.thread for j in self._jobs.values() if j.thread is not None]
        for thread in threads:
            thread.join(timeout_s)

    def _run_context(self) -> Context:
        runtime = self._runtime
        if self._cache is None:  # identical prompts in a run share one generation, as on the CLI
            self._cache = runtime.services.generation_cache or open_generation_cache(runtime.settings)
        return Context(
            services=replace(runtime.services, generation_cache=self._cache),
            now=runtime.clock(),
            copy_mode=runtime.settings.copy_mode,
            llm_critique=runtime.settings.llm_critique,
        )

    def _work(self, job: RunJob, campaign: Campaign, candidates: list[str], holdout: float, concurrency: int) -> None:
        runtime = self._runtime
        try:
            context = self._run_context()
            info, _ = start_run(
                runtime.runs, job.run_id, campaign, candidates, context.services, context.now, holdout_share=holdout
            )
            job.state = "writing"
            context = replace(context, now=info.clock)
            process_run(runtime.runs, info, context, self._compiled, concurrency=concurrency, callbacks=[self._tokens])
        except Exception as error:  # a background thread has no caller: record the failure where GET sees it
            logger.exception("campaign run %s failed", job.run_id)
            job.state, job.error = "failed", f"{type(error).__name__}: {error}"
            return
        job.state = "finished"

    def close(self) -> None:
        """Close the generation cache this class opened."""
        if self._cache is not None and self._cache is not self._runtime.services.generation_cache:
            self._cache.close()
