"""A LangChain callback that meters LLM calls as the caller sees them: latency, tokens, tokens per second.

Attach it per run: ``graph.invoke(inputs, config={"callbacks": [meter]})``; read ``meter.summary()`` after.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, LLMResult

from tools.stats import percentile


@dataclass(frozen=True)
class UsageSummary:
    """Totals over the metered calls. Latencies are per call, end to end, in seconds."""

    calls: int
    errors: int
    prompt_tokens: int
    completion_tokens: int
    total_seconds: float
    wall_seconds: float
    p50_latency_s: float
    p95_latency_s: float
    tokens_per_s: float
    tokens_per_s_per_call: float

    def line(self) -> str:
        """One human-readable line, for logs and CLI output."""
        return (
            f"{self.calls} LLM calls ({self.errors} failed), {self.completion_tokens} completion tokens, "
            f"p50 {self.p50_latency_s:.2f}s p95 {self.p95_latency_s:.2f}s, "
            f"{self.tokens_per_s:.1f} tok/s aggregate, {self.tokens_per_s_per_call:.1f} tok/s per call"
        )


def token_usage(response: LLMResult) -> tuple[int, int]:
    """(prompt, completion) tokens of one response: the message's usage metadata, else the provider's."""
    prompt = completion = 0
    for generation in (g for gens in response.generations for g in gens):
        message = generation.message if isinstance(generation, ChatGeneration) else None
        if isinstance(message, AIMessage) and message.usage_metadata:
            prompt += message.usage_metadata.get("input_tokens", 0)
            completion += message.usage_metadata.get("output_tokens", 0)
    if prompt or completion:
        return prompt, completion
    usage = (response.llm_output or {}).get("token_usage") or {}
    return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)


class UsageMeter(BaseCallbackHandler):
    """Counts LLM calls, tokens and per-call latency; safe to share across threads and async tasks."""

    run_inline = True

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: dict[UUID, float] = {}
        self._latencies: list[float] = []
        self._completion_per_call: list[int] = []
        self._errors = 0
        self._prompt_tokens = 0
        self._first_start: float | None = None
        self._last_end: float | None = None

    def _start(self, run_id: UUID) -> None:
        now = time.perf_counter()
        with self._lock:
            self._started[run_id] = now
            self._first_start = now if self._first_start is None else min(self._first_start, now)

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[BaseMessage]], *, run_id: UUID, **kwargs: Any
    ) -> None:
        """Note the start time of a chat-model call."""
        self._start(run_id)

    def on_llm_start(self, serialized: dict[str, Any], prompts: list[str], *, run_id: UUID, **kwargs: Any) -> None:
        """Note the start time of a completion-model call."""
        self._start(run_id)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        """Record the call's latency and its token usage."""
        now = time.perf_counter()
        prompt, completion = token_usage(response)
        with self._lock:
            started = self._started.pop(run_id, None)
            if started is None:
                return
            self._latencies.append(now - started)
            self._completion_per_call.append(completion)
            self._prompt_tokens += prompt
            self._last_end = now if self._last_end is None else max(self._last_end, now)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        """Count a failed call (not included in latency or tokens)."""
        with self._lock:
            if self._started.pop(run_id, None) is not None:
                self._errors += 1

    def summary(self) -> UsageSummary:
        """A snapshot of everything metered so far."""
        with self._lock:
            latencies, completions = sorted(self._latencies), list(self._completion_per_call)
            per_call = [c / t for c, t in zip(self._completion_per_call, self._latencies, strict=True) if t > 0]
            ends = (self._first_start, self._last_end)
            wall = ends[1] - ends[0] if ends[0] is not None and ends[1] is not None else 0.0
            errors, prompt_tokens = self._errors, self._prompt_tokens
        completion_tokens = sum(completions)
        return UsageSummary(
            calls=len(latencies),
            errors=errors,
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            total_seconds=sum(latencies),
            wall_seconds=wall,
            p50_latency_s=percentile(latencies, 0.50) or 0.0,
            p95_latency_s=percentile(latencies, 0.95) or 0.0,
            tokens_per_s=completion_tokens / wall if wall > 0 else 0.0,
            tokens_per_s_per_call=sum(per_call) / len(per_call) if per_call else 0.0,
        )
