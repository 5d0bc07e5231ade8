"""Prometheus metrics, one registry per app: requests, latency, in-flight work, rejections, LLM tokens."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.outputs import LLMResult
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from tools.llm.usage import token_usage

LATENCY_BUCKETS = (0.005, 0.025, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0)


class ServiceMetrics:
    """The service's instruments; render them with `text()`."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "promo_http_requests", "HTTP requests by route and status.", ["method", "route", "status"], registry=r
        )
        self.latency = Histogram(
            "promo_http_request_duration_seconds",
            "Time from request to the last byte of the response.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("promo_http_requests_in_flight", "HTTP requests being served.", registry=r)
        self.jobs_running = Gauge("promo_jobs_running", "Admitted jobs holding a slot.", ["pool"], registry=r)
        self.jobs_waiting = Gauge("promo_jobs_waiting", "Jobs queued for a slot.", ["pool"], registry=r)
        self.rejected = Counter(
            "promo_rejected", "Requests refused by admission control.", ["pool", "reason"], registry=r
        )
        self.llm_calls = Counter("promo_llm_calls", "LLM calls made for promotions and runs.", registry=r)
        self.llm_tokens = Counter("promo_llm_tokens", "LLM tokens used, by kind.", ["kind"], registry=r)

    def text(self) -> bytes:
        """Everything in the Prometheus text exposition format."""
        return generate_latest(self.registry)


class TokenMetrics(BaseCallbackHandler):
    """A LangChain callback that counts LLM calls and tokens into the service metrics."""

    run_inline = True

    def __init__(self, metrics: ServiceMetrics) -> None:
        self._metrics = metrics

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        """Count one finished call and its tokens."""
        prompt, completion = token_usage(response)
        self._metrics.llm_calls.inc()
        self._metrics.llm_tokens.labels("prompt").inc(prompt)
        self._metrics.llm_tokens.labels("completion").inc(completion)
