"""The one chat-model factory, and the endpoint it talks to: the embedded model or any OpenAI-compatible server.

The embedded llama.cpp server and vLLM (``vllm serve``) speak the same API: only the base URL and the
model name differ, so every agent gets its model from ``make_chat_model``.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from langchain_core.language_models import BaseChatModel
from langchain_openai import ChatOpenAI

from tools.llm.local_server import LocalLLMServer
from tools.llm.supervisor import SupervisedProcess, free_loopback_port
from tools.llm.weights import ensure_weights
from tools.settings import Settings

# A streamed structured output (agents/draft_stream.py) goes through the openai client's parsing stream, whose
# chunks pydantic warns about on every dump (their `parsed` field is typed None but holds the answer so far).
warnings.filterwarnings(
    "ignore",
    message=r"Pydantic serializer warnings:\s+PydanticSerializationUnexpectedValue"
    r"\(Expected `none`[^\[]*\[field_name='parsed'",
    category=UserWarning,
)

#: Nucleus sampling that Qwen2.5 recommends for chat; a standard OpenAI field every server honours.
TOP_P = 0.8
#: Multiplicative repetition penalty. Small models loop without one. llama.cpp reads ``repeat_penalty``
#: (over the last 64 tokens), vLLM reads ``repetition_penalty``; each server ignores the other's name.
REPETITION_PENALTY = 1.1


@dataclass(frozen=True)
class LLMEndpoint:
    """An OpenAI-compatible endpoint: base URL (ending in ``/v1``) and the model name to request."""

    base_url: str
    model: str


def make_chat_model(
    base_url: str,
    model: str,
    settings: Settings,
    *,
    temperature: float | None = None,
    max_tokens: int | None = None,
    logit_bias: dict[int, int] | None = None,
    http_client: httpx.Client | None = None,
) -> BaseChatModel:
    """A chat model for ``model`` at ``base_url``; temperature and max_tokens default to the settings.

    `logit_bias` maps token ids to a bias sent with every request (tools/llm/banned_tokens.py).
    `http_client` lets a caller watch the exact requests (a benchmark replays them against the raw server).
    """
    return ChatOpenAI(
        base_url=base_url,
        model=model,
        api_key=settings.llm_api_key,
        temperature=settings.llm_temperature if temperature is None else temperature,
        max_completion_tokens=settings.llm_max_tokens if max_tokens is None else max_tokens,
        top_p=TOP_P,
        logit_bias=logit_bias or None,
        extra_body={"repeat_penalty": REPETITION_PENALTY, "repetition_penalty": REPETITION_PENALTY},
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        stream_usage=True,
        http_client=http_client,
    )


def first_model_id(base_url: str, settings: Settings) -> str:
    """The first model id that ``GET {base_url}/models`` lists; raises RuntimeError when there is none."""
    headers = {"Authorization": f"Bearer {settings.llm_api_key.get_secret_value()}"}
    try:
        response = httpx.get(f"{base_url.rstrip('/')}/models", headers=headers, timeout=settings.llm_timeout_s)
        response.raise_for_status()
        models = response.json().get("data") or []
    except (httpx.HTTPError, ValueError) as exc:
        raise RuntimeError(f"cannot list models at {base_url}: {exc}; check PROMO_LLM_BASE_URL") from exc
    if not models:
        raise RuntimeError(f"{base_url}/models lists no model; set PROMO_LLM_MODEL to the served model name")
    return str(models[0]["id"])


@contextmanager
def llm_endpoint(
    settings: Settings, progress: Callable[[str], None] | None = None, *, own_process: bool = False
) -> Iterator[LLMEndpoint]:
    """Yield the endpoint to use: ``settings.llm_base_url`` if set, else a freshly started embedded server.

    own_process: run the embedded server in a supervised child process that is restarted when it dies (the
    service); otherwise in this process (a CLI run, which ends with it). Stopped on exit, also on errors.
    """
    say = progress or (lambda _msg: None)
    if settings.llm_base_url:
        model = settings.llm_model or first_model_id(settings.llm_base_url, settings)
        say(f"using {model} at {settings.llm_base_url}")
        yield LLMEndpoint(base_url=settings.llm_base_url.rstrip("/"), model=model)
        return
    name = settings.embedded_model
    say(f"checking weights for {name}")
    path = ensure_weights(name, settings.model_cache_dir)
    say(f"starting embedded {name} ({settings.embedded_parallel} slots{', own process' if own_process else ''})")
    if own_process:
        with supervised_embedded_model(settings, path, name) as endpoint:
            say(f"{name} ready at {endpoint.base_url}")
            yield endpoint
        return
    server = LocalLLMServer(
        path,
        name,
        n_parallel=settings.embedded_parallel,
        ctx_per_slot=settings.embedded_ctx_per_slot,
        threads=settings.embedded_threads,
        repeat_penalty=REPETITION_PENALTY,
    )
    with server:
        say(f"{name} ready at {server.base_url}")
        yield LLMEndpoint(base_url=server.base_url, model=server.model_name)


@contextmanager
def supervised_embedded_model(settings: Settings, path: Path, name: str) -> Iterator[LLMEndpoint]:
    """The embedded model in `tools.llm.embedded_process`, restarted with backoff whenever it exits."""
    port = free_loopback_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    command = [sys.executable, "-m", "tools.llm.embedded_process", "--model-path", str(path), "--name", name]
    command += ["--port", str(port), "--parallel", str(settings.embedded_parallel)]
    command += ["--ctx-per-slot", str(settings.embedded_ctx_per_slot), "--threads", str(settings.embedded_threads)]
    command += ["--repeat-penalty", str(REPETITION_PENALTY)]

    def ready() -> bool:
        try:
            return httpx.get(f"{base_url}/models", timeout=2.0).status_code == 200
        except httpx.HTTPError:
            return False

    with SupervisedProcess(command, ready, name=f"embedded model {name}"):
        yield LLMEndpoint(base_url=base_url, model=name)
