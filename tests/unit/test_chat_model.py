"""Factory and endpoint wiring, and the usage meter; no model and no network (HTTP is faked in-process)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_openai import ChatOpenAI

from domain.copy import CopyBatch
from tools.llm import chat_model
from tools.llm.chat_model import REPETITION_PENALTY, LLMEndpoint, llm_endpoint, make_chat_model
from tools.llm.usage import UsageMeter
from tools.settings import Settings

BATCH = {"variants": [{"title": "八折好鞋", "body": "运动鞋全场八折，周日截止。", "cta": "立即抢购"}]}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        home=tmp_path,
        llm_base_url=None,
        llm_model="",
        llm_timeout_s=12.5,
        llm_max_retries=3,
        llm_temperature=0.6,
        llm_max_tokens=300,
    )


def test_factory_takes_endpoint_and_settings(settings: Settings) -> None:
    model = make_chat_model("http://llm:8000/v1", "qwen", settings)
    assert isinstance(model, ChatOpenAI)
    assert (model.openai_api_base, model.model_name) == ("http://llm:8000/v1", "qwen")
    assert (model.request_timeout, model.max_retries) == (12.5, 3)
    assert (model.temperature, model.max_tokens) == (0.6, 300)
    override = make_chat_model("http://llm:8000/v1", "qwen", settings, temperature=0.0, max_tokens=64)
    assert (override.temperature, override.max_tokens) == (0.0, 64)  # type: ignore[attr-defined]


class _Stub(BaseHTTPRequestHandler):
    """A loopback stand-in for an OpenAI-compatible server: records request bodies, answers BATCH."""

    sent: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        _Stub.sent.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        body = json.dumps({
            "id": "x", "object": "chat.completion", "created": 0, "model": "qwen",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": json.dumps(BATCH, ensure_ascii=False)}}],
            "usage": {"prompt_tokens": 20, "completion_tokens": 30, "total_tokens": 50},
        }).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def stub_url() -> Iterator[str]:
    _Stub.sent = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_structured_output_sends_strict_json_schema_and_penalty(settings: Settings, stub_url: str) -> None:
    model = make_chat_model(stub_url, "qwen", settings)
    meter = UsageMeter()
    structured = model.with_structured_output(CopyBatch, method="json_schema")
    out = structured.invoke([HumanMessage("写一条推送")], config={"callbacks": [meter]})
    assert out == CopyBatch.model_validate(BATCH)
    (payload,) = _Stub.sent
    fmt = payload["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["strict"] is True
    variant = fmt["json_schema"]["schema"]["$defs"]["CopyVariant"]
    assert variant["properties"]["title"]["maxLength"] == 40
    assert payload["repeat_penalty"] == payload["repetition_penalty"] == REPETITION_PENALTY
    assert (payload["model"], payload["temperature"], payload["max_completion_tokens"]) == ("qwen", 0.6, 300)
    assert (meter.summary().prompt_tokens, meter.summary().completion_tokens) == (20, 30)


def test_a_logit_bias_goes_with_every_request_and_none_without_one(settings: Settings, stub_url: str) -> None:
    make_chat_model(stub_url, "qwen", settings, logit_bias={11: -100}).invoke([HumanMessage("写一条推送")])
    make_chat_model(stub_url, "qwen", settings).invoke([HumanMessage("写一条推送")])
    biased, plain = _Stub.sent
    assert biased["logit_bias"] == {"11": -100} and "logit_bias" not in plain


def test_endpoint_asks_the_server_for_its_model_when_unset(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def fake_get(url: str, **kwargs: Any) -> httpx.Response:
        assert url == "http://vllm:8000/v1/models"
        return httpx.Response(
            200, json={"data": [{"id": "Qwen/Qwen2.5-1.5B-Instruct"}]}, request=httpx.Request("GET", url)
        )

    monkeypatch.setattr(httpx, "get", fake_get)
    remote = settings.model_copy(update={"llm_base_url": "http://vllm:8000/v1/"})
    with llm_endpoint(remote) as endpoint:
        assert endpoint == LLMEndpoint("http://vllm:8000/v1", "Qwen/Qwen2.5-1.5B-Instruct")
    named = remote.model_copy(update={"llm_model": "served-name"})

    def no_get(url: str, **kwargs: Any) -> httpx.Response:
        raise AssertionError("the model name is configured: the server must not be asked")

    monkeypatch.setattr(httpx, "get", no_get)
    with llm_endpoint(named) as endpoint:
        assert endpoint.model == "served-name"


class FakeServer:
    """Stands in for LocalLLMServer; records how it was built and whether it was stopped."""

    instances: ClassVar[list[FakeServer]] = []

    def __init__(self, path: Path, name: str, **kwargs: Any) -> None:
        self.path, self.model_name, self.kwargs, self.stopped = path, name, kwargs, False
        self.base_url = "http://127.0.0.1:9/v1"
        FakeServer.instances.append(self)

    def __enter__(self) -> FakeServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped = True


@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> type[FakeServer]:
    FakeServer.instances = []
    monkeypatch.setattr(chat_model, "ensure_weights", lambda model, cache_dir: cache_dir / f"{model}.gguf")
    monkeypatch.setattr(chat_model, "LocalLLMServer", FakeServer)
    return FakeServer


def test_embedded_endpoint_starts_and_stops_the_server_even_on_error(
    settings: Settings, fake_server: type[FakeServer]
) -> None:
    local = settings.model_copy(update={"embedded_model": "qwen2.5-coder-0.5b", "embedded_parallel": 3})
    seen: list[LLMEndpoint] = []

    def interrupted_run() -> None:
        with llm_endpoint(local) as endpoint:
            seen.append(endpoint)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_run()
    assert seen == [LLMEndpoint("http://127.0.0.1:9/v1", "qwen2.5-coder-0.5b")]
    (server,) = fake_server.instances
    assert server.stopped
    assert server.path == settings.model_cache_dir / "qwen2.5-coder-0.5b.gguf"
    assert server.kwargs["n_parallel"] == 3 and server.kwargs["ctx_per_slot"] == settings.embedded_ctx_per_slot


def test_usage_meter_counts_calls_tokens_and_latency() -> None:
    replies = [AIMessage("a", usage_metadata={"input_tokens": 10, "output_tokens": n, "total_tokens": 10 + n})
               for n in (4, 6, 8)]  # fmt: skip
    model = GenericFakeChatModel(messages=iter(replies))
    meter = UsageMeter()
    for _ in replies:
        model.invoke("hi", config={"callbacks": [meter]})
    summary = meter.summary()
    assert (summary.calls, summary.errors, summary.prompt_tokens, summary.completion_tokens) == (3, 0, 30, 18)
    assert 0 < summary.p50_latency_s <= summary.p95_latency_s <= summary.total_seconds
    assert summary.tokens_per_s > 0 and summary.tokens_per_s_per_call > 0
    assert "3 LLM calls" in summary.line()


def test_usage_meter_counts_errors_apart() -> None:
    model = GenericFakeChatModel(messages=iter([]))
    meter = UsageMeter()
    with pytest.raises(StopIteration):
        model.invoke("hi", config={"callbacks": [meter]})
    assert (meter.summary().calls, meter.summary().errors) == (0, 1)
