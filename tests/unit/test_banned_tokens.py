"""Restricted words as a logit bias: token ids asked of the server, only single-token spellings banned."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import httpx
import pytest

from domain.offer import Offer
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compliance.claims_efficacy import check_efficacy
from tools.compliance.facts import OfferFacts
from tools.compliance.textutil import Claimed
from tools.llm.banned_tokens import BAN, banned_token_bias, restricted_words, server_root, spellings

VOCABULARY = {"完美": [11], "顶级": [21, 22], "best": [31], "Best": [32], " best": [33], " Best": [34, 35]}
"""A stand-in tokenizer: 顶级 and " Best" take two tokens, so they cannot be banned as one id."""
START = datetime(2026, 11, 1, tzinfo=UTC)


def tokenizer(seen: list[dict[str, object]]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path != "/tokenize":
            return httpx.Response(404)
        body = json.loads(request.content)
        seen.append(body)
        return httpx.Response(200, json={"tokens": VOCABULARY.get(str(body["content"]), [90, 91])})

    return httpx.MockTransport(handle)


def test_single_token_spellings_are_banned_and_split_ones_left_to_the_rules() -> None:
    seen: list[dict[str, object]] = []
    bias = banned_token_bias(
        "http://llm:8080/v1", "qwen", ["完美", "顶级", "best"], api_key="k", transport=tokenizer(seen)
    )
    assert bias == {11: BAN, 31: BAN, 32: BAN, 33: BAN}
    # llama.cpp reads `content`, vLLM `prompt`: one body serves both, without special tokens.
    assert all(b["content"] == b["prompt"] and b["add_special"] is False for b in seen)


def test_a_server_without_a_tokenizer_gets_no_bias_and_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    no_tokenizer = httpx.MockTransport(lambda _: httpx.Response(404))
    with caplog.at_level(logging.WARNING):
        bias = banned_token_bias("http://llm:8080/v1", "qwen", ["完美"], api_key="k", transport=no_tokenizer)
    assert bias == {} and "no usable /tokenize" in caplog.text


def test_vllm_token_lists_of_plain_ids_are_read_too() -> None:
    plain = httpx.MockTransport(lambda _: httpx.Response(200, json={"count": 1, "tokens": [7]}))
    assert banned_token_bias("http://llm:8000/v1/", "qwen", ["完美"], api_key="k", transport=plain) == {7: BAN}


def test_the_words_are_restricted_terms_and_their_running_text_spellings() -> None:
    words = restricted_words()
    assert {"完美", "顶级", "best"} <= set(words) and "最" not in words
    assert {"治疗", "免疫", "detox"} <= set(words)
    # Every word is one the rules block: an absolute term, or an effect no catalog title states.
    facts = OfferFacts(offer=Offer(kind="percent_off", percent_off=20), starts_at=START, ends_at=START)
    assert all(find_absolute_terms(w) or check_efficacy(w, w, facts, Claimed()) for w in words)
    assert spellings("best") == [" Best", " best", "Best", "best"] and spellings("完美") == ["完美"]
    assert server_root("http://llm:8000/v1/") == "http://llm:8000"
