"""Product and brand names the campaign does not have: invented brands and lines, items outside the campaign.

The model invented "Yū coffee beans"; 陶瓷马克杯 in a thermos campaign is a product the offer does not cover.

What counts as a name: a brand of data/brands.yaml; a product line (云朵系列, 明星同款, 联名款); a catalog item
outside the campaign, named by its title without size (陶瓷马克杯, ceramic mug); a word in Latin letters right
before a product noun that is neither ours nor the campaign's (Yū咖啡豆, Try Yū coffee beans, the Arctic Pro
thermos). Categories named as a use (装咖啡的保温杯, keeps your coffee hot) are no names.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from domain.review import Violation
from tools.compliance.catalog_terms import en_stem, product_nouns
from tools.compliance.claim_finding import claim_violation
from tools.compliance.date_patterns import FESTIVALS, MONTHS
from tools.compliance.facts import OfferFacts
from tools.compliance.rule_data import rule_data
from tools.compliance.textutil import has_cjk

_I = re.IGNORECASE
_CITATION = "PRC Advertising Law Art. 4, 8 and 28: the goods advertised and their brand must be stated truly"
_LINE = re.compile(r"[\u4e00-\u9fff]{1,4}(?:系列|联名款?|同款)")
_L = r"[A-Za-zÀ-ɏ'’]"
_LATIN_RUN = re.compile(rf"(?:[A-ZÀ-Þ]{_L}*|[a-z]*[À-ɏ]{_L}*)(?:\s+[A-ZÀ-Þ]{_L}*)*")
"""Capitalised words in a row, or one word with a letter beyond ASCII (Yū): how copy writes a name."""
_SENTENCE_START = re.compile(r"(?:^|[.!?:;。！？：；]\s*)$")


@functools.cache
def _brands() -> re.Pattern[str]:
    names = sorted((str(n) for n in rule_data("brands")), key=len, reverse=True)
    return re.compile("|".join(re.escape(n) if has_cjk(n) else rf"\b{re.escape(n)}\b" for n in names), _I)


def _allowed_words(facts: OfferFacts, fixed: Sequence[str]) -> frozenset[str]:
    """Latin words copy may write before a product: ours (titles, campaign name, brand), festivals and months."""
    words = {w.lower() for t in (*facts.item_titles, *fixed) for w in re.findall(r"[^\W\d_]+", t)}
    return frozenset(words | set(MONTHS) | {"i"})


def _hit(text: str, start: int, end: int, what: str) -> Violation:
    span = text[start:end]
    hint = f"Remove “{span}”; name only the campaign's products as the catalog does."
    return claim_violation("CLAIM_PRODUCT", span, f"“{span}” is {what}.", hint, _CITATION)


def _invented_before_product(folded: str, facts: OfferFacts, fixed: Sequence[str]) -> list[tuple[int, int]]:
    """Latin name runs right before a product noun (Yū coffee beans, Yū咖啡豆) that are not ours."""
    zh_nouns = [*product_nouns(facts.item_titles, cjk=True), *(c for c in facts.categories if has_cjk(c))]
    en_nouns = {en_stem(w) for t in facts.item_titles if not has_cjk(t) for w in re.findall(r"[a-z]+", t, _I)}
    en_nouns |= {en_stem(c) for c in facts.categories if not has_cjk(c)}
    allowed, spans = _allowed_words(facts, fixed), []
    for m in _LATIN_RUN.finditer(folded):
        words = [(w.start(), w.end()) for w in re.finditer(r"\S+", m[0])]
        after = folded[m.end() :]
        nxt = re.match(r"\s+([a-z]+)", after, _I)
        before_zh = any(after.startswith(n) for n in zh_nouns)
        if not before_zh and _SENTENCE_START.search(folded[: m.start()]):
            words = words[1:]  # an English sentence's first word is capitalised anyway
        words = [(s, e) for s, e in words if m[0][s:e].lower() not in allowed]
        before_product = before_zh or bool(nxt and en_stem(nxt[1]) in en_nouns)
        festival = any(p.search(m[0]) for p, _ in FESTIVALS)
        if words and before_product and not festival:
            spans.append((m.start() + words[0][0], m.start() + words[-1][1]))
    return spans


def check_names(text: str, folded: str, facts: OfferFacts, fixed: Sequence[str] = ()) -> list[Violation]:
    """Flag brands, product lines and products the campaign does not have."""
    own = [f.lower() for f in fixed if f]
    found = [_hit(text, *m.span(), "a brand the campaign does not sell") for m in _brands().finditer(folded)]
    found = [v for v in found if v.span.lower() not in own]
    found += [_hit(text, *m.span(), "a product line the catalog does not have") for m in _LINE.finditer(folded)]
    if not facts.storewide:
        mine = [n.lower() for cjk in (True, False) for n in product_nouns(facts.item_titles, cjk=cjk)]
        for cjk in (True, False):
            for noun in product_nouns(facts.other_titles, cjk=cjk):
                if noun.lower() in mine:
                    continue
                pattern = re.escape(noun) if cjk else rf"\b{re.escape(noun)}(?:e?s)?\b"
                for m in re.finditer(pattern, folded, _I):
                    found.append(_hit(text, *m.span(), "a product outside this campaign"))
    spans = _invented_before_product(folded, facts, fixed)
    found += [_hit(text, s, e, "a brand or product name not in the catalog") for s, e in spans]
    return found
