"""Environmental claims the catalog does not state: eco-friendly, 环保, recyclable, carbon neutral, organic.

A 1.5B model selling a titanium thermos wrote 「钛合金保温杯是环保又实用的好选择」 (a campaign run on the
held-out shop). A generic green claim needs evidence the system does not hold (PRC Advertising Law Art. 4
and 28; EU Directive 2024/825; FTC Green Guides): an environmental claim an in-scope catalog title states
(可降解 for 可降解竹纤维餐盒) is allowed, any other is blocked. Terms and decisions: data/green_terms.yaml.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence

from domain.review import Violation
from tools.compliance.facts import OfferFacts
from tools.compliance.rule_data import rule_data
from tools.compliance.stated_terms import StatedRule, StatedTerm, compile_terms, stated_violations, unstated_hits
from tools.compliance.textutil import Claimed

_RULE = StatedRule(
    code="CLAIM_GREEN",
    claims="is an environmental claim",
    instead="say what the product is made of or how it is used, not that it is green",
    citation="PRC Advertising Law Art. 4 and 28 (no misleading claims; a product's performance stated truly); "
    "EU Directive 2024/825 and FTC Green Guides 16 CFR 260 (environmental claims need substantiation)",
)


@functools.cache
def green_terms() -> tuple[StatedTerm, ...]:
    """The term list of data/green_terms.yaml."""
    return compile_terms(rule_data("green_terms")["terms"])


def unstated_green_claims(folded: str, titles: Sequence[str]) -> Iterator[tuple[StatedTerm, re.Match[str]]]:
    """Each environmental claim in `folded` (full-width folded text) that none of the catalog `titles` states."""
    return unstated_hits(green_terms(), folded, titles)


def check_green(text: str, folded: str, facts: OfferFacts, claimed: Claimed) -> list[Violation]:
    """Flag environmental claims that no in-scope catalog title states."""
    return stated_violations(_RULE, unstated_green_claims(folded, facts.item_titles), text, claimed)
