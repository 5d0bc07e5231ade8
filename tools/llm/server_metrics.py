"""Counters an LLM server publishes on `/metrics` (Prometheus text), read before and after a piece of work.

vLLM counts, per engine, the prompt tokens it was sent (`vllm:prompt_tokens_total`), the prompt tokens it
looked up in its prefix cache (`vllm:prefix_cache_queries_total`) and those it found there
(`vllm:prefix_cache_hits_total`): found tokens are prefill it did not compute. Their difference over a campaign
run is what the prefix cache saved on it, by the server's own count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx

from tools.llm.banned_tokens import server_root

PROMPT_TOKENS = "vllm:prompt_tokens_total"
GENERATION_TOKENS = "vllm:generation_tokens_total"
PREFIX_QUERIES = "vllm:prefix_cache_queries_total"
PREFIX_HITS = "vllm:prefix_cache_hits_total"
_SAMPLE = re.compile(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN|[+-]Inf)(\s+\d+)?$")


def parse_counters(text: str) -> dict[str, float]:
    """Every sample of a Prometheus text page, summed over its labels (engines, models), by metric name."""
    totals: dict[str, float] = {}
    for line in text.splitlines():
        found = _SAMPLE.match(line.strip())
        if found is None:  # comments (# HELP, # TYPE) and blank lines
            continue
        value = float(found.group(3))
        if value == value and abs(value) != float("inf"):  # NaN and infinities carry no count
            totals[found.group(1)] = totals.get(found.group(1), 0.0) + value
    return totals


def read_counters(base_url: str, timeout_s: float = 10.0) -> dict[str, float]:
    """The counters at the server root's `/metrics`; {} if none."""
    try:
        response = httpx.get(f"{server_root(base_url)}/metrics", timeout=timeout_s)
    except httpx.HTTPError:
        return {}
    return parse_counters(response.text) if response.status_code == 200 else {}


@dataclass(frozen=True)
class PrefillSaved:
    """Prompt tokens sent over some work, and how many of them the prefix cache served instead of prefill."""

    prompt_tokens: int
    queried: int
    hits: int

    @property
    def hit_rate(self) -> float:
        """Share of looked-up prompt tokens found in the cache."""
        return self.hits / self.queried if self.queried else 0.0

    def line(self) -> str:
        """E.g. `prompt 120,000 tokens; prefix cache found 90,000 of 118,000 looked up (76 %): prefill saved`."""
        return (
            f"prompt {self.prompt_tokens:,} tokens; prefix cache found {self.hits:,} of {self.queried:,} looked up "
            f"({self.hit_rate:.0%}): prefill saved"
        )


def prefill_saved(before: dict[str, float], after: dict[str, float]) -> PrefillSaved | None:
    """What the prefix cache saved between two readings; None when the server publishes no such counters."""
    if PREFIX_QUERIES not in after:
        return None

    def grew(name: str) -> int:
        return round(after.get(name, 0.0) - before.get(name, 0.0))

    return PrefillSaved(grew(PROMPT_TOKENS), grew(PREFIX_QUERIES), grew(PREFIX_HITS))
