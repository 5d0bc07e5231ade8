"""Deterministic repair of the slots before they are rendered, instead of an LLM rewrite.

A slot that ran into its length bound was cut by the grammar mid-phrase: it is taken back to its last
complete clause, and English loses a dangling function word ("... where we have"). A hook cut with no clause
to fall back on ("你是否正在寻找一种独特而时尚的连") gives way to the campaign's own name, and the words the
model carried over into the line ("裙？我们的活动…") go with it.
"""

from __future__ import annotations

import re

from domain.channels import Locale
from tools.compliance.absolute_terms import find_absolute_terms
from tools.compliance.textutil import has_cjk
from tools.compose.slots import Slots

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
        "首选": "好选择",
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


_NATURAL_END: dict[Locale, str] = {"zh": "，！？、；。…吗呢吧啊呀哦", "en": ",!?;."}
"""A hook ending on one of these ended on its own, even at its bound (你还在为裙子烦恼吗)."""
_CARRIED_OVER: dict[Locale, re.Pattern[str]] = {
    "zh": re.compile(r"^[^，！？、；]{1,4}[，！？、；]"),
    "en": re.compile(r"^\W*\w+(?:\s+\w+){0,2}[,!?;]\s*"),
}
"""The line's first words when they finish the cut hook's phrase: a short clause (裙？ / ever wanted?)."""


def cut_mid_phrase(text: str, locale: Locale, max_length: int) -> bool:
    """Whether the grammar stopped `text` at its bound in the middle of a phrase."""
    return len(text) >= max_length and not text.endswith(tuple(_NATURAL_END[locale]))


def drop_carried_over(line: str, locale: Locale) -> str:
    """`line` without a leading fragment that finishes the hook's phrase; unchanged when nothing would remain."""
    rest = _CARRIED_OVER[locale].sub("", line, count=1)
    return rest if rest.strip() else line


def campaign_hook(campaign_name: str, locale: Locale, max_length: int, neutral: str) -> str:
    """The campaign's marketing name as the hook when it fits and is in the copy's language, else `neutral`."""
    fits = len(campaign_name) <= max_length and has_cjk(campaign_name) == (locale == "zh")
    return campaign_name if fits else neutral


def repair_slots(slots: Slots, locale: Locale, limits: tuple[int, int], hook_instead: str) -> Slots:
    """The slots as they will be rendered: cut phrases mended, restricted terms replaced or dropped.

    `hook_instead` replaces a hook the grammar cut mid-phrase with no whole clause to keep (campaign_hook).
    """
    hook_max, line_max = limits
    hook, line = tidy_slot(slots.hook, locale, hook_max), tidy_slot(slots.line, locale, line_max)
    if cut_mid_phrase(hook, locale, hook_max):
        hook, line = hook_instead, drop_carried_over(line, locale)
    hook, line = drop_absolute_terms(hook, locale), drop_absolute_terms(line, locale)
    return slots.model_copy(update={"hook": hook, "line": line})
