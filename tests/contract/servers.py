"""The two servers the contract suite runs against, through their OpenAI-compatible APIs.

llama.cpp is the embedded server the project starts itself (the 0.5B from its weight package); vLLM is a server
someone started (``deploy/vllm_cpu/contract.sh`` in CI), named by ``PROMO_VLLM_TEST_URL``. Without the URL the
vLLM cases are skipped, saying so, unless ``PROMO_VLLM_REQUIRED=1`` (CI), where a missing server fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import httpx
import pytest

from tools.llm.local_server import LocalLLMServer
from tools.llm.weights import WEIGHTS, MissingWeightsError, ensure_weights, locate_parts
from tools.settings import EmbeddedModel, get_settings

MODEL: Final[EmbeddedModel] = "qwen2.5-coder-0.5b"
SERVERS: Final = ("llama.cpp", "vllm")
VLLM_URL: Final = os.environ.get("PROMO_VLLM_TEST_URL", "").rstrip("/")
VLLM_REQUIRED: Final = os.environ.get("PROMO_VLLM_REQUIRED") == "1"
NOW: Final = datetime(2026, 11, 2, 12, tzinfo=UTC)
"""The suite's clock: a fixed day, so both servers see the same shop, campaigns and quiet hours."""


@dataclass(frozen=True)
class Endpoint:
    """A served model: which server, where, under which name."""

    server: str
    base_url: str
    model: str

    def complete(self, body: dict[str, Any]) -> str:
        """The first choice's text for a chat-completions body."""
        response = httpx.post(f"{self.base_url}/chat/completions", json={"model": self.model, **body}, timeout=300)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])


def vllm_endpoint() -> Endpoint:
    """The vLLM server under test; skips (or fails, where required) when none is named or it does not answer."""
    if not VLLM_URL:
        reason = "vLLM: set PROMO_VLLM_TEST_URL to a vLLM server of the 0.5B (deploy/vllm_cpu/contract.sh)"
        if VLLM_REQUIRED:
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        models = httpx.get(f"{VLLM_URL}/models", timeout=30).json()["data"]
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        pytest.fail(f"vLLM at {VLLM_URL} does not list its models: {exc}")
    return Endpoint("vllm", VLLM_URL, str(models[0]["id"]))


@contextmanager
def llama_endpoint(n_parallel: int = 4) -> Iterator[Endpoint]:
    """The embedded llama.cpp server with the 0.5B, started for the caller and stopped on exit."""
    try:
        locate_parts(WEIGHTS[MODEL])
    except MissingWeightsError as exc:
        pytest.skip(f"embedded model weights are not installed ({exc})")
    weights = ensure_weights(MODEL, get_settings().model_cache_dir)
    with LocalLLMServer(weights, MODEL, n_parallel=n_parallel, ctx_per_slot=2048, start_timeout_s=120) as server:
        yield Endpoint("llama.cpp", server.base_url, server.model_name)


@contextmanager
def endpoint_of(server: str) -> Iterator[Endpoint]:
    """An endpoint of `server` (one of SERVERS) for the length of the block."""
    if server == "vllm":
        yield vllm_endpoint()
        return
    with llama_endpoint() as endpoint:
        yield endpoint
