"""Claims about discounts and money: every one must follow from the offer and the eligible prices."""

from __future__ import annotations

from domain.channels import Locale
from domain.review import Violation
from tools.compliance.facts import OfferFacts
from tools.compliance.money_scan import MoneyClaim, scan_money
from tools.compliance.offer_text import describe_offer
from tools.compliance.textutil import Claimed

_CITATION = "PRC Advertising Law Art. 8 and Art. 28; Price Law Art. 14(4): price and discount claims must be true"
_USD = {"$", "usd", "us$", "美元", "美金", "dollar", "dollars"}
_CNY = {"¥", "rmb", "cny", "元", "块", "块钱", "yuan"}

_CODES = {
    "threshold": ("CLAIM_THRESHOLD", "Threshold offer"),
    "zhe": ("CLAIM_ZHE", "Discount"),
    "half": ("CLAIM_HALF_PRICE", "Half-price claim"),
    "percent": ("CLAIM_PERCENT", "Percent-off claim"),
    "amount_off": ("CLAIM_AMOUNT_OFF", "Money-off claim"),
    "price": ("CLAIM_PRICE", "Amount"),
}


def _allowed(claim: MoneyClaim, facts: OfferFacts) -> bool:
    offer = facts.offer
    if claim.kind == "threshold":
        pair = (round(claim.threshold or 0, 2), round(claim.value, 2))
        return offer.kind == "threshold" and pair == (round(offer.threshold or 0, 2), round(offer.amount_off or 0, 2))
    if claim.kind == "zhe":
        return facts.allows_zhe(claim.value)
    if claim.kind in ("half", "percent"):
        return facts.allows_percent(claim.value)
    if claim.kind == "amount_off":
        return facts.allows_amount_off(claim.value)
    return facts.allows_amount(claim.value)


def _wrong_currency(claim: MoneyClaim, currency: str) -> bool:
    foreign = _USD if currency == "CNY" else _CNY
    return any(marker in foreign for marker in claim.markers)


def check_money(text: str, folded: str, facts: OfferFacts, locale: Locale, claimed: Claimed) -> list[Violation]:
    """Flag each discount or money claim that the offer and the eligible prices do not support."""
    canonical = describe_offer(facts.offer, locale)
    found = []
    for claim in scan_money(folded, claimed):
        span = text[claim.start : claim.end]
        if _wrong_currency(claim, facts.offer.currency):
            sign = "¥ / 元" if facts.offer.currency == "CNY" else "$ / 美元"
            found.append(
                Violation(
                    code="CLAIM_CURRENCY",
                    family="claims",
                    message=f"“{span}” uses another currency than the offer ({facts.offer.currency}).",
                    span=span,
                    fix_hint=f"Write amounts in {sign} only; use exactly {canonical}; remove {span}.",
                    citation=_CITATION,
                )
            )
        elif not _allowed(claim, facts):
            code, what = _CODES[claim.kind]
            hint = f"Use exactly {canonical}; remove {span}."
            if claim.kind == "price":
                hint = f"Remove {span}: it is neither the offer nor an eligible item's price. State only {canonical}."
            found.append(
                Violation(
                    code=code,
                    family="claims",
                    message=f"{what} “{span}” does not follow from the offer ({canonical}).",
                    span=span,
                    fix_hint=hint,
                    citation=_CITATION,
                )
            )
    return found
