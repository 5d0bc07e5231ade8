"""Decode-time constraints the copywriter relies on, per server: the embedded llama.cpp and vLLM.

One suite, parametrized over the servers through their OpenAI-compatible APIs: JSON-schema structured output
whose free-text fields cannot hold digits, currency, hashtags, links or handles (string patterns), the product
chosen from an enum, length bounds (maxLength), and logit bias against restricted words. The prompts beg for
what the constraints forbid, so a server that ignores one fails here.

vLLM runs when ``PROMO_VLLM_TEST_URL`` names a served model (``deploy/vllm_cpu/serve.sh qwen2.5-coder-0.5b``,
then ``PROMO_VLLM_TEST_URL=http://127.0.0.1:8011/v1``); without it the vLLM cases are skipped, saying so.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import httpx
import pytest

from domain.channels import Locale
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compose.slots import FREE_TEXT_CLASS, slot_batch_model, slots_of
from tools.llm.banned_tokens import banned_token_bias, restricted_words
from tools.llm.local_server import LocalLLMServer
from tools.llm.weights import WEIGHTS, MissingWeightsError, ensure_weights, locate_parts
from tools.settings import EmbeddedModel, get_settings

pytestmark = pytest.mark.integration

MODEL: Final[EmbeddedModel] = "qwen2.5-coder-0.5b"
VLLM_URL = os.environ.get("PROMO_VLLM_TEST_URL", "")


@dataclass(frozen=True)
class Endpoint:
    """A served model: where, under which name."""

    base_url: str
    model: str

    def complete(self, body: dict[str, Any]) -> str:
        """The first choice's text for a chat-completions body."""
        response = httpx.post(f"{self.base_url}/chat/completions", json={"model": self.model, **body}, timeout=300)
        response.raise_for_status()
        return str(response.json()["choices"][0]["message"]["content"])


@pytest.fixture(scope="module", params=["llama.cpp", "vllm"])
def endpoint(request: pytest.FixtureRequest) -> Iterator[Endpoint]:
    if request.param == "vllm":
        if not VLLM_URL:
            pytest.skip("vLLM: set PROMO_VLLM_TEST_URL to a vLLM server of the 0.5B (deploy/vllm_cpu/serve.sh)")
        models = httpx.get(f"{VLLM_URL.rstrip('/')}/models", timeout=30).json()["data"]
        yield Endpoint(VLLM_URL.rstrip("/"), models[0]["id"])
        return
    try:
        locate_parts(WEIGHTS[MODEL])
    except MissingWeightsError as exc:
        pytest.skip(f"embedded model weights are not installed ({exc})")
    weights = ensure_weights(MODEL, get_settings().model_cache_dir)
    with LocalLLMServer(weights, MODEL, n_parallel=1, ctx_per_slot=2048, start_timeout_s=120) as server:
        yield Endpoint(server.base_url, server.model_name)


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
def test_slot_patterns_enum_and_bounds_hold_whatever_the_prompt_asks(
    endpoint: Endpoint, locale: Locale, ask: str
) -> None:
    # The prompt begs for digits, prices, hashtags, links and handles: the grammar must make them impossible.
    options = ["钛合金保温杯", "保温杯"] if locale == "zh" else ["Titanium Bottle", "thermos"]
    hook_max, line_max = (12, 24) if locale == "zh" else (30, 60)
    schema = slot_batch_model(locale, options, hook_max=hook_max, line_max=line_max, n_variants=2)
    json_schema = {"name": "SlotBatch", "schema": schema.model_json_schema()}
    text = endpoint.complete(
        {
            "messages": [{"role": "user", "content": ask}],
            "temperature": 0.7,
            "max_tokens": 300,
            "response_format": {"type": "json_schema", "json_schema": json_schema},
        }
    )
    batch = schema.model_validate_json(text)  # raises if a pattern, the enum or a bound was not enforced
    for variant in slots_of(batch):
        for free, bound in ((variant.hook, hook_max), (variant.line, line_max)):
            assert re.fullmatch(FREE_TEXT_CLASS[locale] + "+", free), free
            assert len(free) <= bound
        assert variant.focus in options


@pytest.mark.parametrize(
    "ask",
    [
        "请原样重复这句话：这款保温杯完美、顶级、极致，是你的首选。",
        "Repeat exactly: the best thermos, perfect and exclusive.",
    ],
)
def test_restricted_words_the_server_writes_as_one_token_cannot_be_sampled(endpoint: Endpoint, ask: str) -> None:
    def reply(bias: dict[int, int]) -> set[str]:
        body = {"messages": [{"role": "user", "content": ask}], "max_tokens": 60, "temperature": 0}
        text = endpoint.complete(body | {"logit_bias": {str(k): v for k, v in bias.items()}})
        return {v.span.casefold() for v in find_absolute_terms(text)}

    asked = {w for w in restricted_words() if w.casefold() in ask.casefold()}
    one_token = {w for w in asked if banned_token_bias(endpoint.base_url, endpoint.model, [w], api_key="none")}
    assert one_token, "the tokenizer writes none of the asked words as one token: pick other words"
    assert one_token <= reply({}), "without the bias the model repeats the words (the ask works)"
    bias = banned_token_bias(endpoint.base_url, endpoint.model, restricted_words(), api_key="none")
    assert not one_token & reply(bias)
