"""What a text mentions: normalized phrase matching, personalization terms and attribute recall."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from domain.channels import Locale
from domain.profile import PromptProfile
from tools.compliance.categories import category_label
from tools.compliance.textutil import fold

_CJK_RUN = re.compile(r"[\u3400-\u9fff]{2,}")
_LATIN_WORD = re.compile(r"[a-z][a-z'-]{2,}")
STOPWORDS = frozenset({"the", "and", "for", "with", "from", "your", "our", "set", "pack", "item", "items"})


def normalize(text: str) -> str:
    """Full-width ASCII folded to ASCII, then case-folded: how every mention check compares text."""
    return fold(text).casefold()


def mentions(text: str, phrase: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` after normalization (a plain substring test)."""
    return normalize(phrase) in normalize(text)


def missing(text: str, phrases: Sequence[str]) -> list[str]:
    """The phrases the text does not mention, in order."""
    return [p for p in phrases if not mentions(text, p)]


def found(text: str, phrases: Sequence[str]) -> list[str]:
    """The phrases the text mentions, in order."""
    return [p for p in phrases if mentions(text, p)]


def terms_of(phrases: Iterable[str]) -> list[str]:
    """Terms of phrases: maximal runs of ≥ 2 CJK characters, and Latin words of ≥ 3 letters not in STOPWORDS."""
    terms: list[str] = []
    for phrase in phrases:
        text = normalize(phrase)
        terms += _CJK_RUN.findall(text)
        terms += [w.strip("'-") for w in _LATIN_WORD.findall(text) if w.strip("'-") not in STOPWORDS]
    return list(dict.fromkeys(t for t in terms if t))


def personal_terms(profile: PromptProfile, locale: Locale, campaign_text: str) -> list[str]:
    """The user's signal terms: terms of their top categories (id and label) and interests, minus generic ones.

    A term is generic when it occurs in the campaign's own text (name, eligible categories, offer): copy
    that says it would say it to everyone.
    """
    labels = [label for c in profile.top_categories for label in (c, category_label(c, locale)) if label]
    generic = normalize(campaign_text)
    return [t for t in terms_of([*labels, *profile.interests]) if t not in generic]


def attribute_recall(text: str, attributes: Sequence[str]) -> float | None:
    """Share of the distinct attribute values the text mentions; None without attributes."""
    distinct = list(dict.fromkeys(attributes))
    return len(found(text, distinct)) / len(distinct) if distinct else None
