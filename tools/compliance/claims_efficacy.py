"""Effects on the body or on health that the catalog does not state: treating disease, medical terms, efficacy.

A 1.5B model selling a thermos wrote 「保护你的皮肤」; asked for warmth, small models reach for 增强免疫力,
排毒 and "boosts your immune system". No ordinary product may claim to treat or prevent disease (PRC
Advertising Law Art. 17), and an effect is a claim that needs evidence (Art. 28; cosmetics: Cosmetics
Supervision Regulation Art. 43). The catalog is the only evidence the system holds: an effect an in-scope
catalog title states (补水 for 补水修护面膜, brightening for a Brightening Serum) is allowed, any other is
blocked. The terms and the decisions behind them: data/efficacy_terms.yaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import Any, cast

from domain.review import Violation
from tools.compliance.facts import OfferFacts
from tools.compliance.rule_data import rule_data
from tools.compliance.stated_terms import StatedRule, StatedTerm, compile_terms, stated_violations, unstated_hits
from tools.compliance.textutil import Claimed

_RULE = StatedRule(
    code="CLAIM_EFFICACY",
    claims="claims an effect on the body or on health",
    instead="describe how the product is used or feels, not what it does for health",
    citation="PRC Advertising Law Art. 17 (no disease treatment or medical terms outside medical ads) and Art. 28 "
    "(a product's function and effect must be stated truly)",
)


@functools.cache
def _data() -> dict[str, list[Any]]:
    return cast(dict[str, list[Any]], rule_data("efficacy_terms"))


def decode_banned_effects() -> list[str]:
    """Medical and disease words the copywriter's requests bias against at decode time (data file's decode_ban)."""
    return [str(w) for w in _data()["decode_ban"]]


@functools.cache
def efficacy_terms() -> tuple[StatedTerm, ...]:
    """The term list of data/efficacy_terms.yaml."""
    return compile_terms(_data()["terms"])


def unstated_effects(folded: str, titles: Sequence[str]) -> Iterator[tuple[StatedTerm, re.Match[str]]]:
    """Each effect claim in `folded` (full-width folded text) that none of the catalog `titles` states."""
    return unstated_hits(efficacy_terms(), folded, titles)


def check_efficacy(text: str, folded: str, facts: OfferFacts, claimed: Claimed) -> list[Violation]:
    """Flag effects on the body or on health that no in-scope catalog title states."""
    return stated_violations(_RULE, unstated_effects(folded, facts.item_titles), text, claimed)
