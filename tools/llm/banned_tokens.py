"""Banned words as token ids: a logit bias for the restricted terms a JSON-schema pattern cannot express.

A character class can ban a character (最, digits, ¥) but not a word made of allowed characters: banning 完
would also ban 完成. Where the server's tokenizer writes a restricted word as one token (完美, 顶级, " best"),
a bias of -100 on that token takes the word out of the model's easy reach at decode time; the word can then
only come out spelled in pieces (完 + 美), which takes a prompt that insists, and repair and the rules still
catch it.

The token ids come from the server itself (``POST /tokenize``, which llama.cpp and vLLM both serve at the
root, beside ``/v1``), so they match the served model whatever it is. A server without the endpoint gets
no bias: the patterns and the rules still hold.
"""

from __future__ import annotations

import logging
import re

import httpx

from tools.compliance.absolute_terms import load_terms
from tools.compliance.claims_efficacy import decode_banned_effects

logger = logging.getLogger(__name__)

BAN = -100
"""The OpenAI API's strongest bias: the token is never sampled."""

_WORD = re.compile(r"[\u3400-\u9fff]{2,}|[A-Za-z][A-Za-z' -]*[A-Za-z]")


def restricted_words() -> list[str]:
    """Restricted terms that are plain words, and the medical words no ordinary product's copy may use.

    最 alone and regex-only entries are left to the patterns; the medical words come from claims_efficacy.
    """
    return [t.label for t in load_terms() if _WORD.fullmatch(t.label)] + decode_banned_effects()


def spellings(word: str) -> list[str]:
    """How a word starts in running text: as is, and for Latin words also capitalized and after a space."""
    if not word.isascii():
        return [word]
    forms = {word, word.capitalize()}
    return sorted(forms | {f" {form}" for form in forms})


def server_root(base_url: str) -> str:
    """The server's root URL: the OpenAI base URL without its trailing ``/v1``."""
    return re.sub(r"/v1/?$", "", base_url.rstrip("/"))


def tokenize(client: httpx.Client, root: str, model: str, text: str) -> list[int]:
    """Token ids of ``text`` as the server reads it; llama.cpp takes ``content``, vLLM ``prompt``."""
    body = {"content": text, "prompt": text, "model": model, "add_special": False, "add_special_tokens": False}
    response = client.post(f"{root}/tokenize", json=body)
    response.raise_for_status()
    tokens = response.json()["tokens"]
    return [int(t["id"]) if isinstance(t, dict) else int(t) for t in tokens]


def banned_token_bias(
    base_url: str,
    model: str,
    words: list[str],
    *,
    api_key: str,
    timeout_s: float = 10.0,
    transport: httpx.BaseTransport | None = None,
) -> dict[int, int]:
    """``{token_id: -100}`` for every spelling of ``words`` the server writes as a single token.

    Returns an empty map, with a warning, when the server has no tokenizer endpoint. `transport` lets a test
    stand in for the server.
    """
    root = server_root(base_url)
    headers = {"Authorization": f"Bearer {api_key}"}
    bias: dict[int, int] = {}
    try:
        with httpx.Client(headers=headers, timeout=timeout_s, transport=transport) as client:
            for word in words:
                for form in spellings(word):
                    ids = tokenize(client, root, model, form)
                    if len(ids) == 1:
                        bias[ids[0]] = BAN
    except (httpx.HTTPError, KeyError, TypeError, ValueError) as error:
        logger.warning("no logit bias for restricted words: %s has no usable /tokenize (%s)", root, error)
        return {}
    return bias
