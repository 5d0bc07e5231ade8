"""The real embedded server with the 0.5B model: readiness, a structured CopyBatch call, a clean stop."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from domain.copy import CopyBatch
from tools.llm.chat_model import make_chat_model, supervised_embedded_model
from tools.llm.local_server import LocalLLMError, LocalLLMServer
from tools.llm.supervisor import child_pids
from tools.llm.weights import WEIGHTS, MissingWeightsError, ensure_weights, locate_parts
from tools.settings import EmbeddedModel, Settings, get_settings

pytestmark = pytest.mark.integration

MODEL: Final[EmbeddedModel] = "qwen2.5-coder-0.5b"


@pytest.fixture(scope="module")
def weights() -> Path:
    try:
        locate_parts(WEIGHTS[MODEL])
    except MissingWeightsError as exc:
        pytest.skip(f"embedded model weights are not installed ({exc})")
    return ensure_weights(MODEL, get_settings().model_cache_dir)


@pytest.fixture(scope="module")
def server(weights: Path) -> Iterator[LocalLLMServer]:
    with LocalLLMServer(weights, MODEL, n_parallel=1, ctx_per_slot=2048, start_timeout_s=120) as srv:
        yield srv


def test_models_lists_the_served_name(server: LocalLLMServer) -> None:
    assert server.base_url.startswith("http://127.0.0.1:") and server.base_url.endswith("/v1")
    response = httpx.get(f"{server.base_url}/models", timeout=10)
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["data"]] == [MODEL]


def test_structured_copy_batch(server: LocalLLMServer) -> None:
    settings = Settings(llm_timeout_s=120, llm_max_retries=0, llm_max_tokens=400)
    model = make_chat_model(server.base_url, server.model_name, settings, temperature=0.2)
    batch = model.with_structured_output(CopyBatch, method="json_schema").invoke(
        [
            SystemMessage("You write short e-commerce push messages. Use only the offer given."),
            HumanMessage("Write 1 push message for a user who viewed running shoes. Offer: 20% off, ends Sunday."),
        ]
    )
    assert isinstance(batch, CopyBatch)
    assert batch.variants and all(v.title.strip() and v.body.strip() for v in batch.variants)


def test_stop_frees_the_port(weights: Path) -> None:
    srv = LocalLLMServer(weights, MODEL, n_parallel=1, ctx_per_slot=512)
    srv.start()
    url = srv.base_url
    assert httpx.get(f"{url}/models", timeout=10).status_code == 200
    srv.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/models", timeout=5)
    with pytest.raises(LocalLLMError, match="not running"):
        _ = srv.base_url


def test_unloadable_file_gives_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"not a gguf" * 1000)
    with pytest.raises(LocalLLMError, match="valid GGUF"):
        LocalLLMServer(bad, "bad").start()
    with pytest.raises(LocalLLMError, match="ensure_weights"):
        LocalLLMServer(tmp_path / "missing.gguf", "missing").start()


def model_children() -> list[int]:
    """Process ids of this process's children that run the embedded model."""
    return child_pids(os.getpid(), "tools.llm.embedded_process")


def test_the_model_in_its_own_process_comes_back_after_a_kill_and_writes_again(weights: Path) -> None:
    settings = Settings(
        _env_file=None, embedded_parallel=1, embedded_ctx_per_slot=2048, llm_timeout_s=120, llm_max_tokens=64
    )
    with supervised_embedded_model(settings, weights, MODEL) as endpoint:
        models = f"{endpoint.base_url}/models"
        assert httpx.get(models, timeout=10).status_code == 200
        (child,) = model_children()
        os.kill(child, signal.SIGKILL)  # the model dies as it would on an out-of-memory kill
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # restarted after its backoff, on the same port
            try:
                if model_children() not in ([], [child]) and httpx.get(models, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        model = make_chat_model(endpoint.base_url, endpoint.model, settings, temperature=0.0)
        answer = model.invoke([HumanMessage(content="Say OK.")])
        assert str(answer.content).strip()
        (again,) = model_children()
        assert again != child
    assert model_children() == [], "stopped with the block"
