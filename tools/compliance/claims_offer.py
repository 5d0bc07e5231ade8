"""Claims about offer terms we do not have: buy-one-get-one, gifts, shipping, cashback, stock and scope."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.facts import OfferFacts
from tools.compliance.offer_text import describe_offer
from tools.compliance.textutil import Claimed

_I = re.IGNORECASE
_CITATION = "PRC Advertising Law Art. 8 and Art. 28: offer terms, gifts and conditions must be stated truly"


@dataclass(frozen=True)
class OfferTermRule:
    """A kind of offer term that copy may state only when the campaign really has it."""

    code: str
    pattern: re.Pattern[str]
    message: str
    allowed: Callable[[OfferFacts], bool]


def _never(facts: OfferFacts) -> bool:
    return False


# Order matters: 买一送一 is a buy-one-get-one claim, not a gift claim.
RULES: tuple[OfferTermRule, ...] = (
    OfferTermRule(
        "CLAIM_BOGO",
        re.compile(
            r"买\s*[一1二2三3]\s*[送赠]\s*[一1二2]|第[二2]件\s*(?:半价|免费|0元|[\d一二三四五六七八九](?:\.\d)?折)"
            r"|[两2]件\s*[\d一二三四五六七八九](?:\.\d)?折|buy\s+(?:one|1|two|2)[\s,]+get\s+(?:one|1)|bogo"
            r"|\b2\s*for\s*1\b|two\s+for\s+one|second\s+(?:item|one)\s+(?:half|free|\d+%)",
            _I,
        ),
        "Multi-buy claim “{span}”; the offer has no such term.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_STOCK",
        re.compile(
            r"仅剩|只剩|仅余|限量|库存紧张|库存告急|库存有限|数量有限|最后\s*[\d一二三四五六七八九十两几]+\s*[件个台只份套]"
            r"|即将售罄|售罄|卖光|抢光|手慢无|先到先得|抢完即止|售完即止|断货"
            r"|only\s+\d+\s+left|\d+\s+left\s+in\s+stock|limited\s+(?:stock|quantit(?:y|ies)|edition|supply)"
            r"|selling\s+fast|going\s+fast|almost\s+gone|while\s+(?:stocks?|supplies)\s+last|low\s+stock"
            r"|(?:few|last)\s+(?:items?|pieces?|units?)\s+left|sold\s+out|running\s+out",
            _I,
        ),
        "Stock or scarcity claim “{span}”; there is no stock data to support it.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_SHIPPING",
        re.compile(r"包邮|免运费|免邮|运费全免|free\s+(?:shipping|delivery)|ships?\s+(?:for\s+)?free", _I),
        "Shipping claim “{span}”; the offer has no shipping terms.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_CASHBACK",
        re.compile(r"返现|返券|返利|返还|返\s*(?=[¥$\d])|cash\s*back|rebate", _I),
        "Cashback claim “{span}”; the offer has no cashback.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_GIFT",
        re.compile(
            r"赠品|[加附]?赠送?|免费(?:送|领|拿|得|试用)|下单[即就]?[送赠]|买[^,.!?，。！？\s]{0,8}?[送赠]"
            r"|送(?:好礼|赠品|礼品|小礼物|小样)|好礼相送|有礼|free\s+gifts?|gift\s+with\s+purchase|complimentary"
            r"|freebies?|bonus\s+gift|for\s+free|free\s+samples?|get\s+a\s+free\b",
            _I,
        ),
        "Gift claim “{span}”; the offer has no gift.",
        lambda facts: facts.offer.kind == "gift",
    ),
    OfferTermRule(
        "CLAIM_SCOPE",
        re.compile(
            r"全场|全店|全品类?|所有商品|全部商品|store[\s-]?wide|site[\s-]?wide|all\s+(?:items|products)"
            r"|entire\s+store",
            _I,
        ),
        "Scope claim “{span}”; the offer covers only some items.",
        lambda facts: facts.storewide,
    ),
)


def check_offer_terms(text: str, folded: str, facts: OfferFacts, locale: Locale, claimed: Claimed) -> list[Violation]:
    """Flag offer terms (gifts, shipping, stock ...) the campaign does not have."""
    canonical = describe_offer(facts.offer, locale)
    found = []
    for rule in RULES:
        allowed = rule.allowed(facts)
        for m in rule.pattern.finditer(folded):
            # An allowed term leaves its span open, so amounts inside it are still checked.
            if allowed or not claimed.take(m.start(), m.end()):
                continue
            span = text[m.start() : m.end()]
            found.append(
                Violation(
                    code=rule.code,
                    family="claims",
                    message=rule.message.format(span=span),
                    span=span,
                    fix_hint=f"Remove “{span}”; state only the offer: {canonical}.",
                    citation=_CITATION,
                )
            )
    return found
