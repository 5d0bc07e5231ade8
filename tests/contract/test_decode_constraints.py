"""Decode-time constraints the copywriter relies on, per server: the embedded llama.cpp and vLLM.

One suite, parametrized over the servers through their OpenAI-compatible APIs: JSON-schema structured output
whose free-text fields cannot hold digits, currency, hashtags, links or handles (string patterns), the product
chosen from an enum, length bounds (maxLength), and logit bias against restricted words. The prompts beg for
what the constraints forbid, so a server that ignores one fails here.

The servers and when the vLLM cases run: tests/contract/servers.py.
"""

from __future__ import annotations

import re

import pytest

from domain.channels import Locale
from tests.contract.servers import Endpoint
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compose.slots import FREE_TEXT_CLASS, lead_of, slot_batch_model, slots_of
from tools.llm.banned_tokens import banned_token_bias, restricted_words

pytestmark = pytest.mark.integration


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
        lead = lead_of(variant.line, options)  # the line opens with a catalog name, then free text
        assert lead is not None, variant.line
        for free, bound in ((variant.hook, hook_max), (variant.line[len(lead) :], line_max - len(lead))):
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
