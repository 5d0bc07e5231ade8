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
from dataclasses import dataclass
from typing import Any, cast

from domain.review import Violation
from tools.compliance.claim_finding import claim_violation
from tools.compliance.facts import OfferFacts
from tools.compliance.rule_data import rule_data
from tools.compliance.textutil import Claimed

_I = re.IGNORECASE
_CITATION = (
    "PRC Advertising Law Art. 17 (no disease treatment or medical terms outside medical ads) and Art. 28 "
    "(a product's function and effect must be stated truly)"
)


@dataclass(frozen=True)
class EfficacyTerm:
    """One effect claim, compiled: what it matches, what it spares, what a title must hold to allow it."""

    label: str
    pattern: re.Pattern[str]
    exceptions: tuple[re.Pattern[str], ...]
    stated: re.Pattern[str] | None
    """Words a catalog title must hold to allow a hit; None: the hit itself."""


@functools.cache
def _data() -> dict[str, list[Any]]:
    return cast(dict[str, list[Any]], rule_data("efficacy_terms"))


def decode_banned_effects() -> list[str]:
    """Medical and disease words the copywriter's requests bias against at decode time (data file's decode_ban)."""
    return [str(w) for w in _data()["decode_ban"]]


@functools.cache
def efficacy_terms() -> tuple[EfficacyTerm, ...]:
    """The term list of data/efficacy_terms.yaml."""
    terms = []
    for entry in _data()["terms"]:
        if isinstance(entry, str):
            entry = {"pattern": re.escape(entry), "label": entry}
        stated = entry.get("stated")
        terms.append(
            EfficacyTerm(
                label=str(entry["label"]),
                pattern=re.compile(str(entry["pattern"]), _I),
                exceptions=tuple(re.compile(e, _I) for e in entry.get("exceptions", [])),
                stated=re.compile(stated, _I) if stated else None,
            )
        )
    return tuple(terms)


def _excepted(term: EfficacyTerm, folded: str, start: int, end: int) -> bool:
    return any(m.start() <= start and end <= m.end() for ex in term.exceptions for m in ex.finditer(folded))


def _stated(term: EfficacyTerm, hit: str, titles: Sequence[str]) -> bool:
    """Whether an in-scope catalog title states the effect the hit claims."""
    if term.stated is not None:
        return any(term.stated.search(t) for t in titles)
    return any(hit.lower() in t.lower() for t in titles)


def unstated_effects(folded: str, titles: Sequence[str]) -> Iterator[tuple[EfficacyTerm, re.Match[str]]]:
    """Each effect claim in `folded` (full-width folded text) that none of the catalog `titles` states."""
    for term in efficacy_terms():
        for m in term.pattern.finditer(folded):
            if not _excepted(term, folded, m.start(), m.end()) and not _stated(term, m[0], titles):
                yield term, m


def check_efficacy(text: str, folded: str, facts: OfferFacts, claimed: Claimed) -> list[Violation]:
    """Flag effects on the body or on health that no in-scope catalog title states."""
    found = []
    for term, m in unstated_effects(folded, facts.item_titles):
        if claimed.take(m.start(), m.end()):
            span = text[m.start() : m.end()]
            message = f"“{span}” claims an effect on the body or on health ({term.label}) the catalog does not state."
            hint = f"Remove “{span}”; describe how the product is used or feels, not what it does for health."
            found.append(claim_violation("CLAIM_EFFICACY", span, message, hint, _CITATION))
    return found
