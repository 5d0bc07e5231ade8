"""Offer terms that copy may state only when the campaign has them.

Multi-buy, stock, shipping, service terms, cashback, coupons, financing, gifts, eligibility conditions and
scope. Our campaigns carry none of these except a gift (a gift offer) and the whole store (a storewide offer).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tools.compliance.facts import OfferFacts

_I = re.IGNORECASE


@dataclass(frozen=True)
class OfferTermRule:
    """A kind of offer term that copy may state only when the campaign really has it."""

    code: str
    pattern: re.Pattern[str]
    message: str
    allowed: Callable[[OfferFacts], bool]


def _never(facts: OfferFacts) -> bool:
    return False


_ZHE = r"[\d一二三四五六七八九](?:\.\d)?折"
# Order matters: 买一送一 is a buy-one-get-one claim, not a gift claim.
RULES: tuple[OfferTermRule, ...] = (
    OfferTermRule(
        "CLAIM_BOGO",
        re.compile(
            rf"买\s*[一1二2三3]\s*[送赠]\s*[一1二2]|第[二2]件\s*(?:半价|免费|0元|{_ZHE})|[两2]件\s*{_ZHE}"
            r"|buy\s+(?:one|1|two|2)(?:\s+[a-z]+){0,2}[\s,]+get\s+(?:one|1|another|a\s+second)|bogo"
            r"|\b2\s*for\s*1\b|two\s+for\s+one|second\s+(?:item|one)\s+(?:half|free|\d+%)",
            _I,
        ),
        "Multi-buy claim “{span}”; the offer has no such term.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_STOCK",
        re.compile(
            r"(?:仅剩|只剩|仅余)(?!\s*[\d一二三四五六七八九十两几]+\s*(?:天|个?小时))|限量|限购|库存紧张|库存告急|库存有限|数量有限|最后\s*[\d一二三四五六七八九十两几]+\s*[件个台只份套]"
            r"|即将售罄|售罄|卖光|抢光|手慢无|先到先得|抢完即止|售完即止|断货"
            r"|only\s+\d+\s+left|\d+\s+left\s+in\s+stock|limited\s+(?:stock|quantit(?:y|ies)|edition|supply)"
            r"|selling\s+fast|going\s+fast|almost\s+gone|while\s+(?:stocks?|supplies)\s+last|low\s+stock"
            r"|(?:few|last)\s+(?:items?|pieces?|units?)\s+left|sold\s+out|running\s+out"
            r"|limit\s+\d+\s+per\s+(?:customer|person|order|household)",
            _I,
        ),
        "Stock, scarcity or purchase-limit claim “{span}”; there is no stock data to support it.",
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
        "CLAIM_SERVICE",
        re.compile(
            r"free\s+returns?|退货包运费|运费险|价保|保价|退差价|price\s+(?:match|protection|guarantee)|money[\s-]back",
            _I,
        ),
        "Service term “{span}”; the campaign promises no returns, price protection or refunds beyond the law.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_COUPON",
        re.compile(
            r"叠加|叠券|(?:其他|其它)优惠\s*可?同享|可同享|店铺券|优惠券|领券|红包|津贴|购物金|coupons?|vouchers?|promo\s+codes?"
            r"|(?:use|enter|apply)\s+(?:the\s+)?code|stack(?:s|able|ing)?\s+with|combin(?:e|ed|able)\s+with\s+other",
            _I,
        ),
        "Coupon or stacking term “{span}”; the campaign has one offer, with no coupon or code.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_FINANCE",
        re.compile(
            r"免息|分期|白条|先用后付|interest[\s-]free|instal?lments?|0\s*%\s*apr|pay\s+(?:in\s+\d+|later)"
            r"|buy\s+now,?\s+pay\s+later",
            _I,
        ),
        "Financing claim “{span}”; the offer has no instalment or credit terms.",
        _never,
    ),
    OfferTermRule(
        "CLAIM_GIFT",
        re.compile(
            r"赠品|[加附]?赠送?|免费(?:送|领|拿|得|试用)|下单[即就]?[送赠]|买[^,.!?，。！？\s]{0,8}?[送赠]"
            r"|(?:还|再|另|加|并|多|就|即|也)\s*送(?![达货到给])"
            r"|送(?:好礼|赠品|礼品|小礼物|小样)|好礼相送|有礼|free\s+gifts?|gift\s+with\s+purchase|complimentary"
            r"|freebies?|bonus\s+gift|for\s+free|free\s+samples?|free\s+trial|get\s+a\s+free\b"
            r"|(?:plus|with)\s+(?:a\s+)?free\s+(?!shipping|delivery)[a-z]+",
            _I,
        ),
        "Gift claim “{span}”; the offer has no gift.",
        lambda facts: facts.offer.kind == "gift",
    ),
    OfferTermRule(
        "CLAIM_CONDITION",
        re.compile(
            r"会员(?:专享|专属|价|特权)|仅限会员|(?:新人|新客|新用户|老客|老用户|学生|VIP)\s*(?:专享|专属|价|特惠)"
            r"|仅限(?:新|老)(?:人|客|用户)|首单|首购"
            r"|members?[\s-]only|for\s+members|member\s+price|(?:new|first[\s-]time)\s+(?:customers?|users?|buyers?)"
            r"\s+only|only\s+for\s+new|for\s+new\s+(?:customers?|users?)|first[\s-]order\s+(?:only|discount|offer)"
            r"|students?\s+only|vip\s+only",
            _I,
        ),
        "Eligibility condition “{span}”; the campaign sets no such condition.",
        _never,
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
