"""Claims about scope: a discount may be tied only to categories the campaign covers.

A category is judged only where it is the thing discounted: the noun right before the discount in the same
clause (咖啡也享满300减50, 保温杯八折) or the object after it (15% off thermoses and coffee). A category
named as a use (装咖啡的保温杯, keeps your coffee hot) is no claim. Only categories with labels in
data/category_labels.yaml are known; a storewide campaign covers them all.
"""

from __future__ import annotations

import functools
import re

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.categories import all_labels, known_categories
from tools.compliance.claim_finding import claim_violation
from tools.compliance.facts import OfferFacts
from tools.compliance.offer_text import describe_offer
from tools.compliance.textutil import CLAUSE_END, has_cjk

_I = re.IGNORECASE
_CITATION = "PRC Advertising Law Art. 8: the goods an offer applies to must be stated truly"
_NUM = r"[\d一二三四五六七八九十百]"
_ZH_ANCHOR = re.compile(
    rf"满\s*{_NUM}|[立直]?[减省]\s*{_NUM}|{_NUM}(?:\.\d|点?[一二三四五六七八九])?\s*折|半价|享|参加|参与"
)
_EN_ANCHOR = re.compile(r"(?:\d+(?:\.\d+)?\s*%|[¥$]\s*\d+(?:\.\d+)?)\s+off\b|\bsave\s+(?:\d+%|[¥$]\S+)\s+on\b", _I)
_LINK = re.compile(r"(?:[\s:]|也|都|同样|一律|均|可|全部|一起|统统|\b(?:are|is|now|also|too)\b)*$", _I)
_EN_STOP = re.compile(r"[，,。.！!？?；;：:\n]|\b(?:this|today|until|till|ends?|for|with|at|now|plus|when|if)\b", _I)


def _pattern(label: str) -> str:
    if has_cjk(label):
        return re.escape(label)
    stem = re.escape(label[:-1] if label.endswith("s") and not label.endswith("ss") else label)
    return rf"\b{stem}(?:e?s)?\b"


@functools.cache
def _patterns(eligible: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """(labels of categories outside the campaign, labels inside it), each as one alternation."""
    inside = set(eligible)
    outside = {label for c in known_categories() for label in all_labels(c)} - inside
    outside = {o for o in outside if not any(o in i for i in inside)}  # 杯 inside 保温杯 is no other category
    other = re.compile("|".join(_pattern(x) for x in sorted(outside, key=len, reverse=True)), _I)
    own = re.compile("|".join(_pattern(x) for x in sorted(inside, key=len, reverse=True)), _I) if inside else None
    return other, own


def _foreign(
    segment: str, at_end: bool, other: re.Pattern[str], own: re.Pattern[str] | None, titles: tuple[str, ...]
) -> re.Match[str] | None:
    """A label of another category in the segment (at its end only, when at_end), not inside an own label.

    A label an in-scope title holds names goods the campaign covers (耳机 for a 蓝牙耳机 filed under 数码).
    """
    own_spans = [m.span() for m in own.finditer(segment)] if own else []
    for m in other.finditer(segment):
        inside = any(s <= m.start() and m.end() <= e for s, e in own_spans)
        if inside or any(m[0].lower() in t for t in titles):
            continue
        if not at_end or not segment[m.end() :].strip():
            return m
    return None


def check_scope(text: str, folded: str, facts: OfferFacts, locale: Locale) -> list[Violation]:
    """Flag discounts tied to categories the campaign does not cover."""
    if facts.storewide:
        return []
    other, own = _patterns(facts.categories)
    titles = tuple(t.lower() for t in facts.item_titles)
    found, seen = [], set()
    for anchor in (*_ZH_ANCHOR.finditer(folded), *_EN_ANCHOR.finditer(folded)):
        start = max((folded.rfind(c, 0, anchor.start()) for c in CLAUSE_END), default=-1) + 1
        before = folded[start : anchor.start()]
        link = _LINK.search(before)
        before = before[: link.start()] if link else before
        segments = [(start, before, True)]
        if anchor.re is _EN_ANCHOR:
            stop = _EN_STOP.search(folded, anchor.end())
            segments.append((anchor.end(), folded[anchor.end() : stop.start() if stop else len(folded)], False))
        for offset, segment, at_end in segments:
            m = _foreign(segment, at_end, other, own, titles)
            if m is None or (offset + m.start()) in seen:
                continue
            seen.add(offset + m.start())
            span = text[offset + m.start() : offset + m.end()]
            message = f"“{span}” is not in this campaign; the offer covers other goods."
            hint = f"Remove “{span}”; the offer ({describe_offer(facts.offer, locale)}) covers other goods."
            found.append(claim_violation("CLAIM_CATEGORY", span, message, hint, _CITATION))
    return found
