"""Deterministic repair of a slot before it is rendered, instead of an LLM rewrite.

A slot that ran into its length bound was cut by the grammar mid-phrase: it is taken back to its last
complete clause, and English loses a dangling function word ("... where we have").
"""

from __future__ import annotations

import re

from domain.channels import Locale
from tools.compliance.absolute_terms import find_absolute_terms

_CLAUSE_END: dict[Locale, str] = {"zh": "，！？、；", "en": ",!?;"}
_DANGLING_EN = re.compile(
    r"(?:\s+(?:a|an|and|are|as|at|by|for|from|have|in|is|of|on|or|our|the|to|we|where|which|while|with|your))+$",
    re.IGNORECASE,
)
KEEP_AT_LEAST = 0.5
"""A cut may drop at most half of the slot; shorter leftovers read worse than the cut phrase."""


def tidy_slot(text: str, locale: Locale, max_length: int) -> str:
    """`text` ending on a whole clause when it filled its bound; unchanged when it ended on its own."""
    text = " ".join(text.split())
    if locale == "en":
        text = _DANGLING_EN.sub("", text)
    if len(text) < max_length - 1:
        return text
    ends = [i for i, ch in enumerate(text) if ch in _CLAUSE_END[locale]]
    cut = max((i for i in ends if i >= len(text) * KEEP_AT_LEAST), default=None)
    if cut is None:
        return text
    trimmed = text[:cut]
    return _DANGLING_EN.sub("", trimmed) if locale == "en" else trimmed


NEUTRAL: dict[Locale, dict[str, str]] = {
    "zh": {
        "完美": "理想",
        "极致": "出色",
        "独家": "特别",
        "顶级": "优质",
        "极品": "优质",
        "最佳": "理想",
        "万能": "好用",
    },
    "en": {
        "best": "great",
        "perfect": "great",
        "ultimate": "great",
        "exclusive": "special",
        "unbeatable": "great",
        "unrivaled": "great",
        "flawless": "smooth",
    },
}
"""Plain words for the absolute terms small models reach for most (seen in drafts of both models)."""


def _clauses(text: str, locale: Locale) -> list[str]:
    return [c for c in re.split(f"(?<=[{re.escape(_CLAUSE_END[locale])}])", text) if c.strip()]


def drop_absolute_terms(text: str, locale: Locale) -> str:
    """`text` with each restricted absolute term replaced by a plain word, or its clause dropped.

    A term with no plain word takes its clause with it when other clauses remain; otherwise the text is
    returned as it is and the rules send it back for a rewrite.
    """
    for violation in find_absolute_terms(text):
        span = violation.span
        plain = NEUTRAL[locale].get(span.casefold())
        if plain is not None:
            plain = plain.capitalize() if span[:1].isupper() else plain
            text = text.replace(span, plain, 1)
            continue
        kept = [c for c in _clauses(text, locale) if span not in c]
        if kept:
            text = "".join(kept)
    return text.strip(" ,，")
