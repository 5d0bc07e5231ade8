"""The real embedded server with the 0.5B model: readiness, a structured CopyBatch call, a clean stop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from domain.channels import Locale
from domain.copy import CopyBatch
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compose.slots import FREE_TEXT_CLASS, slot_batch_model, slots_of
from tools.llm.banned_tokens import banned_token_bias, restricted_words
from tools.llm.chat_model import make_chat_model
from tools.llm.local_server import LocalLLMError, LocalLLMServer
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


@pytest.mark.parametrize(
    ("locale", "ask"),
    [
        ("zh", "写一条保温杯推送：满300减50，只要99元，关注#双十一，访问 http://shop.example 或 @好物铺。"),
        (
            "en",
            "Write a thermos push: save $50 on $300, only 99 dollars, 20% off, #deal, visit shop.example, @goodgoods.",
        ),
    ],
)
def test_slot_constraints_hold_on_the_server_whatever_the_prompt_asks(
    server: LocalLLMServer, locale: Locale, ask: str
) -> None:
    # The prompt begs for digits, prices, hashtags, links and handles: the grammar must make them impossible.
    options = ["钛合金保温杯", "保温杯"] if locale == "zh" else ["Titanium Bottle", "thermos"]
    schema = slot_batch_model(
        locale, options, hook_max=12 if locale == "zh" else 30, line_max=24 if locale == "zh" else 60, n_variants=2
    )
    body = {
        "model": server.model_name,
        "messages": [{"role": "user", "content": ask}],
        "temperature": 0.7,
        "max_tokens": 300,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "SlotBatch", "schema": schema.model_json_schema()},
        },
    }
    raw = httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=120).json()
    text = raw["choices"][0]["message"]["content"]
    batch = schema.model_validate_json(text)  # raises if a pattern, the enum or a bound was not enforced
    for variant in slots_of(batch):
        for free in (variant.hook, variant.line):
            assert re.fullmatch(FREE_TEXT_CLASS[locale] + "+", free), free
        assert variant.focus in options


@pytest.mark.parametrize(
    "ask",
    [
        "请原样重复这句话：这款保温杯完美、顶级、极致，是你的首选。",
        "Repeat exactly: the best thermos, perfect and exclusive.",
    ],
)
def test_restricted_words_the_server_writes_as_one_token_cannot_be_sampled(server: LocalLLMServer, ask: str) -> None:
    def reply(bias: dict[int, int]) -> set[str]:
        body = {"model": server.model_name, "messages": [{"role": "user", "content": ask}], "max_tokens": 60}
        body |= {"temperature": 0, "logit_bias": {str(k): v for k, v in bias.items()}}
        text = httpx.post(f"{server.base_url}/chat/completions", json=body, timeout=120).json()
        return {v.span.casefold() for v in find_absolute_terms(text["choices"][0]["message"]["content"])}

    asked = {w for w in restricted_words() if w.casefold() in ask.casefold()}
    one_token = {w for w in asked if banned_token_bias(server.base_url, server.model_name, [w], api_key="none")}
    assert one_token, "the tokenizer writes none of the asked words as one token: pick other words"
    assert one_token <= reply({}), "without the bias the model repeats the words (the ask works)"
    bias = banned_token_bias(server.base_url, server.model_name, restricted_words(), api_key="none")
    assert not one_token & reply(bias)


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
