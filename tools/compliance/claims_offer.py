"""Claims about offer terms we do not have: buy-one-get-one, gifts, shipping, cashback, stock and scope.

Decision: in a gift campaign the gift verb (赠 / 送) must name the campaign's gift; 赠化妆包和面膜 adds a
second, invented gift and is flagged.
"""

from __future__ import annotations

import re

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.claim_finding import claim_violation
from tools.compliance.claims_terms import RULES
from tools.compliance.facts import OfferFacts
from tools.compliance.offer_text import describe_offer
from tools.compliance.textutil import CLAUSE_END, Claimed, fold

_CITATION = "PRC Advertising Law Art. 8 and Art. 28: offer terms, gifts and conditions must be stated truly"
_ZH_GIFT_VERB = re.compile(r"[赠送]$")
_MORE = re.compile(r"[和及与、+]|还有|以及|加上|外加")


def _extra_gift(folded: str, end: int, gift: str) -> bool:
    """Whether the object after a Chinese gift verb is something besides the campaign's gift."""
    stop = next((i for i in range(end, len(folded)) if folded[i] in CLAUSE_END), len(folded))
    obj = folded[end:stop].strip()
    if not obj or not gift:
        return False
    if gift not in obj:
        return True
    rest = obj.replace(gift, "", 1)
    return len(rest) > 4 or _MORE.search(rest) is not None


def _violation(text: str, start: int, end: int, message: str, canonical: str, code: str) -> Violation:
    span = text[start:end]
    hint = f"Remove “{span}”; state only the offer: {canonical}."
    return claim_violation(code, span, message.format(span=span), hint, _CITATION)


def check_offer_terms(text: str, folded: str, facts: OfferFacts, locale: Locale, claimed: Claimed) -> list[Violation]:
    """Flag offer terms (gifts, shipping, stock ...) the campaign does not have."""
    canonical = describe_offer(facts.offer, locale)
    gift = fold(facts.offer.gift or "")
    found = []
    for rule in RULES:
        allowed = rule.allowed(facts)
        for m in rule.pattern.finditer(folded):
            if allowed:
                # An allowed term leaves its span open, so amounts inside it are still checked.
                if rule.code == "CLAIM_GIFT" and _ZH_GIFT_VERB.search(m[0]) and _extra_gift(folded, m.end(), gift):
                    message = "Gift claim “{span}” names more than the campaign's gift."
                    found.append(_violation(text, m.start(), m.end(), message, canonical, rule.code))
                continue
            if claimed.take(m.start(), m.end()):
                found.append(_violation(text, m.start(), m.end(), rule.message, canonical, rule.code))
    return found
